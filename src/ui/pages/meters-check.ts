import { html, nothing } from 'lit';
import type { ImportCheck } from '../../worker/workspace-api';

/** What the import box says about its document (checked in the engine worker). */
export type Check = { kind: 'none' } | ImportCheck | { kind: 'unreadable'; message: string };

/** Errors listed per step; "Show more" lists the next ones, so nothing is dropped and no list is huge. */
export const ERROR_STEP = 200;

/** The import box's verdict: counts, or the errors with their JSON paths, `shown` of them listed. */
export function renderCheck(c: Check, shown: number, showMore: () => void) {
  if (c.kind === 'valid') {
    return html`<p class="ok" role="status">Valid: ${c.devices} device(s), ${c.signals} signal(s).</p>`;
  }
  if (c.kind === 'unreadable') {
    return html`<div class="errors" role="alert"><p>${c.message}</p></div>`;
  }
  if (c.kind !== 'invalid') return nothing;
  const listed = c.errors.slice(0, shown);
  const more = c.errors.length - listed.length;
  return html`<div class="errors" role="alert" aria-labelledby="errors-title">
    <p id="errors-title">${c.errors.length} error${c.errors.length === 1 ? '' : 's'}: the configuration was not saved.</p>
    <ul class="error-list">
      ${listed.map((err) => html`<li><code class="path">${err.path || '(document)'}</code>: <span>${err.message}</span></li>`)}
    </ul>
    ${more > 0
      ? html`<button type="button" @click=${showMore}>Show ${Math.min(more, ERROR_STEP)} more (${more} not listed yet)</button>`
      : nothing}
  </div>`;
}
