/**
 * Paging of a long table (a profile of 96 or 3,000 rows): which rows a page shows and how to say
 * where the reader is. Pure, so the page and its tests share it; a page number out of range (the
 * table got shorter) is pulled back in instead of showing an empty page.
 */

export const PAGE_ROWS = 50;

export interface PageView {
  /** Zero-based page actually shown (clamped). */
  page: number;
  pages: number;
  /** Row indexes [start, end) of the shown page. */
  start: number;
  end: number;
  total: number;
  hasPrev: boolean;
  hasNext: boolean;
}

export function pageView(total: number, page: number, size: number = PAGE_ROWS): PageView {
  const n = Math.max(0, Math.floor(total));
  const per = Math.max(1, Math.floor(size));
  const pages = Math.max(1, Math.ceil(n / per));
  const p = Number.isFinite(page) ? Math.min(Math.max(0, Math.floor(page)), pages - 1) : 0;
  const start = Math.min(p * per, n);
  const end = Math.min(start + per, n);
  return { page: p, pages, start, end, total: n, hasPrev: p > 0, hasNext: p < pages - 1 };
}

/** "rows 51–96 of 96" (1-based, as people count); "no rows" for an empty table. */
export function pageLabel(v: PageView, locale?: string): string {
  if (v.total === 0) return 'no rows';
  const f = (x: number) => x.toLocaleString(locale);
  return `rows ${f(v.start + 1)}–${f(v.end)} of ${f(v.total)}`;
}
