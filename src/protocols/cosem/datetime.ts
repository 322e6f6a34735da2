/**
 * COSEM date-time as a 12-byte octet-string (IEC 62056-6-2 §4.1.6.1): year(2) month day day-of-week
 * hour minute second hundredths deviation(2, signed) clock-status. The byte codec is A-XDR's
 * (dlms/axdr/datetime.ts); this module interprets a date-time as an instant, for meters and users.
 *
 * Deviation: the standard defines it as minutes from local time to UTC, so UTC = local + deviation
 * (CET in winter is -60). Some meters send the opposite sign; `deviationSign: 'inverted'` handles them.
 */
import { ProtocolError } from '../../core/errors';
import type { CosemDateTime } from '../dlms/axdr/types';
import { decodeDateTime, encodeDateTime, epochMsToCosemDateTime } from '../dlms/axdr/datetime';

export interface DateTimeOptions {
  /** 'standard' (UTC = local + deviation, the default) or 'inverted' (UTC = local - deviation). */
  deviationSign?: 'standard' | 'inverted';
  /** Deviation to assume when the meter leaves it unspecified (standard sign); default 0 (treat as UTC). */
  assumeDeviation?: number;
}


/** Split 12 bytes into fields; "not specified" values become undefined. Throws FRAMING on a wrong length. */
export function parseCosemDateTimeBytes(bytes: Uint8Array): CosemDateTime {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 12) {
    throw new ProtocolError('FRAMING', `A COSEM date-time has 12 bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}.`);
  }
  return decodeDateTime(bytes, 0);
}

/** 12 bytes from fields; undefined fields are written as "not specified". */
export const encodeCosemDateTime = encodeDateTime;

/**
 * Epoch milliseconds for a fully specified date-time, or null when year, month, day, hour or minute is
 * not specified, is a wildcard (DST begin/end, last day of month) or out of range. Unspecified seconds
 * and hundredths count as 0.
 */
export function cosemDateTimeToEpochMs(dt: CosemDateTime, options: DateTimeOptions = {}): number | null {
  const { year, month, day, hour, minute } = dt;
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined) return null;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const second = dt.second ?? 0;
  const hundredths = dt.hundredths ?? 0;
  if (second > 59 || hundredths > 99) return null;
  // Reject 31 February and friends instead of letting Date roll them into March.
  if (day > daysInMonth(year, month)) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, hundredths * 10);
  let deviation = dt.deviation;
  if (deviation === undefined || deviation < -720 || deviation > 720) deviation = options.assumeDeviation ?? 0;
  else if (options.deviationSign === 'inverted') deviation = -deviation;
  return local + deviation * 60000;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month];
}

/**
 * Epoch ms of 12 raw bytes (same rules as cosemDateTimeToEpochMs, without building the fields: this
 * runs once per profile row). Throws FRAMING only on a wrong length.
 */
export function decodeDateTimeBytes(bytes: Uint8Array, options: DateTimeOptions = {}): number | null {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 12) return cosemDateTimeToEpochMs(parseCosemDateTimeBytes(bytes), options);
  const year = (bytes[0] << 8) | bytes[1];
  const month = bytes[2];
  const day = bytes[3];
  const hour = bytes[5];
  const minute = bytes[6];
  const second = bytes[7] === 0xff ? 0 : bytes[7];
  const hundredths = bytes[8] === 0xff ? 0 : bytes[8];
  if (year === 0xffff || year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || hundredths > 99) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, hundredths * 10);
  let deviation = (((bytes[9] << 8) | bytes[10]) << 16) >> 16;
  if (deviation < -720 || deviation > 720) deviation = options.assumeDeviation ?? 0;
  else if (options.deviationSign === 'inverted') deviation = -deviation;
  return local + deviation * 60000;
}

/** Fields for an instant in the local time that `deviation` (standard sign, minutes) describes. */
export { epochMsToCosemDateTime };

function pad(n: number | undefined, width: number): string {
  return n === undefined ? '*'.repeat(width) : String(n).padStart(width, '0');
}

/**
 * Text for display: ISO 8601 (UTC) when the fields give an instant, else the fields with `*` for
 * "not specified" (e.g. `****-12-25 00:00:00`, a yearly special day). What users see is
 * `formatCosemDateTimeIso` (the meter's own local time and deviation); this stays for callers that
 * want UTC.
 */
export function formatCosemDateTime(dt: CosemDateTime, options?: DateTimeOptions): string {
  const ms = cosemDateTimeToEpochMs(dt, options);
  if (ms !== null) return new Date(ms).toISOString();
  const date = `${pad(dt.year, 4)}-${pad(dt.month, 2)}-${pad(dt.day, 2)}`;
  const time = `${pad(dt.hour, 2)}:${pad(dt.minute, 2)}:${pad(dt.second, 2)}`;
  return `${date} ${time}`;
}

/** Clock status bits (IEC 62056-6-2 §4.1.6.1) in words, lowest bit first. */
const CLOCK_STATUS_BITS: readonly [number, string][] = [
  [0x01, 'invalid value'],
  [0x02, 'doubtful value'],
  [0x04, 'different clock base'],
  [0x08, 'invalid clock status'],
  [0x80, 'daylight saving active'],
];

