import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_300_7E1, LINE_9600_8N1 } from '../../core/link';
import type { Link } from '../../core/link';
import { validateConfig } from '../../config';
import type { DeviceConfig } from '../../config/types';
import { Engine } from '../engine';
import type { EngineEvent } from '../types';
import { createDriver } from '.';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { serverAddress, serverAddressFromSerial } from '../../protocols/hdlc/address';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { landisLikeModeC } from '../../sim/iec/profiles';

const EPOCH = Date.UTC(2026, 0, 1);

const config = {
  devices: [
    { name: 'HDLC meter', device_alias: 'hdlc', protocol: 'DLMS', device: 'PORT1', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2 },
    { name: 'Wrapper meter', device_alias: 'tcp', protocol: 'DLMS', ip: '127.0.0.1', port: 4059, mode: 'DLMS-WRAPPER', type: 'LN', auth: 'Low', password: 'secret12', client_address: 17, logical_address: 1 },
    { name: 'Mode E meter', device_alias: 'modee', protocol: 'DLMS', device: 'PORT3', baudrate: 9600, mode: 'IEC', type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, address_size: 1 },
    { name: 'IEC meter', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'PORT2', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', serialnumber: '45678903' },
    { name: 'GAMA 300', device_alias: 'gama', protocol: 'Elgama', device: 'PORT4', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, id: 2141421, meter_model: 2, timeout_ms: 2000, client_address: 32, password: '12345678', use_time: 1 },
    { name: 'EPQS', device_alias: 'epqs', protocol: 'Elgama', device: 'PORT5', baudrate: 9600, id: 45678903, meter_model: 1, timeout_ms: 3000, use_time: 1 },
  ],
  signals: [
    { signal_name: 'Import', device_alias: 'hdlc', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
    { signal_name: 'Voltage', device_alias: 'hdlc', signal_alias: 'u1', obis_job: '1.0.32.7.0.255:2', number_type: 'FLOAT' },
    { signal_name: 'Serial', device_alias: 'hdlc', signal_alias: 'sn', obis_job: '0.0.96.1.0.255', number_type: 'STRING' },
    { signal_name: 'Missing', device_alias: 'hdlc', signal_alias: 'missing', obis_job: '1.0.99.99.99.255' },
    { signal_name: 'Import', device_alias: 'tcp', signal_alias: 'ai', obis_job: '1-0:1.8.0*255' },
    { signal_name: 'Import', device_alias: 'modee', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
    { signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
    { signal_name: 'Absent', device_alias: 'iec', signal_alias: 'nope', tag_job_todo: '99.99.99', number_type: 'FLOAT' },
    { signal_name: 'Import', device_alias: 'gama', signal_alias: 'ai', job_todo: '1.0.1.8.0.255', tag_job_todo: '2', number_type: 'DOUBLE' },
    { signal_name: 'Import', device_alias: 'epqs', signal_alias: 'ai', job_todo: '1.8.0', number_type: 'FLOAT' },
  ],
};

/** A memory wire per device with the right simulator on the meter end. */
function simulatedPorts(clock: VirtualClock) {
  const model = () => createDemoDlmsModel({ epochMs: EPOCH });
  return async (device: DeviceConfig): Promise<Link> => {
    switch (device.device_alias) {
      case 'hdlc': {
        const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
        new SimDlmsMeter(clock, { referencing: 'LN', model: model() }).serveHdlc(pair.meter, { address: serverAddress({ logical: 1, physical: 17, size: 2 }) });
        return pair.client;
      }
      case 'tcp': {
        const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 3 });
        new SimDlmsMeter(clock, { referencing: 'LN', model: model(), lowPassword: 'secret12' }).serveWrapper(pair.meter);
        return pair.client;
      }
      case 'modee': {
        const pair = createSerialPair(clock, { line: LINE_300_7E1 });
        const dlms = new SimDlmsMeter(clock, { referencing: 'LN', model: model() });
        const iec = new VirtualIecMeter({
          ...landisLikeModeC(),
          address: undefined,
          onModeE: async (link, c, signal) => {
            await dlms.serveHdlc(link, { address: serverAddress({ logical: 0, physical: 1, size: 1 }) }, signal).done;
          },
        });
        void iec.serve(pair.meter, clock);
        return pair.client;
      }
      case 'iec':
      case 'epqs': {
        const pair = createSerialPair(clock, { line: LINE_300_7E1 });
        void new VirtualIecMeter(landisLikeModeC()).serve(pair.meter, clock);
        return pair.client;
      }
      case 'gama': {
        const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
        new SimDlmsMeter(clock, { referencing: 'SN', model: createDemoDlmsModel({ epochMs: EPOCH, clockOffsetMs: -90_000 }), lowPassword: '12345678' }).serveHdlc(pair.meter, {
          address: serverAddressFromSerial('02141421'),
          uaParameters: false,
        });
        return pair.client;
      }
      default:
        throw new Error(`no simulator for ${device.device_alias}`);
    }
  };
}

describe('engine + protocol drivers against the simulators (virtual time)', () => {
  it('reads every configured signal of every kind of device once', async () => {
    const checked = validateConfig(config);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
    const events: EngineEvent[] = [];
    const engine = new Engine({
      config: checked.config,
      clock,
      openLink: simulatedPorts(clock),
      createDriver,
      onEvent: (e) => events.push(e),
    });
    const readings = await clock.run(() => engine.readOnce());
    await clock.run(() => engine.stop());
    const by = (d: string, s: string) => readings.find((r) => r.device_alias === d && r.signal_alias === s)!;
    expect(by('hdlc', 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(by('hdlc', 'u1').value).toBeGreaterThan(220);
    expect(by('hdlc', 'sn')).toMatchObject({ quality: 'good', value: '12345678' });
    expect(by('hdlc', 'missing')).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' });
    expect(by('tcp', 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(by('modee', 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(by('iec', 'ai')).toMatchObject({ quality: 'good', value: 147238.4, unit: 'kWh' });
    expect(by('iec', 'nope')).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' });
    expect(by('gama', 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(by('epqs', 'ai')).toMatchObject({ quality: 'good', value: 147238.4 });
    // use_time 1: the meter's clock, not the system's. The EPQS prints 0.9.2(260115) 0.9.1(143512);
    // the GAMA's clock runs 90 s behind and was read after the values.
    expect(by('epqs', 'ai').ts).toBe(Date.UTC(2026, 0, 15, 14, 35, 12));
    const gamaTs = by('gama', 'ai').ts;
    expect(Math.abs(gamaTs - (by('hdlc', 'ai').ts - 90_000))).toBeLessThan(60_000);
    expect(gamaTs % 10).toBe(0);
    expect(readings.length).toBe(config.signals.length);
  });
});
