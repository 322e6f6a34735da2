import { ProtocolError } from '../../core/errors';
import { cosemDateTimeToEpochMs, formatDateTimeBytesIso, parseCosemDateTimeBytes } from '../cosem/datetime';
import { decodeScalerUnit, scaleInteger, scaleFloat } from '../cosem/scaler';
import { unitSymbol } from '../cosem/units';
import { octetsToText, toHex } from '../cosem/values';
import type { DlmsData } from '../dlms/axdr/types';
import { localToUtc } from '../iec62056-21/local-time';
import type { PushValue } from './types';

/** One pushed value to a PushValue; anything not a plain scalar is a 'shape' refusal (thrown as TYPE_MISMATCH). */

export interface Scaling {
  scaler: number;
  unit?: string;
}

export function shapeError(what: string): ProtocolError {
  return new ProtocolError('TYPE_MISMATCH', what);
}

function numberOf(d: DlmsData): number | bigint | undefined {
  switch (d.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'enum':
    case 'bcd':
    case 'int64':
    case 'uint64':
      return d.value;
    default:
      return undefined;
  }
}

/** True for a 12-byte octet-string whose fields are in range: how pushes carry date-times. */
export function looksLikeDateTime(d: DlmsData): d is { type: 'octet-string'; value: Uint8Array } {
  if (d.type !== 'octet-string' || d.value.length !== 12) return false;
  try {
    formatDateTimeBytesIso(d.value);
    const b = d.value;
    return ((b[0] << 8) | b[1]) !== 0xffff && b[2] >= 1 && b[2] <= 12;
  } catch {
    return false;
  }
}

export function toPushValue(obis: string, d: DlmsData, scaling?: Scaling, dateTime = false): PushValue {
  const n = numberOf(d);
  if (n !== undefined) {
    const s = scaling?.scaler ?? 0;
    const v: PushValue = { obis, value: scaleInteger(n, s) };
    if (scaling?.unit) v.unit = scaling.unit;
    if (s < 0) v.decimals = -s;
    if (typeof v.value === 'string') v.raw = String(n);
    return v;
  }
  if (d.type === 'float32' || d.type === 'float64') {
    const v: PushValue = { obis, value: scaleFloat(d.value, scaling?.scaler ?? 0) };
    if (scaling?.unit) v.unit = scaling.unit;
    return v;
  }
  if (scaling && scaling.scaler !== 0) throw shapeError(`${obis}: a ${d.type} cannot carry a scaler.`);
  switch (d.type) {
    case 'null':
      return { obis, value: null };
    case 'boolean':
      return { obis, value: d.value };
    case 'visible-string':
    case 'utf8-string':
      return { obis, value: d.value };
    case 'octet-string':
      if (dateTime || (looksLikeDateTime(d) && isClockObis(obis))) {
        if (!looksLikeDateTime(d)) throw shapeError(`${obis}: not a date-time.`);
        return { obis, value: formatDateTimeBytesIso(d.value), raw: toHex(d.value) };
      }
      return { obis, value: octetsToText(d.value) };
    case 'date-time':
      return { obis, value: formatDateTimeBytesIso(d.raw), raw: toHex(d.raw) };
    default:
      throw shapeError(`${obis}: a ${d.type} where a single value was expected.`);
  }
}

/** Clock objects (class 8, 0.b.1.0.0.255) carry their time as a 12-byte octet-string. */
export function isClockObis(obis: string): boolean {
  return /^0\.\d+\.1\.0\.0\.255$/.test(obis);
}

export function scalingOf(obis: string, su: DlmsData): Scaling {
  let parsed;
  try {
    parsed = decodeScalerUnit(su);
  } catch {
    throw shapeError(`${obis}: its scaler_unit is not a structure of two integers.`);
  }
  if (su.type !== 'structure' || su.items.length !== 2) throw shapeError(`${obis}: scaler_unit with ${su.type === 'structure' ? su.items.length : 0} elements.`);
  const unit = unitSymbol(parsed.unit);
  return unit ? { scaler: parsed.scaler, unit } : { scaler: parsed.scaler };
}

/**
 * Epoch ms of a push date-time: its deviation when given, else the meter's zone (`timeZone`, default
 * UTC). Undefined for a pattern or an invalid date.
 */
export function pushTime(bytes: Uint8Array, timeZone?: string): number | undefined {
  if (bytes.length !== 12) return undefined;
  let dt;
  try {
    dt = parseCosemDateTimeBytes(bytes);
  } catch {
    return undefined;
  }
  const ms = cosemDateTimeToEpochMs(dt, { assumeDeviation: 0 });
  if (ms === null) return undefined;
  const specified = dt.deviation !== undefined && dt.deviation >= -720 && dt.deviation <= 720;
  if (specified || !timeZone || timeZone === 'UTC') return ms;
  return localToUtc(ms, timeZone);
}
