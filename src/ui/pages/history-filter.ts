/**
 * The History page's filter form turned into a store query. Pure: unit tested without a browser.
 * Times come from <input type="datetime-local"> (local wall time, minutes or seconds precision).
 */
import type { ReadingFilter } from '../../store';

export interface HistoryForm {
  device: string;
  signal: string;
  /** `2026-01-15T08:00` or `2026-01-15T08:00:30`, local time; '' = open. */
  from: string;
  to: string;
}

/** How the time fields are written (a text field each: one Tab stop). */
export const TIME_FORMAT = 'YYYY-MM-DD HH:MM';

export const EMPTY_FORM: HistoryForm = { device: '', signal: '', from: '', to: '' };

/** Local time text to epoch ms; undefined for '' or an unreadable value. */
export function parseLocal(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0')));
  // Date rolls 31 February into March: a typing error, not a date.
  if (date.getDate() !== Number(d) || date.getMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  const t = date.getTime();
  return Number.isFinite(t) ? t : undefined;
}

/**
 * The store filter for a form, or the sentence that says what is wrong. "To" is inclusive of the
 * whole minute (or second) it names: "to 08:00" keeps a reading taken at 08:00:42.
 */
export function toFilter(f: HistoryForm): { ok: true; filter: ReadingFilter } | { ok: false; message: string } {
  const filter: ReadingFilter = {};
  const device = f.device.trim();
  const signal = f.signal.trim();
  if (device) filter.device_alias = device;
  if (signal) filter.signal_alias = signal;
  if (f.from.trim()) {
    const from = parseLocal(f.from);
    if (from === undefined) return { ok: false, message: 'The start time is not a valid date and time.' };
    filter.from = from;
  }
  if (f.to.trim()) {
    const to = parseLocal(f.to);
    if (to === undefined) return { ok: false, message: 'The end time is not a valid date and time.' };
    const hasSeconds = /[T ]\d{2}:\d{2}:\d{2}/.test(f.to);
    filter.to = to + (hasSeconds ? 999 : 59_999);
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    return { ok: false, message: 'The start time is after the end time.' };
  }
  return { ok: true, filter };
}

/** Words for the selection, e.g. "device incomer, signal ea_import, from … to …". */
export function describeFilter(f: ReadingFilter): string {
  const parts: string[] = [];
  if (f.device_alias) parts.push(`device ${f.device_alias}`);
  if (f.signal_alias) parts.push(`signal ${f.signal_alias}`);
  if (f.from !== undefined) parts.push(`from ${new Date(f.from).toLocaleString()}`);
  if (f.to !== undefined) parts.push(`to ${new Date(f.to).toLocaleString()}`);
  return parts.length ? parts.join(', ') : 'all readings';
}

/** A short file-name part for an export of this selection. */
export function exportName(f: ReadingFilter): string {
  return ['readings', f.device_alias, f.signal_alias].filter(Boolean).join('-');
}
