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

function startsLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  // = + - @ TAB CR, and the apostrophe itself: a text that already starts with one gets another, so
  // "drop one leading apostrophe" undoes the neutralisation exactly ('+ stays distinguishable from +).
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d || c === 0x27;
}

/** Quote a field when RFC 4180 requires it: comma, double quote, CR or LF inside. */
export function quoteField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Text from outside (aliases, units, meter strings): neutralised, then quoted as needed. */
export function textCell(text: string | undefined | null): string {
  if (text === undefined || text === null || text === '') return '';
  return quoteField(startsLikeFormula(text) ? `'${text}` : text);
}

/** A meter value: numbers and booleans plain, strings as text cells, null as an empty cell. */
export function valueCell(value: number | string | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    // NaN/Infinity are not numbers a spreadsheet reads; as text they get the same treatment as any text.
    return Number.isFinite(value) ? String(value) : textCell(String(value));
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return textCell(value);
}

export const CRLF = '\r\n';
