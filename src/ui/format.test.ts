import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText } from '../export/csv-cells';
import { formatNumber, formatReadingValue } from './format';

/** Back from a locale's text to a number: drop its group separators, read its decimal sign as a dot. */
function parseLocale(text: string, locale: string): number {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  return Number(text.split(group).join('').replace(decimal, '.').replace('E', 'e').replace(/−/g, '-'));
}

describe('formatNumber', () => {
  it('writes the value as the locale does, with the meter decimals', () => {
    expect(formatNumber(147238.4, 1, 'en-US')).toBe('147,238.4');
    expect(formatNumber(147238.4, 1, 'de-DE')).toBe('147.238,4');
    expect(formatNumber(50, 2, 'en-US')).toBe('50.00');
    expect(formatNumber(1235.25, undefined, 'en-US')).toBe('1,235.25');
    expect(formatNumber(-3, 0, 'en-US')).toBe('-3');
    expect(formatNumber(-0, 1, 'en-US')).toBe('0.0');
  });

  it('keeps digits beyond the meter decimals instead of rounding them away', () => {
    expect(formatNumber(1.2345, 2, 'en-US')).toBe('1.2345');
    expect(formatNumber(0.1 + 0.2, undefined, 'en-US')).toBe('0.30000000000000004');
  });

  it('writes very small and very large numbers in scientific form with their digits', () => {
    expect(formatNumber(1.5e-7, undefined, 'en-US')).toBe('1.5E-7');
    expect(formatNumber(2e21, undefined, 'en-US')).toBe('2E21');
    // 22 decimals: more than Intl writes, so the same digits in scientific form.
    expect(formatNumber(-0.0000010000000000046303, undefined, 'en-US')).toBe('-1.0000000000046303E-6');
  });

  it('says what a non-finite number is', () => {
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  for (const locale of ['en-US', 'de-DE', 'fr-FR', 'lt-LT']) {
    it(`shows exactly the digits the export writes (${locale})`, () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), (v, d) => {
          const shown = formatNumber(v, d, locale);
          const machine = numberText(v, d);
          expect(parseLocale(shown, locale)).toBe(Number(machine));
          // The same count of decimals as the export (outside scientific form).
          if (!/e/.test(machine) && !shown.includes('E')) {
            const decimals = (s: string, sep: string) => (s.includes(sep) ? s.length - s.lastIndexOf(sep) - 1 : 0);
            const sep = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')!.value;
            expect(decimals(shown, sep)).toBe(decimals(machine, '.'));
          }
        }),
      );
    });
  }
});

describe('formatReadingValue', () => {
  it('shows texts as they are, booleans in words and missing values as a dash', () => {
    expect(formatReadingValue('2026-01-15T08:00:00+01:00')).toBe('2026-01-15T08:00:00+01:00');
    expect(formatReadingValue(true)).toBe('true');
    expect(formatReadingValue(null)).toBe('—');
    expect(formatReadingValue(undefined)).toBe('—');
    expect(formatReadingValue(230.1, 1, 'en-US')).toBe('230.1');
  });
});
