/**
 * A generated large site for the large-site e2e test and the import bench: DLMS meters on RS-485
 * ports, each with a block of register signals, sized so 6,000 signals make about 1 MB of JSON and
 * 30,000 about 5 MB, as a real site export is (one item per line, two-space indent).
 */
export interface LargeSite {
  text: string;
  devices: number;
  signals: number;
}

const OBIS = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255', '1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255', '1.0.31.7.0.255', '1.0.51.7.0.255', '1.0.71.7.0.255'];
const NAMES = ['Active energy import', 'Active energy export', 'Reactive energy import', 'Reactive energy export', 'Voltage L1', 'Voltage L2', 'Voltage L3', 'Current L1', 'Current L2', 'Current L3'];

/** `signals` signals spread over meters of `perDevice` signals each. Deterministic. */
export function largeSite(signals: number, perDevice = 100): LargeSite {
  const devices = Math.ceil(signals / perDevice);
  const devs: string[] = [];
  for (let d = 0; d < devices; d++) {
    devs.push(
      JSON.stringify({
        name: `Feeder ${d + 1} meter`,
        description: `Substation bay ${Math.floor(d / 8) + 1}, RS-485 line ${(d % 8) + 1}`,
        device_alias: `meter_${d + 1}`,
        protocol: 'DLMS',
        device: `PORT${(d % 8) + 1}`,
        baudrate: 9600,
        type: 'LN',
        mode: 'DLMS-HDLC',
        auth: 'None',
        client_address: 16,
        physical_address: 16 + (d % 100),
        logical_address: 1,
        scan_rate_ms: 60000,
      }),
    );
  }
  const sigs: string[] = [];
  for (let i = 0; i < signals; i++) {
    const d = Math.floor(i / perDevice);
    const k = i % perDevice;
    const t = k % OBIS.length;
    const obis = OBIS[t]!.replace(/\.255$/, `.${Math.floor(k / OBIS.length) === 0 ? 255 : Math.floor(k / OBIS.length)}`);
    sigs.push(
      JSON.stringify({
        signal_name: `${NAMES[t]} (${k + 1}), feeder ${d + 1}`,
        device_alias: `meter_${d + 1}`,
        signal_alias: `s_${d + 1}_${k + 1}`,
        obis_job: obis,
        number_type: t < 4 ? 'DOUBLE' : 'FLOAT',
        log: k % 2,
      }),
    );
  }
  const text = `{\n  "devices": [\n    ${devs.join(',\n    ')}\n  ],\n  "signals": [\n    ${sigs.join(',\n    ')}\n  ]\n}\n`;
  return { text, devices, signals };
}

/** `bytes` of seeded pseudo-random bytes: what a user gets by picking the wrong file. */
export function randomBytes(bytes: number, seed = 12): Uint8Array {
  const out = new Uint8Array(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
