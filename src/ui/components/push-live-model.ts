/**
 * What the live view of a pushing meter shows, from the page's mirror of the engine: which devices of
 * the loaded configuration are in mode PUSH, their latest values, and the recent active power for a
 * sparkline. Pure (no DOM), so it is tested without a browser.
 */
import type { Reading } from '../../core/reading';

export interface PushDeviceInfo {
  device_alias: string;
  name: string;
}

let last: { raw: string; devices: PushDeviceInfo[] } | undefined;

/** The PUSH devices of a configuration document (enabled ones only: a disabled one never listens). */
export function pushDevices(raw: string | undefined): PushDeviceInfo[] {
  if (!raw) return [];
  if (last?.raw === raw) return last.devices;
  let devices: PushDeviceInfo[] = [];
  try {
    const doc = JSON.parse(raw) as { devices?: unknown };
    const list = Array.isArray(doc.devices) ? (doc.devices as Record<string, unknown>[]) : [];
    devices = list
      .filter((d) => d && typeof d === 'object' && String(d.mode ?? '').toUpperCase() === 'PUSH' && d.enable !== 0 && d.enable !== false)
      .map((d) => ({ device_alias: String(d.device_alias ?? ''), name: String(d.name ?? d.device_alias ?? '') }));
  } catch {
    devices = [];
  }
  last = { raw, devices };
  return devices;
}

/** Active power import (1.x.1.7.0.255), the quantity a home owner watches, whatever the signal is called. */
const POWER = /^1\.\d+\.1\.7\.0\.255(:|$)/;

export function isActivePower(r: Reading): boolean {
  return POWER.test(r.address ?? '') || POWER.test(r.signal_alias);
}

/** Latest good-or-bad reading per signal of one device, in the order the signals first arrived. */
export function latestOf(latest: ReadonlyMap<string, Reading>, device_alias: string): Reading[] {
  const out: Reading[] = [];
  for (const r of latest.values()) if (r.device_alias === device_alias) out.push(r);
  return out;
}

/** The last `n` active power values of a device, oldest first (from the readings of this session). */
export function powerSeries(session: readonly Reading[], device_alias: string, n = 60): number[] {
  const out: number[] = [];
  for (let i = session.length - 1; i >= 0 && out.length < n; i--) {
    const r = session[i];
    if (r.device_alias === device_alias && r.quality === 'good' && typeof r.value === 'number' && isActivePower(r)) out.push(r.value);
  }
  return out.reverse();
}

/** SVG polyline points for `values` in a `w` x `h` box (flat line in the middle when all are equal). */
export function sparkPoints(values: readonly number[], w: number, h: number): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const y = span === 0 ? h / 2 : h - ((v - min) / span) * h;
      return `${(i * step).toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}
