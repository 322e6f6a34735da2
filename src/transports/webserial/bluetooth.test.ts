/**
 * Bluetooth probes through Web Serial: a port with a service class instead of USB ids, bound and found
 * again like a USB one, and a probe whose UART cannot follow a baud switch (the fake's `fixedBaudRate`,
 * as a Bluetooth SPP probe: RFCOMM carries no line rate) read in mode C and mode E at the sign-on rate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config';
import { VirtualClock } from '../../core/virtual-clock';
import { Engine } from '../../engine/engine';
import { createDriver } from '../../engine/drivers';
import { Logger } from '../../core/logger';
import { createWebSerialOpener } from './device-opener';
import { FakeSerial, FakeSerialPort } from './fake-serial-port';
import { PortDirectory, describePort, isFixedRate, listPorts, type RememberedPort } from './port-directory';
import { normalizeServiceClassId, SPP_SERVICE_CLASS_ID } from './serial-api';
import { simulatedPort } from './simulated-serial';

const EPOCH = Date.UTC(2026, 0, 1);
const SPP = { bluetoothServiceClassId: SPP_SERVICE_CLASS_ID };
const CUSTOM = '6e400001-b5a3-f393-e0a9-e50e24dcca9e';

function memoryStore() {
  let saved: unknown;
  return { load: async () => saved, save: async (v: RememberedPort[]) => void (saved = structuredClone(v)) };
}

const iecDevice = { name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'BT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', retry_counter: 1 };
const modeEDevice = { name: 'Mode E', device_alias: 'modee', protocol: 'DLMS', device: 'BT2', baudrate: 9600, mode: 'IEC', type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, address_size: 1, retry_counter: 1 };

async function readOver(kinds: ('iec-mode-c' | 'dlms-mode-e')[], mark?: boolean) {
  const checked = validateConfig({
    devices: kinds.map((k) => (k === 'iec-mode-c' ? iecDevice : modeEDevice)),
    signals: kinds.map((k) =>
      k === 'iec-mode-c'
        ? { signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' }
        : { signal_name: 'Import', device_alias: 'modee', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
    ),
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const clock = new VirtualClock(EPOCH);
  const serial = new FakeSerial();
  const directory = new PortDirectory(serial, memoryStore());
  const ports: FakeSerialPort[] = [];
  for (const [i, kind] of kinds.entries()) {
    ports.push(serial.plug(simulatedPort(clock, { kind, info: SPP, fixedBaudRate: 300 })));
    const name = kind === 'iec-mode-c' ? 'BT1' : 'BT2';
    await directory.remember(name, { info: SPP, index: i });
    if (mark !== undefined) await directory.setFixedRate(name, mark);
  }
  const trace: string[] = [];
  const logger = new Logger(process.env.BT_DEBUG ? 7 : 4);
  logger.addSink((line) => void trace.push(line.message));
  const engine = new Engine({
    logger,
    config: checked.config,
    clock,
    openLink: createWebSerialOpener({ directory, clock, log: (_p, m) => trace.push(m) }),
    createDriver,
    onEvent: () => undefined,
  });
  const readings = await clock.run(() => engine.readOnce());
  await clock.run(() => engine.stop());
  for (const p of ports) p.dispose();
  if (process.env.BT_DEBUG) console.log(trace.join('\n'));
  return { readings, ports, trace };
}

describe('Bluetooth probes through Web Serial', () => {
  it('a Bluetooth port is named as such, keyed by its service, bound and found again', async () => {
    const clock = new VirtualClock(EPOCH);
    const serial = new FakeSerial();
    serial.plug(new FakeSerialPort({ clock, info: SPP }));
    serial.plug(new FakeSerialPort({ clock, info: { bluetoothServiceClassId: CUSTOM } }));
    const listed = await listPorts(serial);
    expect(listed.map((p) => p.label)).toEqual(['Bluetooth serial port (SPP)', `Bluetooth serial port (service ${CUSTOM})`]);
    expect(listed[0]!.key).toBe(`bt-${SPP_SERVICE_CLASS_ID}#0`);
    const store = memoryStore();
    await new PortDirectory(serial, store).remember('BT1', { info: { bluetoothServiceClassId: CUSTOM.toUpperCase() }, index: 0 });
    // The next visit: a new directory over the same store finds the port, whatever case the id was in.
    const again = new PortDirectory(serial, store);
    expect(await again.resolve('BT1')).toBe((await serial.getPorts())[1]);
    expect((await again.offered()).remembered[0]).toMatchObject({ name: 'BT1', available: true });
    // Fixed rate by default for Bluetooth, not for USB; the user's mark wins.
    expect(isFixedRate((await again.binding('BT1'))!)).toBe(true);
    await again.setFixedRate('BT1', false);
    expect(isFixedRate((await new PortDirectory(serial, store).binding('BT1'))!)).toBe(false);
    expect(isFixedRate({ info: { usbVendorId: 0x0403, usbProductId: 0x6001 } })).toBe(false);
    expect(describePort({ usbVendorId: 0x0403, usbProductId: 0x6001 })).toContain('FTDI');
  });

  it('the chooser offers a custom-service probe only when its service is allowed (as Chromium)', async () => {
    const clock = new VirtualClock(EPOCH);
    const serial = new FakeSerial();
    const custom = serial.plug(new FakeSerialPort({ clock, info: { bluetoothServiceClassId: CUSTOM } }), false);
    await expect(serial.requestPort()).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(serial.requestPort({ allowedBluetoothServiceClassIds: [SPP_SERVICE_CLASS_ID, CUSTOM] })).resolves.toBe(custom);
    await expect(serial.requestPort({ filters: [{ bluetoothServiceClassId: SPP_SERVICE_CLASS_ID }], allowedBluetoothServiceClassIds: [CUSTOM] })).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('mode C over a probe that cannot switch reads at 300 baud and says so', async () => {
    const { readings, ports, trace } = await readOver(['iec-mode-c']);
    expect(readings[0]).toMatchObject({ quality: 'good', value: 147238.4, unit: 'kWh' });
    expect(ports[0]!.opens.every((o) => o.baudRate === 300)).toBe(true);
    expect(trace.some((t) => /fixed rate/.test(t))).toBe(true);
  });

  it('the same probe marked as one that switches fails: the simulator keeps its UART at 300', async () => {
    const { readings } = await readOver(['iec-mode-c'], false);
    expect(readings[0]?.quality).toBe('bad');
  });

  it('mode E over a fixed-rate Bluetooth probe: sign-on and HDLC at 300 baud', async () => {
    const { readings, ports } = await readOver(['dlms-mode-e']);
    expect(readings[0]).toMatchObject({ quality: 'good', unit: 'Wh' });
    // Opened at the configured 9600 8N1, then 300 7E1 for the sign-on, and HDLC stays at 300 (8N1).
    const afterSignOn = ports[0]!.opens.slice(ports[0]!.opens.findIndex((o) => o.baudRate === 300));
    expect(afterSignOn.length).toBeGreaterThanOrEqual(2);
    expect(afterSignOn.every((o) => o.baudRate === 300)).toBe(true);
    expect(afterSignOn.at(-1)).toMatchObject({ dataBits: 8, parity: 'none' });
  });
});

describe('normalizeServiceClassId', () => {
  it('every spelling of a 16- or 32-bit id gives the same full UUID; a full UUID is kept, lower-cased', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (n) => {
        const hex = n.toString(16).padStart(4, '0');
        const full = normalizeServiceClassId(n);
        expect(full).toMatch(/^[0-9a-f]{8}-0000-1000-8000-00805f9b34fb$/);
        expect(normalizeServiceClassId(hex)).toBe(full);
        expect(normalizeServiceClassId(`0x${hex.toUpperCase()}`)).toBe(full);
        expect(normalizeServiceClassId(` ${hex.padStart(8, '0')} `)).toBe(full);
        expect(normalizeServiceClassId(full!.toUpperCase())).toBe(full);
      }),
    );
    expect(normalizeServiceClassId('1101')).toBe(SPP_SERVICE_CLASS_ID);
  });

  it('anything else is refused, never thrown', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = normalizeServiceClassId(s);
        if (r !== undefined) expect(r).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }),
    );
    for (const bad of ['', '110', '0x', 'spp', '12345', '6e400001-b5a3-f393-e0a9', 'zzzz', '-1']) expect(normalizeServiceClassId(bad)).toBeUndefined();
    expect(normalizeServiceClassId(-1)).toBeUndefined();
    expect(normalizeServiceClassId(1.5)).toBeUndefined();
  });
});
