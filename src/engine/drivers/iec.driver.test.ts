/**
 * The IEC 62056-21 driver in the engine, configured as a user would (validated WCC Lite JSON with the
 * `time_zone` and `value_index` extensions), against the virtual meter under virtual time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_300_7E1 } from '../../core/link';
import type { Link } from '../../core/link';
import { validateConfig } from '../../config';
import type { DeviceConfig } from '../../config/types';
import { Engine } from '../engine';
import { createDriver } from '.';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { landisLikeModeC, localTimeMeter } from '../../sim/iec/profiles';

const config = {
  devices: [
    { name: 'Local time meter', device_alias: 'lt', protocol: 'IEC 62056-21', device: 'PORT1', type: 'C', time_zone: 'Europe/Vilnius' },
    { name: 'Behind a TCP gateway', device_alias: 'gw', protocol: 'IEC 62056-21', ip: '10.0.0.5', port: 4001, type: 'C', serialnumber: '45678903' },
  ],
  signals: [
    { signal_name: 'Max demand', device_alias: 'lt', signal_alias: 'pmax', tag_job_todo: '1-0:1.6.0*255', number_type: 'DOUBLE' },
    { signal_name: 'Max demand time', device_alias: 'lt', signal_alias: 'pmax_t', tag_job_todo: '1-0:1.6.0*255', value_index: 2, number_type: 'STRING' },
    { signal_name: 'Gas (DSMR 2.2 style)', device_alias: 'lt', signal_alias: 'gas', tag_job_todo: '0-1:24.3.0', number_type: 'DOUBLE' },
    { signal_name: 'Import', device_alias: 'gw', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
  ],
};

describe('IEC 62056-21 driver with the time zone and value index extensions', () => {
  it('validation refuses an unknown zone and a value_index of 0', () => {
    const bad = validateConfig({ devices: [{ ...config.devices[0], time_zone: 'Europe/Atlantis' }], signals: [{ ...config.signals[1], value_index: 0 }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['devices[0].time_zone', 'signals[0].value_index']));
    }
  });

  it('reads with the meter zone; a gateway that hangs up after the readout loses nothing', async () => {
    const checked = validateConfig(config);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const clock = new VirtualClock(Date.UTC(2026, 9, 25, 3));
    const openLink = async (device: DeviceConfig): Promise<Link> => {
      if (device.device_alias === 'lt') {
        const pair = createSerialPair(clock, { line: LINE_300_7E1 });
        void new VirtualIecMeter(localTimeMeter()).serve(pair.meter, clock);
        return pair.client;
      }
      // The gateway closes the connection 200 ms after the readout; the transport reports it lost.
      const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 2 });
      void new VirtualIecMeter({ ...landisLikeModeC(), faults: { hangUpAfterReadoutMs: 200 }, onHangUp: () => pair.unplug() }).serve(pair.meter, clock);
      return pair.client;
    };
    const engine = new Engine({ config: checked.config, clock, openLink, createDriver, onEvent: () => undefined });
    const readings = await clock.run(() => engine.readOnce());
    await clock.run(() => engine.stop());
    const by = (s: string) => readings.find((r) => r.signal_alias === s)!;
    expect(by('pmax')).toMatchObject({ quality: 'good', value: 12.345, unit: 'kW', raw: '261025021500S', ts: Date.UTC(2026, 9, 24, 23, 15) });
    expect(by('pmax_t')).toMatchObject({ quality: 'good', value: '2026-10-24T23:15:00.000Z', raw: '261025021500S' });
    expect(by('gas')).toMatchObject({ quality: 'good', value: 1234.567, unit: 'm3', ts: Date.UTC(2026, 9, 24, 23, 0) });
    expect(by('ai')).toMatchObject({ quality: 'good', value: 147238.4, unit: 'kWh' });
  });
});
