import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampPage, pageCount, pageOf } from './pager';

describe('pages of a long list', () => {
  it('every item is on exactly one page, and the page of an item shows it', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 500 }), (total, size) => {
        const pages = pageCount(total, size);
        expect(pages).toBe(Math.max(1, Math.ceil(total / size)));
        if (total === 0) return;
        const i = total - 1;
        const p = pageOf(i, size);
        expect(p).toBeLessThan(pages);
        expect(i >= p * size && i < (p + 1) * size).toBe(true);
      }),
    );
  });

  it('a page number out of range (a list that shrank, a typed number) comes back into range', () => {
    expect(clampPage(7, 30_000, 50)).toBe(7);
    expect(clampPage(600, 30_000, 50)).toBe(599);
    expect(clampPage(-3, 10, 50)).toBe(0);
    expect(clampPage(2.7, 500, 50)).toBe(2);
    expect(clampPage(5, 0, 50)).toBe(0);
  });
});
