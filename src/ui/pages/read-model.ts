/**
 * Pure logic behind the Read page: which signals the loaded configuration has, what their latest
 * readings look like in a table, and device states in plain words. No DOM, so it is unit-tested.
 */
import type { Reading, ReadingValue } from '../../core/reading';
import type { DeviceState } from '../../worker/engine-api';
import type { LiveRow } from '../components/live-table';
import { formatReadingValue } from '../format';

export interface SignalInfo {
  device_alias: string;
  signal_alias: string;
  name: string;
  protocol: string;
  address?: string;
  enabled: boolean;
}

type Doc = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const enabled = (v: unknown): boolean => !(v === 0 || v === '0' || v === false);

/** The signals of a configuration document (text), in document order. Malformed parts are skipped. */
/**
 * The Read page renders on every engine event (values, states, trace lines): parsing the configuration
 * each time would cost a large site seconds per read. One entry is enough: the text changes only on load.
 */
let lastSignals: { raw: string; signals: SignalInfo[] } | undefined;

export function configSignals(raw: string | undefined): SignalInfo[] {
  if (!raw) return [];
  if (lastSignals?.raw === raw) return lastSignals.signals;
  const signals = parseSignals(raw);
  lastSignals = { raw, signals };
  return signals;
}

function parseSignals(raw: string): SignalInfo[] {
  let doc: Doc;
  try {
    doc = JSON.parse(raw) as Doc;
  } catch {
    return [];
  }
  const devices = Array.isArray(doc.devices) ? (doc.devices as Doc[]) : [];
  const byAlias = new Map(devices.filter((d) => d && typeof d === 'object').map((d) => [str(d.device_alias), d]));
  const out: SignalInfo[] = [];
  for (const s of Array.isArray(doc.signals) ? (doc.signals as Doc[]) : []) {
    if (!s || typeof s !== 'object') continue;
    const device_alias = str(s.device_alias);
    const signal_alias = str(s.signal_alias);
    if (!device_alias || !signal_alias) continue;
    const dev = byAlias.get(device_alias);
    const protocol = str(dev?.protocol) ?? '';
    const address = str(s.obis_job) ?? str(s.tag_job_todo) ?? str(s.job_todo);
    out.push({
      device_alias,
      signal_alias,
      name: str(s.signal_name) ?? signal_alias,
      protocol,
      ...(address ? { address } : {}),
      enabled: enabled(s.enable) && enabled(dev?.enable),
    });
  }
  return out;
}

/**
 * OBIS words for an address. DLMS gives full six-group codes; IEC 62056-21 data sets usually print
 * only C.D.E (`1.8.0`, historic `1.8.0*24`), which on an electricity meter mean 1-0:C.D.E.
 */
export function addressWords(address: string | undefined, describe: (obis: string) => string): string {
  if (!address) return '';
  const plain = address.replace(/:\d+$/, '');
  const direct = describe(plain);
  if (direct !== plain) return direct;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\*(\d{1,3}))?$/.exec(plain);
  if (m) {
    const full = `1.0.${m[1]}.${m[2]}.${m[3]}.${m[4] ?? '255'}`;
    const words = describe(full);
    if (words !== full) return words;
  }
  return '';
}

/**
 * A value for the screen: the locale's number format with the meter's decimals (src/ui/format.ts,
 * the same on Read, History and Profiles); texts as they are; null as a dash.
 */
export function formatValue(v: ReadingValue, locale?: string, decimals?: number): string {
  return formatReadingValue(v, decimals, locale);
}

/**
 * One row per enabled configured signal (waiting until its first reading), then any reading the
 * configuration does not name (so nothing read is ever hidden).
 */
export function liveRows(
  signals: readonly SignalInfo[],
  latest: ReadonlyMap<string, Reading>,
  describe: (obis: string) => string,
  formatTime: (ms: number) => string,
): LiveRow[] {
  const rows: LiveRow[] = [];
  const seen = new Set<string>();
  const devices = new Set(signals.map((s) => s.device_alias));
  for (const s of signals) {
    if (!s.enabled) continue;
    const key = `${s.device_alias}/${s.signal_alias}`;
    seen.add(key);
    const r = latest.get(key);
    rows.push(toRow(key, s.name, r?.address ?? s.address, r, describe, formatTime, s));
  }
  for (const [key, r] of latest) {
    if (seen.has(key) || (devices.size > 0 && !devices.has(r.device_alias))) continue;
    rows.push(toRow(key, r.signal_alias, r.address, r, describe, formatTime, r));
  }
  return rows;
}

function toRow(
  key: string,
  name: string,
  address: string | undefined,
  r: Reading | undefined,
  describe: (obis: string) => string,
  formatTime: (ms: number) => string,
  ids: { device_alias: string; signal_alias: string },
): LiveRow {
  const words = addressWords(address, describe);
  return {
    key,
    device_alias: ids.device_alias,
    signal_alias: ids.signal_alias,
    name,
    ...(address ? { address } : {}),
    ...(words ? { words } : {}),
    value: r ? (r.quality === 'bad' && r.value === null ? '—' : formatValue(r.value, undefined, r.decimals)) : '—',
    ...(r?.unit ? { unit: r.unit } : {}),
    quality: r ? r.quality : 'waiting',
    ...(r?.error ? { error: r.error } : {}),
    ...(r ? { time: formatTime(r.ts) } : {}),
  };
}

/** Device states as a technician would say them. */
export const STATE_WORDS: Record<DeviceState, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  'signing-on': 'Signing on',
  reading: 'Reading',
  ok: 'Read OK',
  retrying: 'Retrying',
  'link-lost': 'Link lost',
  stopped: 'Stopped',
  disabled: 'Disabled',
};

/** Tone of a state, for its badge (never the only cue: the words are always shown). */
export function stateTone(s: DeviceState): 'busy' | 'ok' | 'bad' | 'quiet' {
  if (s === 'connecting' || s === 'signing-on' || s === 'reading' || s === 'retrying') return 'busy';
  if (s === 'ok') return 'ok';
  if (s === 'link-lost') return 'bad';
  return 'quiet';
}

/** The progress bar appears only once a dialogue has lasted this long, so quick reads do not flicker. */
export const PROGRESS_AFTER_MS = 1000;

export function showProgress(busySince: number | undefined, now: number): boolean {
  return busySince !== undefined && now - busySince >= PROGRESS_AFTER_MS;
}
