import { ProtocolError } from '../../../core/errors';
import type { CosemDateTime } from './types';

/**
 * COSEM date (5 bytes), time (4 bytes) and date-time (12 bytes) as laid out in IEC 62056-6-2:
 * year(2) month day day-of-week | hour minute second hundredths | deviation(2, signed) clock-status.
 * "Not specified" (0xFF, 0xFFFF, 0x8000) becomes undefined and encodes back to the same byte, so a
 * decode followed by an encode is byte-exact.
 */

export const DATE_TIME_LENGTH = 12;
export const DATE_LENGTH = 5;
export const TIME_LENGTH = 4;

/** Clock status bits (IEC 62056-6-2). */
export const ClockStatus = {
  invalidValue: 0x01,
  doubtfulValue: 0x02,
  differentClockBase: 0x04,
  invalidClockStatus: 0x08,
  daylightSavingActive: 0x80,
} as const;

function byteField(v: number | undefined): number {
  return v === undefined ? 0xff : v & 0xff;
}

function readDate(b: Uint8Array, p: number, out: CosemDateTime): void {
  const year = (b[p] << 8) | b[p + 1];
  if (year !== 0xffff) out.year = year;
  if (b[p + 2] !== 0xff) out.month = b[p + 2];
  if (b[p + 3] !== 0xff) out.day = b[p + 3];
  if (b[p + 4] !== 0xff) out.dayOfWeek = b[p + 4];
}

function readTime(b: Uint8Array, p: number, out: CosemDateTime): void {
  if (b[p] !== 0xff) out.hour = b[p];
  if (b[p + 1] !== 0xff) out.minute = b[p + 1];
  if (b[p + 2] !== 0xff) out.second = b[p + 2];
  if (b[p + 3] !== 0xff) out.hundredths = b[p + 3];
}

function checkSize(bytes: Uint8Array, offset: number, size: number, what: string): void {
  if (offset < 0 || bytes.length - offset < size) {
    throw new ProtocolError('LENGTH', `A COSEM ${what} needs ${size} bytes, ${Math.max(0, bytes.length - offset)} given.`);
  }
}

/** Decodes the 12-byte date-time at `offset` (used for tag 25 and for date-time carried in octet-strings). */
export function decodeDateTime(bytes: Uint8Array, offset = 0): CosemDateTime {
  checkSize(bytes, offset, DATE_TIME_LENGTH, 'date-time');
  const out: CosemDateTime = {};
  readDate(bytes, offset, out);
  readTime(bytes, offset + 5, out);
  const dev = (bytes[offset + 9] << 8) | bytes[offset + 10];
  if (dev !== 0x8000) out.deviation = dev > 0x7fff ? dev - 0x10000 : dev;
  if (bytes[offset + 11] !== 0xff) out.clockStatus = bytes[offset + 11];
  return out;
}

export function decodeDate(bytes: Uint8Array, offset = 0): CosemDateTime {
  checkSize(bytes, offset, DATE_LENGTH, 'date');
  const out: CosemDateTime = {};
  readDate(bytes, offset, out);
  return out;
}

export function decodeTime(bytes: Uint8Array, offset = 0): CosemDateTime {
  checkSize(bytes, offset, TIME_LENGTH, 'time');
  const out: CosemDateTime = {};
  readTime(bytes, offset, out);
  return out;
}

function writeDate(dt: CosemDateTime, out: Uint8Array, p: number): void {
  const year = dt.year === undefined ? 0xffff : dt.year & 0xffff;
  out[p] = year >>> 8;
  out[p + 1] = year & 0xff;
  out[p + 2] = byteField(dt.month);
  out[p + 3] = byteField(dt.day);
  out[p + 4] = byteField(dt.dayOfWeek);
}

function writeTime(dt: CosemDateTime, out: Uint8Array, p: number): void {
  out[p] = byteField(dt.hour);
  out[p + 1] = byteField(dt.minute);
  out[p + 2] = byteField(dt.second);
  out[p + 3] = byteField(dt.hundredths);
}

export function encodeDateTime(dt: CosemDateTime): Uint8Array {
  const out = new Uint8Array(DATE_TIME_LENGTH);
  writeDate(dt, out, 0);
  writeTime(dt, out, 5);
  const dev = dt.deviation === undefined ? 0x8000 : dt.deviation & 0xffff;
  out[9] = dev >>> 8;
  out[10] = dev & 0xff;
  out[11] = byteField(dt.clockStatus);
  return out;
}

export function encodeDate(dt: CosemDateTime): Uint8Array {
  const out = new Uint8Array(DATE_LENGTH);
  writeDate(dt, out, 0);
  return out;
}

export function encodeTime(dt: CosemDateTime): Uint8Array {
  const out = new Uint8Array(TIME_LENGTH);
  writeTime(dt, out, 0);
  return out;
}

/**
 * A full COSEM date-time for an instant, with local fields computed for `deviationMinutes`
 * (IEC 62056-6-2 sign: UTC = local + deviation, so local = UTC - deviation; interpreting a date-time
 * as an instant is cosem/datetime.ts's job).
 */
export function epochMsToCosemDateTime(ms: number, deviationMinutes = 0, clockStatus = 0): CosemDateTime {
  if (!Number.isFinite(ms)) throw new ProtocolError('TYPE_MISMATCH', `Not a time: ${ms}.`);
  const d = new Date(ms - deviationMinutes * 60_000);
  const dow = d.getUTCDay();
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    dayOfWeek: dow === 0 ? 7 : dow,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    hundredths: Math.floor(d.getUTCMilliseconds() / 10),
    deviation: deviationMinutes,
    clockStatus,
  };
}
