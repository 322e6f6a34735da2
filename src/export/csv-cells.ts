/**
 * CSV cell encoding (RFC 4180) with a defence against formula injection.
 *
 * The choice, documented in docs/storage-and-export.md: a *text* cell whose first character is one of
 * = + - @ TAB CR could be run as a formula by a spreadsheet, so it gets a leading apostrophe (the
 * OWASP advice). Numbers are written as plain numbers: -12.5 from a meter is a value, not a formula,
 * and an apostrophe would turn it into text in every spreadsheet. A text that already starts with an
 * apostrophe gets one more, so removing one leading apostrophe always restores the original text.
 */

const NEEDS_QUOTES = /[",\r\n]/;
const NEEDS_QUOTES_SEMICOLON = /[";\r\n]/;

/**
 * `,` is RFC 4180. `;` is what spreadsheets set to a comma decimal locale (lt, de, fr...) expect: with
 * it, numbers are written with a decimal comma, so 50,00 opens as a number there and not as text.
 */
export type CsvSeparator = ',' | ';';

function startsLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  // = + - @ TAB CR, and the apostrophe itself: a text that already starts with one gets another, so
  // "drop one leading apostrophe" undoes the neutralisation exactly ('+ stays distinguishable from +).
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d || c === 0x27;
}

/** Quote a field when RFC 4180 requires it: the separator, double quote, CR or LF inside. */
export function quoteField(text: string, separator: CsvSeparator = ','): string {
  const needs = separator === ';' ? NEEDS_QUOTES_SEMICOLON : NEEDS_QUOTES;
  return needs.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Text from outside (aliases, units, meter strings): neutralised, then quoted as needed. */
export function textCell(text: string | undefined | null, separator: CsvSeparator = ','): string {
  if (text === undefined || text === null || text === '') return '';
  return quoteField(startsLikeFormula(text) ? `'${text}` : text, separator);
}

/**
 * A number with the decimals the meter gave it (a scaler of -2: 50 is written 50.00), but only when
 * that changes nothing but trailing zeros: a value with more digits than `decimals` keeps them all.
 */
export function numberText(value: number, decimals?: number): string {
  if (decimals !== undefined && Number.isInteger(decimals) && decimals > 0 && decimals <= 20 && Math.abs(value) < 1e21) {
    const fixed = value.toFixed(decimals);
    if (Number(fixed) === value) return fixed;
  }
  return String(value);
}

/** A meter value: numbers and booleans plain, strings as text cells, null as an empty cell. */
export function valueCell(
  value: number | string | boolean | null | undefined,
  separator: CsvSeparator = ',',
  decimals?: number,
): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    // NaN/Infinity are not numbers a spreadsheet reads; as text they get the same treatment as any text.
    if (!Number.isFinite(value)) return textCell(String(value), separator);
    const text = numberText(value, decimals);
    return separator === ';' ? text.replace('.', ',') : text;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return textCell(value, separator);
}

export const CRLF = '\r\n';
