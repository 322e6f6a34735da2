/**
 * Which field of a data set a signal reads, and what that field is. A data set is one of a few shapes
 * real meters print, and each is read by its shape, never by "the first number found":
 *
 * - one value: `1.8.0(0147238.4*kWh)`;
 * - several values: `1-0:1.6.0*255(00012.345*kW)(1703100930)` (maximum demand and its time),
 *   `31.7.0(012.43*A)(013.10*A)(011.87*A)`, `0-1:24.2.1(170102161005W)(00000.107*m3)`. A signal takes
 *   field `value_index` (1-based); without one, the first field that is not a time stamp. A time stamp
 *   among the fields is the value's own time;
 * - a profile (`P.01`, DSMR 2.2/3 gas `0-n:24.3.0(time)(status)(period)(n)(OBIS)(unit)` + value lines):
 *   the last entry, channel `value_index` (default 1), with the channel's unit and the entry's time.
 *
 * A field is a time stamp when it has no unit and reads as `YYMMDDhhmm`, `YYMMDDhhmmss` or
 * `YYMMDDhhmmss` + S/W with a valid date, in a data set of several fields; a lone field only with the
 * season letter (`0-0:1.0.0(170102192002W)`), since a lone 10 or 12 digit number may be a counter.
 * Anything else that does not fit its shape (a profile whose values do not fill whole entries) is an
 * error, not a reading.
 */
import { MeterError, ProtocolError } from '../../core/errors';
import type { DataSet, DataValue } from './datasets';
import { decodeProfileBlock, isProfileHeader, parseIecTimestamp, type IecTimestamp } from './load-profile';
import { localToUtc } from './local-time';

export interface ValueTime {
  /** The meter's own text, in its local time. */
  raw: string;
  utcMs: number;
}

export interface SelectedValue {
  /** The field as printed (for a profile: the entry's value with the channel's unit). */
  field: DataValue;
  /** 1-based field (or channel) number. */
  index: number;
  /** The field itself is a time stamp. */
  isTime?: ValueTime;
  /** The value's own time (a time stamp beside it, or a profile entry's time). */
  time?: ValueTime;
}

const TIME_RE = /^([0-9]{10}|[0-9]{12}[SWsw]?)$/;

function asTimestamp(v: DataValue, lone: boolean): IecTimestamp | undefined {
  if (v.unit !== undefined || v.extra !== undefined) return undefined;
  const text = v.value.trim();
  if (!TIME_RE.test(text)) return undefined;
  if (lone && !/[SWsw]$/.test(text)) return undefined;
  try {
    return parseIecTimestamp(text);
  } catch {
    return undefined;
  }
}

function toTime(raw: string, t: IecTimestamp, zone: string): ValueTime {
  return { raw, utcMs: localToUtc(t.localMs, zone, t.season) };
}

/** A data set with the shape of a profile header (and a real time stamp first), else undefined. */
function asProfile(ds: DataSet): boolean {
  if (!isProfileHeader(ds)) return false;
  const n = Number(ds.values[3].value);
  for (let i = 0; i < 4 + 2 * n; i++) if (ds.values[i].unit !== undefined) return false;
  try {
    parseIecTimestamp(ds.values[0].value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The field a signal reads. Throws MeterError OBJECT_UNDEFINED when the data set has no such field and
 * FRAMING when its shape is broken.
 */
export function selectValue(ds: DataSet, valueIndex: number | undefined, zone: string): SelectedValue {
  if (asProfile(ds)) return selectProfileValue(ds, valueIndex, zone);
  const values = ds.values;
  if (values.length === 0) throw new MeterError('FRAMING', `Data set ${ds.address} has no value.`);
  const lone = values.length === 1;
  const times = values.map((v) => asTimestamp(v, lone));
  let i: number;
  if (valueIndex !== undefined) {
    if (valueIndex < 1 || valueIndex > values.length) throw new MeterError('OBJECT_UNDEFINED', `Data set ${ds.address} has ${values.length} value${lone ? '' : 's'}; value_index ${valueIndex} does not exist.`);
    i = valueIndex - 1;
  } else {
    i = times.findIndex((t) => t === undefined);
    if (i === -1) i = 0;
  }
  const field = values[i];
  const own = times[i];
  if (own) return { field, index: i + 1, isTime: toTime(field.value.trim(), own, zone) };
  const out: SelectedValue = { field, index: i + 1 };
  // The value's own time: the one time stamp among the other fields (two would be ambiguous).
  const others = times.map((t, k) => (k !== i && t ? k : -1)).filter((k) => k !== -1);
  if (others.length === 1) {
    const k = others[0];
    const t = times[k];
    if (t) out.time = toTime(values[k].value.trim(), t, zone);
  }
  return out;
}

function selectProfileValue(ds: DataSet, valueIndex: number | undefined, zone: string): SelectedValue {
  let block;
  try {
    block = decodeProfileBlock(ds);
  } catch (e) {
    if (e instanceof ProtocolError) throw new MeterError(e.code, e.message);
    throw e;
  }
  const n = block.channels.length;
  const data = ds.values.length - 4 - 2 * n;
  if (n === 0 || data === 0) throw new MeterError('OBJECT_UNDEFINED', `Profile ${ds.address} has no entries.`);
  if (data % n !== 0) throw new MeterError('FRAMING', `Profile ${ds.address}: ${data} values do not fill entries of ${n} channel${n === 1 ? '' : 's'}.`);
  const ch = valueIndex ?? 1;
  if (ch < 1 || ch > n) throw new MeterError('OBJECT_UNDEFINED', `Profile ${ds.address} has ${n} channel${n === 1 ? '' : 's'}; value_index ${ch} does not exist.`);
  const last = block.rows.length - 1;
  const row = block.rows[last];
  const v = row.values[ch - 1];
  if (v.unit !== undefined && v.unit !== block.channels[ch - 1].unit) {
    throw new MeterError('FRAMING', `Profile ${ds.address}: unit ${v.unit} where the header says ${block.channels[ch - 1].unit}.`);
  }
  const field: DataValue = { value: v.value, unit: block.channels[ch - 1].unit };
  // Entries are a real-time period apart: the first is converted, the others counted from it.
  const startUtc = localToUtc(block.start.localMs, zone, block.start.season);
  const periodMs = block.periodMinutes * 60_000;
  return { field, index: ch, time: { raw: ds.values[0].value.trim() + (last > 0 ? `+${last}x${block.periodMinutes}min` : ''), utcMs: startUtc + last * periodMs } };
}
