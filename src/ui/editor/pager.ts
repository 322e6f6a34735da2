/**
 * Long lists of the editor (devices, a device's signals, orphan signals) are shown a page at a time:
 * the page's thread then holds a few dozen items as Lit templates, never a whole 30,000-signal site.
 * Pages (not a scrolling window) keep every item's height free (an open signal is a whole form), keep
 * the tab order plain, and let errors stay at their fields.
 */
import { html, nothing } from 'lit';

export const DEVICE_PAGE = 20;
export const SIGNAL_PAGE = 50;

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size));
}

/** The page that shows item `index`. */
export function pageOf(index: number, size: number): number {
  return Math.max(0, Math.floor(index / size));
}

/** A page number brought into range (lists shrink when items are deleted). */
export function clampPage(page: number, total: number, size: number): number {
  return Math.min(Math.max(0, Math.floor(page)), pageCount(total, size) - 1);
}

export interface PagerOptions {
  /** Unique within the editor: ids of the page input. */
  id: string;
  /** What is listed, plural: "devices", "signals of meter_1". */
  what: string;
  total: number;
  size: number;
  page: number;
  onPage: (page: number) => void;
}

/** Previous / next and a page number to type; nothing when everything fits on one page. */
export function renderPager(o: PagerOptions) {
  if (o.total <= o.size) return nothing;
  const pages = pageCount(o.total, o.size);
  const page = clampPage(o.page, o.total, o.size);
  const first = page * o.size + 1;
  const last = Math.min(o.total, first + o.size - 1);
  const go = (p: number) => o.onPage(clampPage(p, o.total, o.size));
  return html`<nav class="pager" aria-label=${`Pages of ${o.what}`}>
    <button type="button" ?disabled=${page === 0} @click=${() => go(page - 1)} aria-label=${`Previous page of ${o.what}`}>Previous</button>
    <span class="range" role="status">${first}–${last} of ${o.total} ${o.what}</span>
    <label for=${`${o.id}-page`}>Page</label>
    <input
      id=${`${o.id}-page`}
      class="page-number"
      type="number"
      inputmode="numeric"
      min="1"
      max=${pages}
      .value=${String(page + 1)}
      @change=${(e: Event) => {
        const n = Number((e.target as HTMLInputElement).value);
        if (Number.isFinite(n)) go(n - 1);
      }}
    />
    <span>of ${pages}</span>
    <button type="button" ?disabled=${page >= pages - 1} @click=${() => go(page + 1)} aria-label=${`Next page of ${o.what}`}>Next</button>
  </nav>`;
}
