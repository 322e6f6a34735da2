/**
 * The words beside a reading's aliases in exports and History: the device's and the signal's names
 * from the configuration, and the meter's identity. A reading carries only aliases (that is what the
 * store indexes), so the names are looked up here at export time.
 *
 * Identity is the meter's own answer when the configuration reads it (COSEM logical device name
 * 0.0.42.0.0.255, device ID 0.0.96.1.x.255, IEC 62056-21 data sets C.1.0 / 96.1.0 / 0.0.0), else the
 * serial_number the configuration gives a DLMS device.
 */
import type { Reading } from '../core/reading';

export interface ReadingLabel {
  device_name?: string;
  /** Serial number or logical device name, as read from the meter (or configured). */
  meter_id?: string;
  signal_name?: string;
}

export interface ReadingLabels {
  of(r: Pick<Reading, 'device_alias' | 'signal_alias'>): ReadingLabel;
}

export const NO_LABELS: ReadingLabels = { of: () => ({}) };

/** Addresses that answer "which meter is this", normalised by `identityKey`. */
const IDENTITY = new Set([
  '0.0.42.0.0', // COSEM logical device name
  '0.0.96.1.0', // device ID 1 (manufacturing / serial number)
  '0.0.96.1.1',
  '0.0.0', // IEC data set: device address, often the serial number
  'C.1.0', // IEC data set: meter serial number
  '96.1.0',
  '0.0.96.1.255',
]);

/** 0-0:42.0.0*255, 0.0.42.0.0.255, 0.0.42.0.0.255:2 and 0.0.42.0.0 all
 * become 0.0.42.0.0. */
export function identityKey(address: string): string {
  const parts = address
    .trim()
    .replace(/:\d+$/, '')
    .replace(/[-:*]/g, '.')
    .split('.');
  if (parts.length === 6 && parts[5] === '255') parts.pop();
  return parts.join('.');
}

export function isIdentityAddress(address: string | undefined): boolean {
  return address !== undefined && IDENTITY.has(identityKey(address));
}

interface ConfigShape {
  devices?: unknown;
  signals?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The address fields of the WCC Lite signal table: obis_job (DLMS), tag_job_todo / job_todo (IEC, Elgama). */
function signalAddress(s: unknown): string | undefined {
  const o = s as { obis_job?: unknown; tag_job_todo?: unknown; job_todo?: unknown };
  return str(o.obis_job) ?? str(o.tag_job_todo) ?? str(o.job_todo);
}

/**
 * Labels from configuration documents (the loaded one first: earlier documents win) and readings that
 * may answer identity. Anything that is not the expected shape is skipped: a label is a convenience,
 * never a reason to refuse an export.
 */
export function labelsFromConfigs(docs: readonly unknown[], identityReadings: Iterable<Reading> = []): ReadingLabels {
  const deviceNames = new Map<string, string>();
  const serials = new Map<string, string>();
  const signalNames = new Map<string, string>();
  const identitySignals = new Set<string>();
  for (const doc of docs) {
    if (typeof doc !== 'object' || doc === null) continue;
    const { devices, signals } = doc as ConfigShape;
    for (const d of Array.isArray(devices) ? devices : []) {
      const alias = str((d as { device_alias?: unknown }).device_alias);
      if (!alias) continue;
      const name = str((d as { name?: unknown }).name);
      if (name && !deviceNames.has(alias)) deviceNames.set(alias, name);
      const sn = (d as { serial_number?: unknown }).serial_number;
      if ((typeof sn === 'number' && sn > 0) || (typeof sn === 'string' && /^\d+$/.test(sn) && Number(sn) > 0)) {
        if (!serials.has(alias)) serials.set(alias, String(sn));
      }
    }
    for (const s of Array.isArray(signals) ? signals : []) {
      const device = str((s as { device_alias?: unknown }).device_alias);
      const signal = str((s as { signal_alias?: unknown }).signal_alias);
      if (!device || !signal) continue;
      const key = `${device}/${signal}`;
      const name = str((s as { signal_name?: unknown }).signal_name);
      if (name && !signalNames.has(key)) signalNames.set(key, name);
      if (isIdentityAddress(signalAddress(s))) identitySignals.add(key);
    }
  }
  const readIds = new Map<string, { ts: number; id: string }>();
  for (const r of identityReadings) {
    if (r.quality !== 'good' || r.value === null || r.value === '') continue;
    if (!isIdentityAddress(r.address) && !identitySignals.has(`${r.device_alias}/${r.signal_alias}`)) continue;
    const seen = readIds.get(r.device_alias);
    if (!seen || r.ts >= seen.ts) readIds.set(r.device_alias, { ts: r.ts, id: String(r.value) });
  }
  return {
    of(r) {
      const label: ReadingLabel = {};
      const device_name = deviceNames.get(r.device_alias);
      if (device_name) label.device_name = device_name;
      const meter_id = readIds.get(r.device_alias)?.id ?? serials.get(r.device_alias);
      if (meter_id) label.meter_id = meter_id;
      const signal_name = signalNames.get(`${r.device_alias}/${r.signal_alias}`);
      if (signal_name) label.signal_name = signal_name;
      return label;
    },
  };
}

/** Signals whose readings answer identity, for a store query before a streamed export. */
export function identitySignalsOf(docs: readonly unknown[]): { device_alias: string; signal_alias: string }[] {
  const out: { device_alias: string; signal_alias: string }[] = [];
  for (const doc of docs) {
    const signals = typeof doc === 'object' && doc !== null ? (doc as ConfigShape).signals : undefined;
    for (const s of Array.isArray(signals) ? signals : []) {
      const device_alias = str((s as { device_alias?: unknown }).device_alias);
      const signal_alias = str((s as { signal_alias?: unknown }).signal_alias);
      if (device_alias && signal_alias && isIdentityAddress(signalAddress(s))) out.push({ device_alias, signal_alias });
    }
  }
  return out;
}
