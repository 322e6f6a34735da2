import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_ROWS, pageLabel, pageView } from './profiles-paging';

describe('pageView', () => {
  it('shows 96 rows as 50 and 46', () => {
    const first = pageView(96, 0);
    expect(first).toMatchObject({ page: 0, pages: 2, start: 0, end: 50, hasPrev: false, hasNext: true });
    expect(pageLabel(first, 'en-US')).toBe('rows 1–50 of 96');
    const second = pageView(96, 1);
    expect(second).toMatchObject({ page: 1, start: 50, end: 96, hasPrev: true, hasNext: false });
    expect(pageLabel(second, 'en-US')).toBe('rows 51–96 of 96');
  });

  it('pulls a page beyond the end back to the last page (the table got shorter)', () => {
    expect(pageView(30, 5)).toMatchObject({ page: 0, start: 0, end: 30, hasNext: false });
    expect(pageView(120, 9)).toMatchObject({ page: 2, start: 100, end: 120 });
  });

  it('says "no rows" for an empty table and has one page', () => {
    const v = pageView(0, 0);
    expect(v).toMatchObject({ pages: 1, start: 0, end: 0, hasPrev: false, hasNext: false });
    expect(pageLabel(v)).toBe('no rows');
  });

  it('groups large counts in the locale', () => {
    expect(pageLabel(pageView(3000, 59), 'en-US')).toBe('rows 2,951–3,000 of 3,000');
  });

  it('walking Next from the first page visits every row exactly once, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 200 }), (total, size) => {
        const seen: number[] = [];
        let v = pageView(total, 0, size);
        for (;;) {
          expect(v.end - v.start).toBeLessThanOrEqual(size);
          for (let i = v.start; i < v.end; i++) seen.push(i);
          if (!v.hasNext) break;
          v = pageView(total, v.page + 1, size);
        }
        expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
        expect(v.page).toBe(v.pages - 1);
      }),
    );
  });

  it('any page number, even NaN or negative, gives a page inside the table', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.oneof(fc.integer(), fc.double()), (total, page) => {
        const v = pageView(total, page);
        expect(v.page).toBeGreaterThanOrEqual(0);
        expect(v.page).toBeLessThan(v.pages);
        expect(v.start).toBeLessThanOrEqual(v.end);
        expect(v.end).toBeLessThanOrEqual(total);
        expect(v.end - v.start).toBeLessThanOrEqual(PAGE_ROWS);
        if (total > 0) expect(v.end).toBeGreaterThan(v.start);
      }),
    );
  });
});
