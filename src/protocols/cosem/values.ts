/**
 * Decoded A-XDR values → plain JS values for display and export, and the `number_type` conversion
 * a signal applies (shared by the DLMS and IEC 62056-21 engines).
 */
import { MeterError, ProtocolError } from '../../core/errors';
import type { CosemDateTime, DlmsData } from '../dlms/axdr/types';
import { isDateTimeAttribute } from './classes';
import { cosemDateTimeToEpochMs, formatCosemDateTimeIso, parseCosemDateTimeBytes, type DateTimeOptions } from './datetime';

export {
  cosemDateTimeToEpochMs,
  decodeDateTimeBytes,
  checkCosemDateTime,
  clockStatusFlags,
  encodeCosemDateTime,
  epochMsToCosemDateTime,
  formatCosemDateTime,
  formatCosemDateTimeIso,
  formatDateTimeBytesIso,
  parseCosemDateTimeBytes,
  type DateTimeOptions,
} from './datetime';

export type PlainValue = number | string | boolean | null | PlainValue[];

export interface PlainOptions extends DateTimeOptions {
  /** The attribute is a date-time (the class says so): a 12-byte octet-string is shown as a time. */
  dateTime?: boolean;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

/** Printable ASCII (space..tilde), non-empty: how serial numbers and firmware names arrive. */
export function isPrintableAscii(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
  return true;
}

/** Octet-string for display: text when printable ASCII, else upper-case hex. */
export function octetsToText(bytes: Uint8Array): string {
  if (!isPrintableAscii(bytes)) return toHex(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function safeBig(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function datePart(dt: CosemDateTime): string {
  const p = (n: number | undefined, w: number) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'));
  return `${p(dt.year, 4)}-${p(dt.month, 2)}-${p(dt.day, 2)}`;
}

function timePart(dt: CosemDateTime): string {
  const p = (n: number | undefined) => (n === undefined ? '**' : String(n).padStart(2, '0'));
  return `${p(dt.hour)}:${p(dt.minute)}:${p(dt.second)}`;
}

/**
 * ISO text of a date-time (formatCosemDateTimeIso), or the raw bytes in hex when a field is out of
 * range: this function never throws, and a time we cannot read whole is never shown as a time.
 */
function dateTimeText(dt: CosemDateTime, raw: Uint8Array, options: DateTimeOptions): string {
  try {
    return formatCosemDateTimeIso(dt, options);
  } catch {
    return toHex(raw);
  }
}

/**
 * Plain value: integers → number (64-bit → number when safe, else decimal string), octet-string →
 * text or hex (a date-time when `options.dateTime` and 12 bytes), bit-string → '0'/'1' text,
 * date-time → ISO text in the meter's local time with its deviation (hex when a field is out of
 * range), arrays and structures → arrays. Never throws for a well-formed DlmsData.
 */
export function toPlainValue(d: DlmsData, options: PlainOptions = {}): PlainValue {
  switch (d.type) {
    case 'null':
    case 'dont-care':
      return null;
    case 'boolean':
      return d.value;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'enum':
    case 'float32':
    case 'float64':
    case 'bcd':
      return d.value;
    case 'int64':
    case 'uint64':
      return safeBig(d.value);
    case 'octet-string':
      if (options.dateTime && d.value.length === 12) return dateTimeText(parseCosemDateTimeBytes(d.value), d.value, options);
      return octetsToText(d.value);
    case 'visible-string':
    case 'utf8-string':
      return d.value;
    case 'bit-string': {
      let s = '';
      const n = Math.min(d.bitLength, d.bytes.length * 8);
      for (let i = 0; i < n; i++) s += (d.bytes[i >> 3] >> (7 - (i & 7))) & 1 ? '1' : '0';
      return s;
    }
    case 'date-time':
      return dateTimeText(d.value, d.raw, options);
    case 'date':
      return datePart(d.value);
    case 'time':
      return timePart(d.value);
    case 'array':
    case 'structure':
    case 'compact-array': {
      const out: PlainValue[] = new Array(d.items.length);
      for (let i = 0; i < d.items.length; i++) out[i] = toPlainValue(d.items[i], options);
      return out;
    }
    default:
      return null;
  }
}

/** toPlainValue for an attribute of a class, recognising the class's date-time attributes (e.g. Clock time). */
export function toPlainAttributeValue(classId: number, attribute: number, d: DlmsData, options: DateTimeOptions = {}): PlainValue {
  return toPlainValue(d, { ...options, dateTime: isDateTimeAttribute(classId, attribute) });
}

/** What a reading holds of a value read by class: the display value, the meter's own form, its decimals. */
export interface ReadingParts {
  value: number | string | boolean | null;
  /** A date-time's 12 bytes in hex (the meter's own form) when `value` is its ISO text. */
  raw?: string;
  /** Decimals the meter's scaler gives (scaler -2 → 2); absent for unscaled values. */
  decimals?: number;
}

/** The meter's 12 date-time bytes of a date-time-typed or octet-string value, else undefined. */
function dateTimeBytes(d: DlmsData): Uint8Array | undefined {
  if (d.type === 'date-time') return d.raw;
  if (d.type === 'octet-string' && d.value.length === 12) return d.value;
  return undefined;
}

/**
 * A value read from attribute `attribute` of an object of class `classId`, as a reading shows and
 * exports it. Date-times (the date-time type, or an attribute the class defines as one) become ISO
 * text with the meter's deviation and keep their bytes in `raw`; scaled register values keep the
 * scaler's decimals; `numberType` converts last. A date-time attribute that is not a readable
 * date-time throws ProtocolError('TYPE_MISMATCH'): it is a bad reading, never a hex string shown as good.
 */
export function readingParts(
  classId: number | undefined,
  attribute: number,
  d: DlmsData,
  scaled?: { value: number | string; scaler: number },
  numberType?: NumberType,
  options: DateTimeOptions = {},
): ReadingParts {
  const isTime = d.type === 'date-time' || (classId !== undefined && isDateTimeAttribute(classId, attribute));
  let parts: ReadingParts;
  if (scaled) {
    parts = { value: scaled.value, decimals: Math.max(0, -scaled.scaler) };
  } else if (isTime) {
    const bytes = dateTimeBytes(d);
    if (!bytes) throw new ProtocolError('TYPE_MISMATCH', `Attribute ${attribute} of class ${classId ?? '?'} is a date-time, but the meter sent ${d.type === 'octet-string' ? `${d.value.length} bytes` : d.type}.`);
    const fields = d.type === 'date-time' ? d.value : parseCosemDateTimeBytes(bytes);
    parts = { value: formatCosemDateTimeIso(fields, options), raw: toHex(bytes) };
  } else {
    const plain = toPlainValue(d, options);
    parts = { value: Array.isArray(plain) ? JSON.stringify(plain) : plain };
  }
  if (!numberType) return parts;
  // Conversion of a structure fails as before (TYPE_MISMATCH); a date-time converts from its ISO text.
  const source = d.type === 'array' || d.type === 'structure' || d.type === 'compact-array' ? d : parts.value;
  const value = convertNumberType(source, numberType);
  const out: ReadingParts = { value };
  if (parts.raw !== undefined) out.raw = parts.raw;
  if (parts.decimals !== undefined && (numberType === 'FLOAT' || numberType === 'DOUBLE') && typeof value === 'number') out.decimals = parts.decimals;
  return out;
}

/** Epoch ms of a date-time value (date-time type or 12-byte octet-string), null when not an instant. */
export function dateTimeValueToEpochMs(d: DlmsData, options?: DateTimeOptions): number | null {
  if (d.type === 'date-time') return cosemDateTimeToEpochMs(d.value, options);
  if (d.type === 'octet-string' && d.value.length === 12) return cosemDateTimeToEpochMs(parseCosemDateTimeBytes(d.value), options);
  return null;
}

export const NUMBER_TYPES = ['FLOAT', 'DOUBLE', 'DIGITAL', 'INT16', 'UINT16', 'INT32', 'UINT32', 'INT64', 'UINT64', 'STRING'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

/** What a signal finally holds: numbers, 64-bit integers beyond 2^53 as decimal strings, text. */
export type SignalValue = number | string;

const INT_RANGES: Record<string, [bigint, bigint]> = {
  INT16: [-0x8000n, 0x7fffn],
  UINT16: [0n, 0xffffn],
  INT32: [-0x80000000n, 0x7fffffffn],
  UINT32: [0n, 0xffffffffn],
  INT64: [-0x8000000000000000n, 0x7fffffffffffffffn],
  UINT64: [0n, 0xffffffffffffffffn],
};

const FLOAT32_MAX = 3.4028234663852886e38;
const DECIMAL = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function mismatch(value: unknown, type: string, why: string): MeterError {
  const shown = typeof value === 'object' && value !== null ? (value as { type?: string }).type ?? 'object' : String(value);
  return new MeterError('TYPE_MISMATCH', `${shown} cannot be ${type}: ${why}.`);
}

type Scalar = number | bigint | string | boolean | null;

function scalarOf(value: DlmsData | Scalar): Scalar | undefined {
  if (value === null || typeof value !== 'object') return value;
  switch (value.type) {
    case 'null':
    case 'dont-care':
      return null;
    case 'array':
    case 'structure':
    case 'compact-array':
      return undefined;
    case 'octet-string':
    case 'bit-string':
    case 'date-time':
    case 'date':
    case 'time':
      return toPlainValue(value) as string;
    case 'int64':
    case 'uint64':
      return value.value;
    default:
      return value.value;
  }
}

/** Integer (as bigint) nearest to a scalar; fractions round half away from zero. */
function toBigInt(v: Scalar, type: string, original: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw mismatch(original, type, 'it is not a finite number');
    return BigInt(Math.sign(v) * Math.round(Math.abs(v)));
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (INTEGER.test(t)) return BigInt(t);
    if (DECIMAL.test(t)) {
      const n = Number(t.replace(',', '.'));
      if (Number.isFinite(n)) return BigInt(Math.sign(n) * Math.round(Math.abs(n)));
    }
    throw mismatch(original, type, 'it is not a number');
  }
  throw mismatch(original, type, 'there is no value');
}

function toNumber(v: Scalar, type: string, original: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (DECIMAL.test(t)) return Number(t.replace(',', '.'));
    throw mismatch(original, type, 'it is not a number');
  }
  throw mismatch(original, type, 'there is no value');
}

/**
 * Convert a meter value to a signal's number_type. Accepts DlmsData or an already plain scalar (IEC
 * 62056-21 values arrive as text, with a decimal point or comma). Integer types round fractions half
 * away from zero, then check the range; INT64/UINT64 give a decimal string beyond ±2^53. DIGITAL accepts
 * booleans and 0/1 only. Throws MeterError('TYPE_MISMATCH').
 */
export function convertNumberType(value: DlmsData | Scalar, type: NumberType): SignalValue {
  const v = scalarOf(value);
  if (v === undefined) throw mismatch(value, type, 'it is a structure or an array');
  switch (type) {
    case 'STRING': {
      if (v === null) return '';
      return typeof v === 'string' ? v : String(v);
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const n = toNumber(v, type, value);
      if (Number.isNaN(n)) throw mismatch(value, type, 'it is not a number');
      if (type === 'FLOAT' && Number.isFinite(n) && Math.abs(n) > FLOAT32_MAX) throw mismatch(value, type, 'it is outside the 32-bit float range');
      return n;
    }
    case 'DIGITAL': {
      if (typeof v === 'boolean') return v ? 1 : 0;
      const n = typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? (v.trim().toLowerCase() === 'true' ? 1 : 0) : toNumber(v, type, value);
      if (n === 0 || n === 1) return n;
      throw mismatch(value, type, 'a digital value is 0 or 1');
    }
    default: {
      const range = INT_RANGES[type];
      if (!range) throw new MeterError('CONFIG_INVALID', `Unknown number_type ${String(type)}.`);
      const b = toBigInt(v, type, value);
      if (b < range[0] || b > range[1]) throw mismatch(value, type, `it is outside ${range[0]}..${range[1]}`);
      return safeBig(b);
    }
  }
}
