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
 * "not specified" (e.g. `****-12-25 00:00:00`, a yearly special day).
 */
export function formatCosemDateTime(dt: CosemDateTime, options?: DateTimeOptions): string {
  const ms = cosemDateTimeToEpochMs(dt, options);
  if (ms !== null) return new Date(ms).toISOString();
  const date = `${pad(dt.year, 4)}-${pad(dt.month, 2)}-${pad(dt.day, 2)}`;
  const time = `${pad(dt.hour, 2)}:${pad(dt.minute, 2)}:${pad(dt.second, 2)}`;
  return `${date} ${time}`;
}
