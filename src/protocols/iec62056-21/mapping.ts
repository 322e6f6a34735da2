/**
 * Signal mapping: a configured signal's `tag_job_todo` is matched against the data-set address exactly
 * as the meter printed it (`1.8.0`, `1.8.0*24`, `1-0:1.8.0*255` are three different addresses), the
 * field is chosen by the data set's shape (value-shape.ts; `value_index` picks one of several), and
 * the value is converted to the signal's `number_type`.
 *
 * Times are the meter's local time, converted to UTC with the device's time zone; the meter's own text
 * stays in the reading's `raw`. A value with its own time (DSMR gas, a maximum demand) is stamped with
 * that time; a field that is itself a time stamp reads as ISO 8601 UTC text (number_type STRING).
 */
import { MeterError } from '../../core/errors';
import type { Reading, ReadingValue } from '../../core/reading';
import { NUMBER_TYPES, convertNumberType, type NumberType } from '../cosem/values';
import type { DataSet } from './datasets';
import { systemTimeZone } from './local-time';
import { selectValue } from './value-shape';

export interface IecSignal {
  signal_alias: string;
  device_alias: string;
  tag_job_todo: string;
  number_type: string;
  /** 1-based field of a data set with several values (or channel of a profile); see value-shape.ts. */
  value_index?: number;
}

export interface MapOptions {
  /** IANA zone of the meter's clock; default the system's (or browser's). */
  timeZone?: string;
}

/**
 * Converts a printed value to `type` with the conversion every protocol shares (cosem/values), so a
 * number_type means the same for IEC and DLMS signals: decimal commas accepted, integer types round
 * half away from zero and check their range, INT64/UINT64 beyond 2^53 stay decimal text, DIGITAL is
 * 0 or 1. Throws MeterError TYPE_MISMATCH (CONFIG_INVALID for an unknown type).
 */
export function convertValue(text: string, type: string): ReadingValue {
  const t = type.toUpperCase();
  if (!(NUMBER_TYPES as readonly string[]).includes(t)) throw new MeterError('CONFIG_INVALID', `Unknown number_type "${type}".`);
  return convertNumberType(text, t as NumberType);
}

/** Digits after the decimal point (or comma) as printed: `0029.055` has 3. */
function decimalsOf(text: string): number | undefined {
  const m = /^[+-]?[0-9]*[.,]([0-9]+)$/.exec(text.trim());
  return m ? m[1].length : undefined;
}

/** One reading per signal; a missing address is a bad reading with OBJECT_UNDEFINED. */
export function mapSignals(readout: { dataSets: readonly DataSet[] }, signals: readonly IecSignal[], ts: number, opts: MapOptions = {}): Reading[] {
  const zone = opts.timeZone ?? systemTimeZone();
  const byAddress = new Map<string, DataSet>();
  for (const ds of readout.dataSets) if (!byAddress.has(ds.address)) byAddress.set(ds.address, ds);
  return signals.map((s): Reading => {
    const base = { ts, device_alias: s.device_alias, signal_alias: s.signal_alias, address: s.tag_job_todo };
    const ds = byAddress.get(s.tag_job_todo);
    if (!ds) return { ...base, value: null, quality: 'bad', error: 'OBJECT_UNDEFINED' };
    let unit: string | undefined;
    try {
      const sel = selectValue(ds, s.value_index, zone);
      unit = sel.field.unit || undefined;
      const type = s.number_type.toUpperCase();
      if (sel.isTime) {
        if (!(NUMBER_TYPES as readonly string[]).includes(type)) throw new MeterError('CONFIG_INVALID', `Unknown number_type "${s.number_type}".`);
        if (type !== 'STRING') throw new MeterError('TYPE_MISMATCH', `${s.tag_job_todo} value ${sel.index} is a time stamp (${sel.isTime.raw}); read it with number_type STRING.`);
        return { ...base, value: new Date(sel.isTime.utcMs).toISOString(), quality: 'good', raw: sel.isTime.raw };
      }
      const value = convertValue(sel.field.value, s.number_type);
      const r: Reading = { ...base, value, quality: 'good' };
      if (unit !== undefined) r.unit = unit;
      if (sel.time) {
        r.ts = sel.time.utcMs;
        r.raw = sel.time.raw;
      }
      // `&` parts beside the value (a second temperature, a date): kept as the meter printed them.
      else if (sel.field.extra) r.raw = `${sel.field.value}${unit !== undefined ? `*${unit}` : ''}&${sel.field.extra.join('&')}`;
      const decimals = type === 'STRING' ? undefined : decimalsOf(sel.field.value);
      if (decimals !== undefined) r.decimals = decimals;
      return r;
    } catch (e) {
      const code = e instanceof MeterError ? e.code : 'INTERNAL';
      const r: Reading = { ...base, value: null, quality: 'bad', error: code };
      if (unit) r.unit = unit;
      return r;
    }
  });
}
