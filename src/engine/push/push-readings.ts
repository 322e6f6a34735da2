/**
 * One decoded push -> the Readings of a PUSH device: configured signals matched by OBIS code (the
 * attribute of `obis_job` does not matter: a push carries values, not attributes), and with
 * `push_all_values` every other value too, named by its OBIS code. Pure.
 */
import type { Reading } from '../../core/reading';
import type { PushValue } from '../../protocols/push';
import type { DriverSignal } from '../driver';

/** `a.b.c.d.e.f` of a signal's normalised address (`a.b.c.d.e.f:2`). */
export function signalObis(signal: DriverSignal): string {
  const at = signal.address.indexOf(':');
  return at < 0 ? signal.address : signal.address.slice(0, at);
}

export interface PushReadingOptions {
  device_alias: string;
  signals: readonly DriverSignal[];
  allValues: boolean;
  /** The push's own time when it has one, else the receive time. */
  ts: number;
}

export function pushReadings(values: readonly PushValue[], o: PushReadingOptions): Reading[] {
  const byObis = new Map<string, DriverSignal[]>();
  for (const s of o.signals) {
    const key = signalObis(s);
    const list = byObis.get(key);
    if (list) list.push(s);
    else byObis.set(key, [s]);
  }
  const out: Reading[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    // A list that names one object twice (it happens in vendor lists) gives its first value.
    if (seen.has(v.obis)) continue;
    seen.add(v.obis);
    const signals = byObis.get(v.obis);
    if (signals) {
      for (const s of signals) out.push(reading(v, o, s.signal_alias, s.address, s.number_type));
    } else if (o.allValues) {
      out.push(reading(v, o, v.obis, `${v.obis}:2`, undefined));
    }
  }
  return out;
}

function reading(v: PushValue, o: PushReadingOptions, signal_alias: string, address: string, numberType: string | undefined): Reading {
  const r: Reading = {
    ts: o.ts,
    device_alias: o.device_alias,
    signal_alias,
    value: numberType === 'STRING' && v.value !== null ? String(v.value) : v.value,
    quality: 'good',
    address,
  };
  if (v.unit !== undefined) r.unit = v.unit;
  if (v.decimals !== undefined) r.decimals = v.decimals;
  if (v.raw !== undefined) r.raw = v.raw;
  return r;
}