/** The set bits of a clock status byte in words; bits 4..6 are reserved and named as such. */
export function clockStatusFlags(status: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of CLOCK_STATUS_BITS) if (status & bit) out.push(name);
  for (let b = 4; b <= 6; b++) if (status & (1 << b)) out.push(`reserved bit ${b}`);
  return out;
}

function badField(what: string, value: number, allowed: string): ProtocolError {
  return new ProtocolError('TYPE_MISMATCH', `A date-time's ${what} is ${value}, outside ${allowed}.`);
}

/**
 * Checks every field against what the standard allows (0xFD/0xFE wildcards included) and throws
 * ProtocolError('TYPE_MISMATCH') naming the first that is not: a date-time we cannot read whole is an
 * error, never a plausible-looking time.
 */
export function checkCosemDateTime(dt: CosemDateTime): void {
  const { year, month, day, dayOfWeek, hour, minute, second, hundredths, deviation } = dt;
  if (month !== undefined && !((month >= 1 && month <= 12) || month === 0xfd || month === 0xfe)) throw badField('month', month, '1..12, 0xFD, 0xFE');
  if (day !== undefined && !((day >= 1 && day <= 31) || day === 0xfd || day === 0xfe)) throw badField('day', day, '1..31, 0xFD, 0xFE');
  if (dayOfWeek !== undefined && (dayOfWeek < 1 || dayOfWeek > 7)) throw badField('day of week', dayOfWeek, '1..7');
  if (hour !== undefined && hour > 23) throw badField('hour', hour, '0..23');
  if (minute !== undefined && minute > 59) throw badField('minute', minute, '0..59');
  if (second !== undefined && second > 59) throw badField('second', second, '0..59');
  if (hundredths !== undefined && hundredths > 99) throw badField('hundredths', hundredths, '0..99');
  if (deviation !== undefined && (deviation < -720 || deviation > 720)) throw badField('deviation', deviation, '-720..720 minutes');
  if (year !== undefined && month !== undefined && month <= 12 && day !== undefined && day <= 31 && day > daysInMonth(year, month)) {
    throw new ProtocolError('TYPE_MISMATCH', `A date-time says ${year}-${month}-${day}: that month has ${daysInMonth(year, month)} days.`);
  }
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO 8601 offset for minutes east of UTC ('Z' is never used: +00:00 says the meter gave 0). */
function isoOffset(eastMinutes: number): string {
  const sign = eastMinutes < 0 ? '-' : '+';
  const m = Math.abs(eastMinutes);
  return `${sign}${two(Math.floor(m / 60))}:${two(m % 60)}`;
}

const MONTH_WILDCARD: Record<number, string> = { 0xfd: '(DST end)', 0xfe: '(DST begin)' };
const DAY_WILDCARD: Record<number, string> = { 0xfd: '(2nd last)', 0xfe: '(last)' };

/**
 * A date-time as the user reads it: ISO 8601 in the meter's own local time with its deviation as the
 * offset (`2024-03-15T12:34:56+01:00` for deviation -60), hundredths as a fraction when the meter sends
 * them. No deviation (0x8000) → local time without offset, unless `assumeDeviation` is given. A
 * pattern (unspecified fields or wildcards, e.g. a yearly special day) → `****-12-25T00:00:00` with
 * the wildcards in words. Out-of-range fields throw ProtocolError('TYPE_MISMATCH').
 */
export function formatCosemDateTimeIso(dt: CosemDateTime, options: DateTimeOptions = {}): string {
  checkCosemDateTime(dt);
  const year = dt.year === undefined ? '****' : String(dt.year).padStart(4, '0');
  const month = dt.month === undefined ? '**' : (MONTH_WILDCARD[dt.month] ?? two(dt.month));
  const day = dt.day === undefined ? '**' : (DAY_WILDCARD[dt.day] ?? two(dt.day));
  const hh = dt.hour === undefined ? '**' : two(dt.hour);
  const mm = dt.minute === undefined ? '**' : two(dt.minute);
  const ss = dt.second === undefined ? (dt.hour !== undefined && dt.minute !== undefined ? '00' : '**') : two(dt.second);
  const frac = dt.hundredths ? `.${two(dt.hundredths)}` : '';
  let deviation = dt.deviation;
  if (deviation !== undefined && options.deviationSign === 'inverted') deviation = -deviation;
  if (deviation === undefined) deviation = options.assumeDeviation;
  // Standard sign: UTC = local + deviation, so the ISO offset (local - UTC) is -deviation.
  const offset = deviation === undefined ? '' : isoOffset(deviation === 0 ? 0 : -deviation);
  return `${year}-${month}-${day}T${hh}:${mm}:${ss}${frac}${offset}`;
}

/** formatCosemDateTimeIso of 12 raw bytes (FRAMING when not 12). */
export function formatDateTimeBytesIso(bytes: Uint8Array, options: DateTimeOptions = {}): string {
  return formatCosemDateTimeIso(parseCosemDateTimeBytes(bytes), options);
}
