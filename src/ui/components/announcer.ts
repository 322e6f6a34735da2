/**
 * One polite live region for the whole app. When a main action finishes (a read, a profile, the demo
 * loaded), the page moves focus to its result and says what happened here, once, in a sentence:
 * screen readers miss text that appears inside a shadow root far from the focus, and a live region
 * on every status line would talk over itself during polling.
 *
 * The region sits in the light DOM (document.body) from the first call on, so it exists before its
 * text changes (a region created together with its text is not announced by every screen reader).
 */

let region: HTMLElement | undefined;
let pending: ReturnType<typeof setTimeout> | undefined;

function liveRegion(): HTMLElement {
  if (region?.isConnected) return region;
  const el = document.createElement('div');
  el.id = 'ms-announcer';
  el.setAttribute('role', 'status');
  el.setAttribute('aria-live', 'polite');
  el.setAttribute('aria-atomic', 'true');
  // Visually hidden, still read: the same text is on screen in the page itself.
  el.style.cssText = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0';
  document.body.append(el);
  region = el;
  return el;
}

/** Create the region ahead of its first sentence (pages call this when they open). */
export function prepareAnnouncer(): void {
  liveRegion();
}

/**
 * Say `text` politely. The region is emptied first and filled a moment later, so the same sentence
 * twice in a row (two reads with the same result) is announced twice.
 */
export function announce(text: string): void {
  const el = liveRegion();
  el.textContent = '';
  if (pending) clearTimeout(pending);
  pending = setTimeout(() => {
    pending = undefined;
    el.textContent = text;
  }, 100);
}

/** The text last announced (or about to be): e2e tests and the lead's audit read it. */
export function announced(): string {
  return region?.textContent ?? '';
}

/**
 * Focus the element that shows an action's result (it needs tabindex="-1" unless it is focusable
 * itself) and announce `text`. Focus goes there because the button that started the action disabled
 * itself, and focus would otherwise fall to <body>.
 */
export function focusResult(target: HTMLElement | null | undefined, text: string): void {
  target?.focus();
  announce(text);
}
