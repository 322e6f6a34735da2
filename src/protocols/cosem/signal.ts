/**
 * DLMS signal addressing: the `obis_job` (`1.0.1.8.0.255` or `1.0.1.8.0.255:2`) and `short_name`
 * fields of a signal turned into what a GET needs (class, logical name, attribute, or a short name).
 */
import { MeterError } from '../../core/errors';
import { snAttributeAddress, scalerAttributeFor } from './classes';
import { formatObis, parseObis } from './obis';
import { findObject, resolveShortName, type ObjectListEntry, type SnObjectEntry } from './object-list';

export interface DlmsSignalTarget {
  obis: Uint8Array;
  /** Dotted OBIS, for keys and messages. */
  obisText: string;
  /** Attribute to read; 2 (the value) when obis_job gives none. */
  attribute: number;
  /** Explicit short name from the signal's `short_name` field, if any. */
  shortName?: number;
}

/** `short_name` as configured: a number, decimal text or `0x` hex. Throws CONFIG_INVALID. */
export function parseShortName(value: string | number): number {
  const n = typeof value === 'number' ? value : /^0x[0-9a-f]{1,4}$/i.test(value.trim()) ? parseInt(value.trim(), 16) : /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new MeterError('CONFIG_INVALID', `short_name ${String(value)} is not a number 0..0xFFFF.`);
  return n;
}

/** Parse a signal's obis_job (and short_name when present). Throws MeterError('CONFIG_INVALID'). */
export function parseDlmsSignal(signal: { obis_job: string; short_name?: string | number | null }): DlmsSignalTarget {
  let parsed;
  try {
    parsed = parseObis(signal.obis_job);
  } catch (e) {
    throw new MeterError('CONFIG_INVALID', `obis_job "${signal.obis_job}" is not an OBIS code such as 1.0.1.8.0.255 or 1.0.1.8.0.255:2.`, { cause: e });
  }
  const target: DlmsSignalTarget = { obis: parsed.obis, obisText: formatObis(parsed.obis), attribute: parsed.attribute ?? 2 };
  const sn = signal.short_name;
  // 0 and '' mean "not set", as in the WCC Lite configuration.
  if (sn !== undefined && sn !== null && sn !== '' && sn !== 0 && sn !== '0') target.shortName = parseShortName(sn);
  return target;
}

/**
 * Short name to read for a target: the explicit short_name is the base name of the object (its
 * attribute is added), else the base name comes from the association object list.
 */
export function shortNameFor(target: DlmsSignalTarget, objectList?: readonly SnObjectEntry[]): number {
  if (target.shortName !== undefined) return snAttributeAddress(target.shortName, target.attribute);
  if (!objectList) throw new MeterError('OBJECT_UNDEFINED', `${target.obisText} has no short_name and the object list has not been read.`);
  return resolveShortName(objectList, target.obis, target.attribute);
}

/**
 * Interface class of an object: from the object list when there is one, else the most likely class
 * for the OBIS code (see classCandidates).
 */
export function classIdFor(obis: Uint8Array, objectList?: readonly ObjectListEntry[]): number {
  if (objectList) {
    const e = findObject(objectList, obis);
    if (e) return e.classId;
  }
  return classCandidates(obis)[0];
}

/**
 * Plausible interface classes for an OBIS code, most likely first. A signal names only an OBIS code and
 * an attribute (`1.0.1.8.0.255:2`), but an LN GET must name the class too. Reading the whole object list
 * to find out costs many seconds at 9600 baud, so the client guesses from the value groups (IEC 62056-6-1
 * naming rules), tries the next candidate when the meter answers object-undefined, and remembers what
 * worked per meter.
 */
export function classCandidates(obis: Uint8Array): number[] {
  const [a, b, c, d, e] = obis;
  void b;
  if (a === 0 && c === 1 && d === 0 && e === 0) return [8, 1]; // clock
  if (c === 40 && d === 0) return [15, 12]; // association
  if (a === 0 && c === 42 && d === 0) return [1]; // logical device name
  if (c === 99 || (c === 98 && a === 0)) return [7]; // profiles, event logs
  if (a === 0 && c === 96 && d === 3 && e === 10) return [70, 1]; // disconnect control
  if (a === 0 && c === 22 && d === 0) return [23]; // IEC HDLC setup
  // Abstract objects whose class the OBIS code names outright (IEC 62056-6-2 object table): guessing them
  // right saves reading the whole object list on first contact.
  if (a === 0 && c === 44 && d === 0) return [18]; // image transfer
  if (a === 0 && c === 10 && d === 0) return [9]; // script tables
  if (a === 0 && c === 11 && d === 0) return [11]; // special days table
  if (a === 0 && c === 12 && d === 0) return [10]; // schedule
  if (a === 0 && c === 13 && d === 0) return [20]; // activity calendar
  if (a === 0 && c === 14 && d === 0) return [6]; // register activation
  if (a === 0 && c === 15 && d === 0) return [22]; // single action schedule
  if (a === 0 && c === 17 && d === 0) return [71]; // limiter
  if (a === 0 && c === 20 && d === 0) return [19]; // IEC local port setup
  if (a === 0 && c === 41 && d === 0) return [17]; // SAP assignment
  if (a === 0 && c === 25 && d === 0) return [41]; // TCP-UDP setup
  if (a === 0 && c === 25 && d === 1) return [42]; // IPv4 setup
  if (a === 0 && c === 25 && d === 2) return [43]; // MAC address setup
  if (a === 0 && c === 25 && d === 3) return [44]; // PPP setup
  if (a === 0 && c === 25 && d === 4) return [45]; // GPRS modem setup
  if (a === 0 && c === 25 && d === 7) return [48]; // IPv6 setup
  if (a === 0 && c === 25 && d === 9) return [40]; // push setup
  if (a === 0 && c === 2 && d === 0) return [27]; // modem configuration
  if (a === 0 && c === 2 && d === 1) return [29]; // auto connect
  if (a === 0 && c === 2 && d === 2) return [28]; // auto answer
  if (a === 0 && c === 43 && d === 0) return [64]; // security setup
  if (a === 0 && c === 43 && d === 1) return [1, 3]; // frame counters
  if (a === 0 && c === 96) return [1, 3]; // general and service entries
  if (a === 0 && c === 0) return [1]; // identifiers
  // Electricity and other media: quantity registers. D = processing of the quantity.
  if (a !== 0 && c !== undefined && c >= 1 && c <= 199) {
    if (d === 4 || d === 5 || d === 14 || d === 15 || d === 24 || d === 25) return [5, 3, 4];
    if (d === 6 || d === 16 || d === 26) return [4, 3];
    if (c === 0 || c === 96 || c === 97 || c === 98) return [1, 3];
    return [3, 4, 1];
  }
  return [1, 3, 4];
}

/** Attribute holding the scaler_unit to apply to this read, if the value is scaled. */
export function scalerAttributeForTarget(classId: number, target: DlmsSignalTarget): number | undefined {
  return scalerAttributeFor(classId, target.attribute);
}
