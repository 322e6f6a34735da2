/** Pure logic of the object browser: filtering the object list and adding an attribute as a signal. */
import type { ObjectInfo } from '../../worker/engine-api';

/** Case-insensitive match on OBIS, words, class name or class id; every word of the query must match. */
export function filterObjects(list: readonly ObjectInfo[], query: string): ObjectInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return list.slice();
  return list.filter((o) => {
    const hay = `${o.obis} ${o.description} ${o.className} class ${o.classId}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export interface NewSignal {
  device_alias: string;
  obis: string;
  attribute: number;
  /** signal_name: the object's words, so the live table reads like the object browser. */
  name: string;
}

export interface AppendResult {
  raw: string;
  signal_alias: string;
  /** The configuration already had this exact attribute for this device: nothing was added. */
  existed: boolean;
}

type Doc = Record<string, unknown>;

/** `1.0.1.8.0.255` attribute 2 -> `obis_1_0_1_8_0_255_a2`: valid everywhere a WCC Lite alias is. */
export function aliasFor(obis: string, attribute: number): string {
  return `obis_${obis.replace(/[^0-9]+/g, '_')}_a${attribute}`;
}

/**
 * Append a DLMS signal `obis_job: "a.b.c.d.e.f:attr"` to a configuration document (text). The user's
 * other fields and their order are kept; an alias already taken on that device gets a numeric suffix.
 */
export function appendSignal(raw: string, s: NewSignal): AppendResult {
  const doc = JSON.parse(raw) as Doc;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('The configuration is not a JSON object.');
  const devices = Array.isArray(doc.devices) ? (doc.devices as Doc[]) : [];
  if (!devices.some((d) => d && d.device_alias === s.device_alias)) {
    throw new Error(`The configuration has no device "${s.device_alias}".`);
  }
  const signals = Array.isArray(doc.signals) ? (doc.signals as Doc[]) : [];
  const job = `${s.obis}:${s.attribute}`;
  const mine = signals.filter((x) => x && x.device_alias === s.device_alias);
  const same = mine.find((x) => typeof x.obis_job === 'string' && normaliseJob(x.obis_job) === job);
  if (same) return { raw, signal_alias: String(same.signal_alias), existed: true };
  const taken = new Set(mine.map((x) => String(x.signal_alias)));
  const base = aliasFor(s.obis, s.attribute);
  let alias = base;
  for (let i = 2; taken.has(alias); i++) alias = `${base}_${i}`;
  signals.push({ signal_name: s.name || job, device_alias: s.device_alias, signal_alias: alias, obis_job: job });
  doc.signals = signals;
  return { raw: JSON.stringify(doc, null, 2), signal_alias: alias, existed: false };
}

/** `1.0.1.8.0.255` means attribute 2 (the value), so it is the same job as `1.0.1.8.0.255:2`. */
function normaliseJob(job: string): string {
  const t = job.trim();
  return /:\d+$/.test(t) ? t : `${t}:2`;
}
