/**
 * What a technician gets of DLMS values through the whole read path (driver → reading → CLI line):
 * date-times as ISO 8601 in the meter's local time with its deviation, the bytes beside them in `raw`,
 * scaled values with the meter's decimals. Virtual time against the demo simulator keeping CET.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { validateConfig } from '../../config';
import { Engine } from '../engine';
import { createDriver } from '.';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { serverAddress } from '../../protocols/hdlc/address';
import { csvFormatter, jsonlFormatter, TableFormatter } from '../../cli/format';

const EPOCH = Date.UTC(2026, 0, 1);
const NOW = Date.UTC(2026, 0, 20, 10, 30, 0);

const config = {
  devices: [
    { name: 'CET meter', device_alias: 'cet', protocol: 'DLMS', device: 'PORT1', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2 },
  ],
  signals: [
    { signal_name: 'Clock', device_alias: 'cet', signal_alias: 'clock', obis_job: '0.0.1.0.0.255:2' },
    { signal_name: 'Clock as text', device_alias: 'cet', signal_alias: 'clock_s', obis_job: '0.0.1.0.0.255:2', number_type: 'STRING' },
    { signal_name: 'Max demand time', device_alias: 'cet', signal_alias: 'md_time', obis_job: '1.0.1.6.0.255:5' },
    { signal_name: 'Frequency', device_alias: 'cet', signal_alias: 'f', obis_job: '1.0.14.7.0.255' },
    { signal_name: 'Frequency int', device_alias: 'cet', signal_alias: 'f_int', obis_job: '1.0.14.7.0.255', number_type: 'INT32' },
  ],
};

async function readAll() {
  const checked = validateConfig(config);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const clock = new VirtualClock(NOW);
  const engine = new Engine({
    config: checked.config,
    clock,
    openLink: async () => {
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      // The simulator option: a meter that keeps CET (UTC+1, deviation -60) in every date-time it writes.
      const model = createDemoDlmsModel({ epochMs: EPOCH, utcOffsetMinutes: 60 });
      new SimDlmsMeter(clock, { referencing: 'LN', model }).serveHdlc(pair.meter, { address: serverAddress({ logical: 1, physical: 17, size: 2 }) });
      return pair.client;
    },
    createDriver,
    onEvent: () => undefined,
  });
  const readings = await clock.run(() => engine.readOnce());
  await clock.run(() => engine.stop());
  return (alias: string) => readings.find((r) => r.signal_alias === alias)!;
}

describe('DLMS values as the user reads them', () => {
  it('gives the clock and a capture_time as ISO 8601 with the meter deviation, raw bytes beside', async () => {
    const by = await readAll();
    const clock = by('clock');
    expect(clock.quality).toBe('good');
    // 10:30 UTC is 11:30 in the meter's CET.
    expect(clock.value).toMatch(/^2026-01-20T11:30:\d\d(\.\d\d)?\+01:00$/);
    expect(Math.abs(Date.parse(clock.value as string) - NOW)).toBeLessThan(5_000);
    expect(clock.raw).toMatch(/^07EA01140[1-7]0B1E[0-9A-F]{4}FFC400$/);
    // number_type STRING converts from the ISO text (read a moment later: only the hundredths may differ).
    expect(by('clock_s').value).toMatch(/^2026-01-20T11:30:\d\d(\.\d\d)?\+01:00$/);
    expect(by('md_time')).toMatchObject({ quality: 'good', value: '2026-01-01T19:15:00+01:00', raw: '07EA010104130F0000FFC400' });
  });

  it("keeps the scaler's decimals (frequency 10^-2 Hz) unless an integer type was asked for", async () => {
    const by = await readAll();
    expect(by('f')).toMatchObject({ quality: 'good', unit: 'Hz', decimals: 2 });
    expect(by('f_int').decimals).toBeUndefined();
  });

  it('the CLI prints them so: ISO time, raw in JSON, decimals in the table and CSV', async () => {
    const by = await readAll();
    const line = JSON.parse(jsonlFormatter.rows([by('clock')])) as { value: string; raw: string };
    expect(line.value).toBe(by('clock').value);
    expect(line.raw).toBe(by('clock').raw);
    const f = { ...by('f'), value: 50 };
    expect(new TableFormatter().rows([f])).toMatch(/ 50\.00 {2}Hz/);
    expect(csvFormatter.rows([f])).toContain(',50.00,Hz,');
  });
});
