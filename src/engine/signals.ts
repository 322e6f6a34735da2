/**
 * Configuration -> what a driver reads. Each protocol names its registers differently in the WCC Lite
 * fields; the driver gets one normalised `address` so it need not know the field names.
 */
import type { DeviceConfig, ElgamaDeviceConfig, SignalConfig } from '../config/types';
import { parseObis } from '../config/obis';
import type { Reading } from '../core/reading';
import type { DriverSignal } from './driver';

/** The DLMS attribute read when none is written: attribute 2 is the value of Data/Register objects. */
export const DEFAULT_ATTRIBUTE = 2;

/** The enabled signals of `device`, in configuration order, as the driver sees them. */
export function buildDriverSignals(device: DeviceConfig, signals: readonly SignalConfig[]): DriverSignal[] {
  const out: DriverSignal[] = [];
  for (const s of signals) {
    if (s.device_alias !== device.device_alias || s.enable === 0) continue;
    const signal: DriverSignal = {
      signal_alias: s.signal_alias,
      device_alias: s.device_alias,
      address: signalAddress(device, s),
      config: s as unknown as Readonly<Record<string, unknown>>,
    };
    if (s.number_type !== undefined) signal.number_type = s.number_type;
    out.push(signal);
  }
  return out;
}

/** Whether value changes of this signal go to the event log. */
export function isLogged(signal: DriverSignal): boolean {
  return Number(signal.config.log) === 1;
}

export function signalAddress(device: DeviceConfig, signal: SignalConfig): string {
  // Read through a record view: the signal's own `protocol` tag is derived from its device, but a
  // hand-built configuration might not carry it, and the device decides the protocol anyway.
  const f = signal as unknown as Record<string, unknown>;
  switch (device.protocol) {
    case 'DLMS':
      return obisAddress(text(f.obis_job), numberOr(f.attribute, DEFAULT_ATTRIBUTE));
    case 'IEC 62056-21':
      return text(f.tag_job_todo);
    case 'Elgama':
      return elgamaAddress(device, text(f.job_todo), text(f.tag_job_todo));
  }
}

/** `1.0.1.8.0.255:2` from any accepted OBIS spelling; the attribute written in the code wins. */
export function obisAddress(obis: string, attribute: number = DEFAULT_ATTRIBUTE): string {
  const parsed = parseObis(obis);
  if ('error' in parsed) return obis;
  return `${parsed.codes.join('.')}:${parsed.attribute ?? attribute}`;
}

/**
 * GAMA 300 / GAMA 100 (meter_model 2, 3) are DLMS meters: job_todo is an OBIS code and tag_job_todo,
 * when it is a number, the attribute. The other models are read as an IEC 62056-21 readout: the data-set
 * address is tag_job_todo when given (the value inside the job), else job_todo itself.
 */
function elgamaAddress(device: ElgamaDeviceConfig, job: string, tag: string): string {
  if (device.meter_model === 2 || device.meter_model === 3) {
    const attribute = /^\d+$/.test(tag) ? Number(tag) : DEFAULT_ATTRIBUTE;
    return obisAddress(job, attribute);
  }
  return tag !== '' ? tag : job;
}

/**
 * One reading per signal, in signal order, whatever the driver returned: a missing reading becomes a
 * bad INTERNAL one (a driver bug must not shift values onto the wrong signals).
 */
export function alignReadings(signals: readonly DriverSignal[], readings: readonly Reading[], ts: number): Reading[] {
  return signals.map((s, i) => {
    const r = readings[i]?.signal_alias === s.signal_alias ? readings[i] : readings.find((x) => x.signal_alias === s.signal_alias);
    if (!r) return badReading(s, ts, 'INTERNAL');
    const out: Reading = { ...r, device_alias: s.device_alias };
    if (out.address === undefined) out.address = s.address;
    return out;
  });
}

export function badReading(s: DriverSignal, ts: number, error: Reading['error']): Reading {
  const r: Reading = { ts, device_alias: s.device_alias, signal_alias: s.signal_alias, value: null, quality: 'bad', address: s.address };
  if (error !== undefined) r.error = error;
  return r;
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v).trim();
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;
}
