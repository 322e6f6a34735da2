/**
 * scaler_unit (structure{integer scaler, enum unit}) applied to Register, Extended register and
 * Demand register values. Integers are scaled exactly: value × 10^scaler is computed from the integer
 * and an exact power of ten (one correctly rounded division), so 3 with scaler -1 gives 0.3, never
 * 0.30000000000000004. Results that a double cannot hold exactly come back as decimal strings.
 */
import { ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { toObisKey } from './obis';
import { unitSymbol } from './units';
import { octetsToText } from './values';
import { integerOf } from './integers';

export interface ScalerUnit {
  scaler: number;
  unit: number;
}

export interface ScaledValue {
  value: number | string;
  unit: string;
  scaler: number;
}

// 10^0..10^22 are exact doubles; beyond that the string path is used.
const POW10: number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));


/** Decode scaler_unit. Meters are lenient about the integer types, so any integer is accepted. */
export function decodeScalerUnit(d: DlmsData): ScalerUnit {
  if (d.type !== 'structure' || d.items.length < 2) {
    throw new ProtocolError('PROTOCOL', `scaler_unit must be a structure of scaler and unit, got ${d.type}.`);
  }
  const scaler = integerOf(d.items[0]);
  const unit = integerOf(d.items[1]);
  if (scaler === undefined || unit === undefined) throw new ProtocolError('PROTOCOL', 'scaler_unit holds a value that is not an integer.');
  // int8 on the wire; an unsigned encoding of a negative scaler (e.g. 0xFF for -1) is read back as signed.
  const s = scaler > 127 && scaler <= 255 ? scaler - 256 : scaler;
  if (s < -128 || s > 127) throw new ProtocolError('PROTOCOL', `scaler ${scaler} is outside -128..127.`);
  if (unit < 0 || unit > 255) throw new ProtocolError('PROTOCOL', `unit ${unit} is outside 0..255.`);
  return { scaler: s, unit };
}

/** Exact decimal text of integer × 10^scaler. */
export function scaleBigIntToString(v: bigint, scaler: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scaler >= 0) {
    if (digits !== '0') digits += '0'.repeat(scaler);
  } else {
    const k = -scaler;
    if (digits.length <= k) digits = '0'.repeat(k - digits.length + 1) + digits;
    const int = digits.slice(0, digits.length - k);
    const frac = digits.slice(digits.length - k).replace(/0+$/, '');
    digits = frac ? `${int}.${frac}` : int;
  }
  return neg && digits !== '0' ? '-' + digits : digits;
}

/**
 * value × 10^scaler for an integer. A number when the result is exact in a double (or the nearest
 * double to the exact decimal with at most 15 significant digits), else the exact decimal string.
 */
export function scaleInteger(v: number | bigint, scaler: number): number | string {
  if (typeof v === 'number') {
    if (scaler === 0) return v;
    const a = Math.abs(v);
    if (Number.isSafeInteger(v)) {
      if (scaler < 0 && scaler >= -22 && a < 1e15) return v / POW10[-scaler];
      if (scaler > 0 && scaler <= 22) {
        const r = v * POW10[scaler];
        if (Number.isSafeInteger(r)) return r;
      }
    }
    if (!Number.isInteger(v)) return scaleFloat(v, scaler);
    v = BigInt(v);
  }
  if (scaler === 0 && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  const text = scaleBigIntToString(v, scaler);
  // Up to 15 significant digits always survive a round trip through a double; longer stays text.
  const significant = (v < 0n ? -v : v).toString().replace(/0+$/, '').length;
  return significant <= 15 ? Number(text) : text;
}

/** value × 10^scaler for a float, rounded to 15 significant digits to drop binary artefacts. */
export function scaleFloat(v: number, scaler: number): number {
  if (scaler === 0 || !Number.isFinite(v)) return v;
  const r = scaler < 0 ? (scaler >= -22 ? v / POW10[-scaler] : v * 10 ** scaler) : scaler <= 22 ? v * POW10[scaler] : v * 10 ** scaler;
  return r === 0 || !Number.isFinite(r) ? r : Number(r.toPrecision(15));
}

/**
 * Apply a decoded scaler_unit to a value. Numeric values are scaled; text-like values (octet, visible
 * and utf8 strings) are passed through as text, unscaled. Anything else throws ProtocolError('PROTOCOL').
 */
export function applyScalerUnit(value: DlmsData, su: ScalerUnit): ScaledValue {
  const unit = unitSymbol(su.unit);
  switch (value.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'int64':
    case 'uint64':
    case 'enum':
    case 'bcd':
      return { value: scaleInteger(value.value, su.scaler), unit, scaler: su.scaler };
    case 'float32':
    case 'float64':
      return { value: scaleFloat(value.value, su.scaler), unit, scaler: su.scaler };
    case 'visible-string':
    case 'utf8-string':
      return { value: value.value, unit, scaler: su.scaler };
    case 'octet-string':
      return { value: octetsToText(value.value), unit, scaler: su.scaler };
    default:
      throw new ProtocolError('PROTOCOL', `A ${value.type} value cannot be scaled.`);
  }
}

/** applyScaler(value, scaler_unit attribute as read from the meter). */
export function applyScaler(value: DlmsData, scalerUnit: DlmsData): ScaledValue {
  return applyScalerUnit(value, decodeScalerUnit(scalerUnit));
}

/**
 * Scalers read once per meter. Keyed by meter id + OBIS; a meter's entries are dropped on
 * `invalidate(meterId)` (reconnect to a different meter, firmware change, or a scaler write).
 */
export class ScalerCache {
  private readonly map = new Map<string, ScalerUnit>();

  private static key(meterId: string, obis: Uint8Array | string): string {
    return `${meterId}\u0000${toObisKey(obis)}`;
  }

  get(meterId: string, obis: Uint8Array | string): ScalerUnit | undefined {
    return this.map.get(ScalerCache.key(meterId, obis));
  }

  has(meterId: string, obis: Uint8Array | string): boolean {
    return this.map.has(ScalerCache.key(meterId, obis));
  }

  set(meterId: string, obis: Uint8Array | string, su: ScalerUnit): void {
    this.map.set(ScalerCache.key(meterId, obis), { scaler: su.scaler, unit: su.unit });
  }

  /** Drop one object's scaler, or every scaler of the meter when obis is omitted. */
  invalidate(meterId: string, obis?: Uint8Array | string): void {
    if (obis !== undefined) {
      this.map.delete(ScalerCache.key(meterId, obis));
      return;
    }
    const prefix = `${meterId}\u0000`;
    for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }

  /**
   * Cached scaler or the one `read` returns (stored for next time). `read` is the caller's
   * GET of the scaler_unit attribute, so this stays free of I/O itself.
   */
  async getOrRead(meterId: string, obis: Uint8Array | string, read: () => Promise<DlmsData>): Promise<ScalerUnit> {
    const hit = this.get(meterId, obis);
    if (hit) return hit;
    const su = decodeScalerUnit(await read());
    this.set(meterId, obis, su);
    return su;
  }
}
