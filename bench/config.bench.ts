/** Configuration validation speed: 1,000 devices x 50 signals (a large gateway config). */
import type { BenchRow } from './types';
import { parseConfigText, validateConfig } from '../src/config';

const DEVICES = 1000;
const SIGNALS_PER_DEVICE = 50;

function buildConfig(): { devices: unknown[]; signals: unknown[] } {
  const devices: unknown[] = [];
  const signals: unknown[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const alias = `meter_${d}`;
    const kind = d % 3;
    if (kind === 0) {
      devices.push({ name: `DLMS ${d}`, device_alias: alias, protocol: 'DLMS', ip: '10.0.0.1', port: 4059 + (d % 100), mode: 'DLMS-WRAPPER', type: 'LN', client_address: '0x10', logical_address: 1 });
    } else if (kind === 1) {
      devices.push({ name: `IEC ${d}`, device_alias: alias, protocol: 'IEC 62056-21', device: `PORT${d % 4}`, serialnumber: String(10000000 + d) });
    } else {
      devices.push({ name: `Elgama ${d}`, device_alias: alias, protocol: 'Elgama', device: 'PORT2', timeout_ms: 3000, id: 21000000 + d, meter_model: 2 });
    }
    for (let s = 0; s < SIGNALS_PER_DEVICE; s++) {
      const base = { signal_name: `Signal ${s}`, device_alias: alias, signal_alias: `s${s}` };
      if (kind === 0) signals.push({ ...base, obis_job: `1.0.${1 + (s % 90)}.8.${s % 5}.255` });
      else if (kind === 1) signals.push({ ...base, tag_job_todo: `${1 + (s % 90)}.8.${s % 5}`, number_type: 'DOUBLE' });
      else signals.push({ ...base, job_todo: `${1 + (s % 90)}.8.0`, number_type: 'DOUBLE' });
    }
  }
  return { devices, signals };
}

function timeMs(fn: () => void, runs: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function run(): Promise<BenchRow[]> {
  const doc = buildConfig();
  const text = JSON.stringify(doc);
  const signals = DEVICES * SIGNALS_PER_DEVICE;
  let valid = false;
  const validateMs = timeMs(() => {
    valid = validateConfig(doc).ok;
  }, 5);
  const parseMs = timeMs(() => {
    parseConfigText(text);
  }, 5);
  const note = `${DEVICES} devices x ${SIGNALS_PER_DEVICE} signals, median of 5${valid ? '' : ' (config INVALID: bench input is wrong)'}`;
  return [
    { name: 'config: validateConfig', value: Math.round(validateMs * 10) / 10, unit: 'ms', note },
    { name: 'config: validateConfig throughput', value: Math.round(signals / (validateMs / 1000)), unit: 'signals/s', note },
    { name: 'config: parseConfigText (JSON.parse + validate)', value: Math.round(parseMs * 10) / 10, unit: 'ms', note: `${(text.length / 1e6).toFixed(1)} MB of JSON` },
  ];
}
