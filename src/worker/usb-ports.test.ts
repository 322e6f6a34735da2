/**
 * The worker's probe path: a port name bound to a USB probe opens through Web Serial when Web Serial
 * offers the device, through WebUSB (the chip's user-space driver) when only WebUSB does; the engine then
 * reads IEC mode C (baud switch included) and DLMS mode E over each chip's fake, under virtual time.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config';
import { VirtualClock } from '../core/virtual-clock';
import { Engine } from '../engine/engine';
import { createDriver } from '../engine/drivers';
import { FakeSerial } from '../transports/webserial/fake-serial-port';
import { PortDirectory, type RememberedPort } from '../transports/webserial/port-directory';
import { SPP_SERVICE_CLASS_ID } from '../transports/webserial/serial-api';
import { simulatedPort } from '../transports/webserial/simulated-serial';
import type { UsbSerialChip } from '../transports/webusb';
import { createFakeUsbSerial, FakeUsb } from '../transports/webusb/fakes';
import { createProbeOpener, describePath, pathOf } from './usb-ports';

const EPOCH = Date.UTC(2026, 0, 1);

function memoryStore() {
  let saved: unknown;
  return { load: async () => saved, save: async (v: RememberedPort[]) => void (saved = structuredClone(v)) };
}

const CONFIG = {
  devices: [
    { name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', retry_counter: 1 },
    { name: 'Mode E', device_alias: 'modee', protocol: 'DLMS', device: 'PORT2', baudrate: 9600, mode: 'IEC', type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, address_size: 1, retry_counter: 1 },
  ],
  signals: [
    { signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
    { signal_name: 'Import', device_alias: 'modee', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
  ],
};

async function engineOver(clock: VirtualClock, directory: PortDirectory, serial: FakeSerial, usb: FakeUsb | undefined, trace: string[]) {
  const checked = validateConfig(CONFIG);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return new Engine({
    config: checked.config,
    clock,
    openLink: createProbeOpener({ directory, serial, usb, clock, log: (_p, m) => trace.push(m) }),
    createDriver,
    onEvent: () => undefined,
  });
}

describe('USB probes over WebUSB in the worker', () => {
  const chips: UsbSerialChip[] = ['ftdi', 'cp210x', 'ch34x', 'pl2303', 'cdc-acm'];
  for (const chip of chips) {
    it(`${chip}: no Web Serial port, so WebUSB; IEC mode C with its baud switch and DLMS mode E read`, async () => {
      const clock = new VirtualClock(EPOCH);
      const usb = new FakeUsb();
      const c = usb.plug(createFakeUsbSerial(chip, 'iec-mode-c', { clock }));
      const e = usb.plug(createFakeUsbSerial(chip, 'dlms-mode-e', { clock }));
      const directory = new PortDirectory(new FakeSerial(), memoryStore());
      await directory.remember('PORT1', { info: { usbVendorId: c.vendorId, usbProductId: c.productId }, index: 0 });
      await directory.remember('PORT2', { info: { usbVendorId: e.vendorId, usbProductId: e.productId }, index: 1 });
      const trace: string[] = [];
      const engine = await engineOver(clock, directory, new FakeSerial(), usb, trace);
      const t0 = clock.now();
      const readings = await clock.run(() => engine.readOnce());
      if (process.env.USB_DEBUG) console.log(chip, 'virtual ms', clock.now() - t0, trace.join(' | '));
      await clock.run(() => engine.stop());
      expect(readings.find((r) => r.device_alias === 'iec')).toMatchObject({ quality: 'good', value: 147238.4, unit: 'kWh' });
      expect(readings.find((r) => r.device_alias === 'modee')).toMatchObject({ quality: 'good', unit: 'Wh' });
      expect(trace.some((t) => t.includes('USB via WebUSB'))).toBe(true);
      // The mode C meter's adapter was really reprogrammed to 9600 after the 300-baud sign-on.
      expect(c.controlLog.length).toBeGreaterThan(0);
    });
  }

  it('Web Serial wins when it offers the same device; WebUSB stays untouched', async () => {
    const clock = new VirtualClock(EPOCH);
    const FTDI = { usbVendorId: 0x0403, usbProductId: 0x6001 };
    const serial = new FakeSerial();
    const port = serial.plug(simulatedPort(clock, { kind: 'iec-mode-c', info: FTDI }));
    const usb = new FakeUsb();
    const dev = usb.plug(createFakeUsbSerial('ftdi', 'iec-mode-c', { clock }));
    const directory = new PortDirectory(serial, memoryStore());
    await directory.remember('PORT1', { info: FTDI, index: 0 });
    const open = createProbeOpener({ directory, serial, usb, clock });
    const link = await open({ device_alias: 'iec', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1 });
    expect(port.opens).toHaveLength(1);
    expect(dev.controlLog).toHaveLength(0);
    await link.close();
    // Pulled from Web Serial's list (e.g. Android, where Web Serial has no USB): the same binding goes to WebUSB.
    port.unplug();
    const viaUsb = await open({ device_alias: 'iec', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1 });
    expect(dev.controlLog.length).toBeGreaterThan(0);
    await viaUsb.close();
    port.dispose();
  });

  it('a Bluetooth binding never goes to WebUSB; an unknown name with nothing granted is PORT_LOST', async () => {
    const clock = new VirtualClock(EPOCH);
    const usb = new FakeUsb();
    usb.plug(createFakeUsbSerial('ftdi', 'iec-mode-c', { clock }));
    usb.plug(createFakeUsbSerial('cp210x', 'iec-mode-c', { clock }));
    const serial = new FakeSerial();
    const directory = new PortDirectory(serial, memoryStore());
    await directory.remember('BT1', { info: { bluetoothServiceClassId: SPP_SERVICE_CLASS_ID }, index: 0 });
    const open = createProbeOpener({ directory, serial, usb, clock });
    const line = { device_alias: 'x', baudrate: 300, databits: 7 as const, parity: 'even' as const, stopbits: 1 as const };
    await expect(open({ ...line, device: 'BT1' })).rejects.toMatchObject({ code: 'PORT_LOST' });
    await expect(open({ ...line, device: 'PORT9' })).rejects.toMatchObject({ code: 'PORT_LOST' });
  });

  it('says which path a probe takes', () => {
    expect(pathOf({ usbVendorId: 0x0403, usbProductId: 0x6001 }, true, 'ftdi').text).toBe('USB via Web Serial');
    expect(pathOf({ usbVendorId: 0x0403, usbProductId: 0x6001 }, false, 'ftdi').text).toBe('USB via WebUSB (FTDI driver)');
    expect(pathOf({ bluetoothServiceClassId: SPP_SERVICE_CLASS_ID }, true, undefined).text).toBe('Bluetooth via Web Serial');
    expect(describePath('usb-webusb', 'cdc-acm')).toBe('USB via WebUSB (CDC-ACM driver)');
  });
});
