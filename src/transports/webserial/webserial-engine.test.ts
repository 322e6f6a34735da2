/**
 * The whole stack over Web Serial: engine -> protocol drivers -> WebSerialLink -> fake SerialPort ->
 * memory wire -> simulators. Port names from the configuration are mapped to devices through the
 * PortDirectory, as the worker does.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { validateConfig } from '../../config';
import { Engine } from '../../engine/engine';
import { createDriver } from '../../engine/drivers';
import type { EngineEvent } from '../../engine/types';
import { FakeSerial, type FakeSerialPort } from './fake-serial-port';
import { simulatedPort } from './simulated-serial';
import { PortDirectory, type RememberedPort } from './port-directory';
import { createWebSerialOpener } from './device-opener';

const EPOCH = Date.UTC(2026, 0, 1);
const FTDI = { usbVendorId: 0x0403, usbProductId: 0x6001 };
const CP2102 = { usbVendorId: 0x10c4, usbProductId: 0xea60 };
const CH340 = { usbVendorId: 0x1a86, usbProductId: 0x7523 };

const iecPort = (clock: VirtualClock) => simulatedPort(clock, { kind: 'iec-mode-c', info: FTDI, poweredBy: ['dtr'] });
const hdlcPort = (clock: VirtualClock) => simulatedPort(clock, { kind: 'dlms-hdlc', info: CP2102 });
const modeEPort = (clock: VirtualClock) => simulatedPort(clock, { kind: 'dlms-mode-e', info: CH340 });

function memoryStore() {
  let saved: unknown;
  return { load: async () => saved, save: async (v: RememberedPort[]) => void (saved = structuredClone(v)) };
}

describe('engine over Web Serial (fake ports backed by the simulators)', () => {
  it('reads an IEC mode C meter (300 7E1, then a reopen at the agreed rate), an HDLC meter and a mode E meter at once', async () => {
    const checked = validateConfig({
      devices: [
        { name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', serialnumber: '45678903' },
        { name: 'HDLC', device_alias: 'hdlc', protocol: 'DLMS', device: 'PORT2', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2 },
        { name: 'Mode E', device_alias: 'modee', protocol: 'DLMS', device: 'PORT3', baudrate: 9600, mode: 'IEC', type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, address_size: 1 },
      ],
      signals: [
        { signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
        { signal_name: 'Import', device_alias: 'hdlc', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
        { signal_name: 'Import', device_alias: 'modee', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
      ],
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
    const serial = new FakeSerial();
    const ports = [serial.plug(iecPort(clock)), serial.plug(hdlcPort(clock)), serial.plug(modeEPort(clock))];
    const directory = new PortDirectory(serial, memoryStore());
    await directory.remember('PORT1', { info: FTDI, index: 0 });
    await directory.remember('PORT2', { info: CP2102, index: 0 });
    await directory.remember('PORT3', { info: CH340, index: 0 });
    const engine = new Engine({
      config: checked.config,
      clock,
      openLink: createWebSerialOpener({ directory, clock }),
      createDriver,
      onEvent: () => undefined,
    });
    const readings = await clock.run(() => engine.readOnce());
    await clock.run(() => engine.stop());
    const by = (d: string) => readings.find((r) => r.device_alias === d);
    expect(by('iec')).toMatchObject({ quality: 'good', value: 147238.4, unit: 'kWh' });
    expect(by('hdlc')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(by('modee')).toMatchObject({ quality: 'good', unit: 'Wh' });
    // The IEC meter's port was reopened for the baud switch; the HDLC port was opened once at 9600 8N1.
    expect(ports[0].opens[0]).toMatchObject({ baudRate: 300, dataBits: 7, parity: 'even' });
    expect(ports[0].opens.length).toBeGreaterThanOrEqual(2);
    expect(ports[0].opens.some((o) => o.baudRate > 300)).toBe(true);
    expect(ports[1].opens.map((o) => o.baudRate)).toEqual([9600]);
    expect(ports[2].opens.some((o) => o.baudRate === 9600 && o.dataBits === 8 && o.parity === 'none')).toBe(true);
    // A probe powered from DTR got it.
    expect(ports[0].signals.dataTerminalReady).toBe(true);
    for (const p of ports) expect(p.opened).toBe(false);
    for (const p of ports) p.dispose();
  });

  it('an unplugged probe puts the device in link-lost; after replugging it reconnects within reconnect_time', async () => {
    const checked = validateConfig({
      devices: [{ name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', scan_rate_ms: 10_000, reconnect_time: 3000, retry_counter: 1 }],
      signals: [{ signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
    const serial = new FakeSerial();
    const first = serial.plug(iecPort(clock));
    const directory = new PortDirectory(serial, memoryStore());
    await directory.remember('PORT1', { info: FTDI, index: 0 });
    const events: { t: number; e: EngineEvent }[] = [];
    const engine = new Engine({
      config: checked.config,
      clock,
      openLink: createWebSerialOpener({ directory, clock }),
      createDriver,
      onEvent: (e) => events.push({ t: clock.now(), e }),
    });
    let second: FakeSerialPort | undefined;
    await clock.run(async () => {
      engine.start();
      await clock.sleep(12_000); // two polls
      first.unplug();
      await clock.sleep(20_000); // several failed reconnect attempts: no port
      second = serial.plug(iecPort(clock));
      await clock.sleep(15_000);
      await engine.stop();
    });
    const states = events.flatMap(({ e }) => (e.type === 'status' ? [e.state] : []));
    expect(states).toContain('link-lost');
    const logs = events.flatMap(({ t, e }) => (e.type === 'event' ? [{ t, kind: e.event.kind }] : []));
    const replugAt = 32_000;
    const reconnected = logs.find((l) => l.kind === 'reconnected');
    expect(reconnected).toBeDefined();
    expect(reconnected!.t).toBeGreaterThan(replugAt);
    expect(reconnected!.t).toBeLessThan(replugAt + 3000 + 10_000);
    const good = events.filter(({ e }) => e.type === 'value' && e.reading.quality === 'good');
    expect(good.some(({ t }) => t > replugAt)).toBe(true);
    expect(second!.opened).toBe(false);
    second!.dispose();
  });
});
