/**
 * Signal mapping: a configured signal's `tag_job_todo` is matched against the data-set address exactly
 * as the meter printed it (`1.8.0`, `1.8.0*24`, `1-0:1.8.0*255` are three different addresses), and
 * the value is converted to the signal's `number_type`.
 *
 * Which value of a multi-value data set: a numeric signal takes the first value that carries a unit
 * (so `0-1:24.2.1(200512134558S)(00872.234*m3)` gives the m3 reading, not the time stamp), else the
 * first value; a STRING signal takes the first value.
 */
import { MeterError } from '../../core/errors';
import type { Reading, ReadingValue } from '../../core/reading';
import { NUMBER_TYPES, convertNumberType, type NumberType } from '../cosem/values';
import type { DataSet, DataValue } from './datasets';

export interface IecSignal {
  signal_alias: string;
  device_alias: string;
  tag_job_todo: string;
  number_type: string;
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

function pickValue(ds: DataSet, type: string): DataValue | undefined {
  if (type.toUpperCase() !== 'STRING') {
    const withUnit = ds.values.find((v) => v.unit !== undefined);
    if (withUnit) return withUnit;
  }
  return ds.values[0];
}

/** One reading per signal; a missing address is a bad reading with OBJECT_UNDEFINED. */
export function mapSignals(readout: { dataSets: readonly DataSet[] }, signals: readonly IecSignal[], ts: number): Reading[] {
  const byAddress = new Map<string, DataSet>();
  for (const ds of readout.dataSets) if (!byAddress.has(ds.address)) byAddress.set(ds.address, ds);
  return signals.map((s) => {
    const base = { ts, device_alias: s.device_alias, signal_alias: s.signal_alias, address: s.tag_job_todo };
    const ds = byAddress.get(s.tag_job_todo);
    if (!ds) return { ...base, value: null, quality: 'bad', error: 'OBJECT_UNDEFINED' } satisfies Reading;
    const v = pickValue(ds, s.number_type);
    if (!v) return { ...base, value: null, quality: 'bad', error: 'TYPE_MISMATCH' } satisfies Reading;
    try {
      const value = convertValue(v.value, s.number_type);
      const r: Reading = { ...base, value, quality: 'good' };
      if (v.unit !== undefined && v.unit !== '') r.unit = v.unit;
      return r;
    } catch (e) {
      const code = e instanceof MeterError ? e.code : 'INTERNAL';
      const r: Reading = { ...base, value: null, quality: 'bad', error: code };
      if (v.unit) r.unit = v.unit;
      return r;
    }
  });
}
