import type { ReadingValue } from '../core/reading';
import { numberText } from '../export/csv-cells';

export function formatBytes(n: number | null): string {
  if (n === null) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i > 0 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/*
 * One number format for every page (Read, History, Profiles): the locale's grouping and decimal sign,
 * with exactly the digits the export writes (`numberText`: the meter's own decimals, padded with
 * zeros; a value carrying more digits keeps them all). Exports stay in machine format; the screen
 * shows the same digits the way the technician's locale writes them.
 */

const formatters = new Map<string, Intl.NumberFormat>();

/** Formatters are cached: a profile page formats thousands of cells per render. */
function formatter(locale: string | undefined, digits: number): Intl.NumberFormat {
  const key = `${locale ?? ''}|${digits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, f);
  }
  return f;
}

function exact(f: Intl.NumberFormat, decimalText: string): string {
  return f.format(decimalText as `${number}`);
}

/** A number in the locale's form, with the meter's decimals (see above). NaN and ±Infinity as words. */
export function formatNumber(value: number, decimals?: number, locale?: string): string {
  if (!Number.isFinite(value)) return String(value);
  // -0 is written 0 in exports; "-0" on screen would suggest a reverse flow that is not there.
  if (value === 0) value = 0;
  let text = numberText(value, decimals);
  // More than 20 decimals (0.0000010000000000046303) is beyond what every Intl allows: the same
  // digits in scientific form (toExponential() without an argument keeps the shortest exact digits).
  const dotAt = text.indexOf('.');
  if (dotAt >= 0 && !text.includes('e') && text.length - dotAt - 1 > 20) text = value.toExponential();
  // Very large or small numbers come back as 1.5e-7: keep the mantissa's digits, in scientific form.
  // The decimal text itself is formatted (Intl reads a numeric string exactly): going through a
  // double again would let ICU round a 17th significant digit differently from the export.
  const exp = /^(-?\d+(?:\.(\d+))?)e([+-]\d+)$/.exec(text);
  if (exp) return `${exact(formatter(locale, exp[2]?.length ?? 0), exp[1]!)}E${Number(exp[3])}`;
  const dot = text.indexOf('.');
  return exact(formatter(locale, dot < 0 ? 0 : text.length - dot - 1), text);
}

/** A reading's value for the screen: numbers as above, booleans as words, texts as they are, null as a dash. */
export function formatReadingValue(v: ReadingValue | undefined, decimals?: number, locale?: string): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatNumber(v, decimals, locale);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v;
}
