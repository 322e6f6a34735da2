/**
 * IEC 62056-21 mode C (300 7E1, then the switch to 9600), DLMS mode E (IEC sign-on, then HDLC at 9600 8N1)
 * and DLMS over HDLC at 115200 8N1, run by the engine end to end under virtual time through each WebUSB
 * driver and its strict fake chip, against the simulators. The readings must equal those of the same
 * meters over the plain memory wire.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config';
import type { Link } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import type { Reading } from '../../core/reading';
import { VirtualClock } from '../../core/virtual-clock';
import { createDriver } from '../../engine/drivers';
import { Engine } from '../../engine/engine';
import { lineOfDevice, type SerialDeviceFields } from '../webserial/device-opener';
import { createFakeUsbSerial, simulatedMeter, type FakeUsbDevice, type SimulatedUsbMeterKind } from './fakes';
import type { UsbSerialChip } from './known-devices';
import { openWebUsbLink } from './webusb-link';

const EPOCH = Date.UTC(2026, 0, 1);
const HDLC_LINE = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } as const;

const checked = validateConfig({
  devices: [
    { name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'USB-IEC', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', serialnumber: '45678903' },
    { name: 'Mode E', device_alias: 'modee', protocol: 'DLMS', device: 'USB-E', baudrate: 9600, mode: 'IEC', type: 'LN', auth: 'None', client_address: 16, physical_address: 1, logical_address: 0, address_size: 1 },
    { name: 'HDLC', device_alias: 'hdlc', protocol: 'DLMS', device: 'USB-HDLC', baudrate: 115200, databits: 8, parity: 'none', stopbits: 1, mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2 },
  ],
  signals: [
    { signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' },
    { signal_name: 'Import T1', device_alias: 'iec', signal_alias: 'ai1', tag_job_todo: '1.8.1', number_type: 'FLOAT' },
    { signal_name: 'U L1', device_alias: 'iec', signal_alias: 'u1', tag_job_todo: '32.7.0', number_type: 'FLOAT' },
    { signal_name: 'Import', device_alias: 'modee', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
    { signal_name: 'Import', device_alias: 'hdlc', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
  ],
});
if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
const config = checked.config;

const KIND: Record<string, SimulatedUsbMeterKind> = { iec: 'iec-mode-c', modee: 'dlms-mode-e', hdlc: 'dlms-hdlc' };
const meterOf = (alias: string) => (alias === 'hdlc' ? simulatedMeter('dlms-hdlc', { line: HDLC_LINE }) : simulatedMeter(KIND[alias]));

async function readAll(openLink: (d: SerialDeviceFields, clock: VirtualClock) => Promise<Link>): Promise<Reading[]> {
  const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
  const engine = new Engine({ config, clock, openLink: (d) => openLink(d as SerialDeviceFields, clock), createDriver, onEvent: () => undefined });
  const readings = await clock.run(() => engine.readOnce());
  await clock.run(() => engine.stop());
  return readings;
}

const comparable = (rs: Reading[]) =>
  rs.map((r) => ({ d: r.device_alias, s: r.signal_alias, v: r.value, u: r.unit, q: r.quality, e: r.error })).sort((a, b) => `${a.d}/${a.s}`.localeCompare(`${b.d}/${b.s}`));

let baseline: ReturnType<typeof comparable> | undefined;
async function memoryWireReadings() {
  baseline ??= comparable(
    await readAll(async (d, clock) => {
      const pair = createSerialPair(clock, { line: lineOfDevice(d) });
      meterOf(d.device_alias)(pair.meter, clock);
      return pair.client;
    }),
  );
  return baseline;
}

const CHIPS: { chip: UsbSerialChip; variant?: string; packets?: number }[] = [
  { chip: 'ftdi', variant: 'FT232R' },
  { chip: 'ftdi', variant: 'FT230X', packets: 1 },
  { chip: 'ftdi', variant: 'FT232H' },
  { chip: 'cp210x' },
  { chip: 'ch34x', variant: 'v31' },
  { chip: 'ch34x', variant: 'limited', packets: 1 },
  { chip: 'pl2303', variant: 'HX' },
  { chip: 'pl2303', variant: 'HXN' },
  { chip: 'pl2303', variant: 'HXN-GT' },
  { chip: 'cdc-acm', variant: 'zlp' },
];

describe('meter sessions over each WebUSB driver and fake chip', () => {
  it('the memory-wire baseline reads every signal good', async () => {
    const base = await memoryWireReadings();
    expect(base).toHaveLength(5);
    for (const r of base) expect(r.q).toBe('good');
    expect(base.find((r) => r.d === 'iec' && r.s === 'ai')).toMatchObject({ v: 147238.4, u: 'kWh' });
  });

  for (const c of CHIPS) {
    it(`${c.chip}${c.variant ? ` ${c.variant}` : ''}${c.packets ? ' (one packet per transfer)' : ''}: IEC mode C with baud switch, DLMS mode E, HDLC at 115200`, async () => {
      const devices = new Map<string, FakeUsbDevice>();
      const readings = await readAll(async (d, clock) => {
        const device = createFakeUsbSerial(c.chip, meterOf(d.device_alias), { clock, ...(c.variant ? { variant: c.variant } : {}), ...(c.packets ? { maxPacketsPerTransfer: c.packets } : {}) });
        devices.set(d.device_alias, device);
        return openWebUsbLink(device, lineOfDevice(d), { clock });
      });
      expect(comparable(readings)).toEqual(await memoryWireReadings());
      for (const device of devices.values()) {
        expect(device.violations).toEqual([]);
        // Only the detection probes may STALL (PL2303 HX status, CH34x break register on limited parts).
        expect(device.unexpected.filter((u) => u.value !== 0x8080 && !(u.request === 0x95 && u.value === 0x0005))).toEqual([]);
      }
      // The mode C and mode E sessions really switched the chip to 9600 after the 300 Bd sign-on.
      const lines = (alias: string) => (devices.get(alias)?.lineHistory ?? []).map((l) => `${l.baudRate} ${l.dataBits}${l.parity[0]}${l.stopBits}`);
      expect(lines('iec')).toContain('300 7e1');
      expect(lines('iec').slice(lines('iec').indexOf('300 7e1'))).toContain('9600 7e1');
      expect(lines('modee').slice(lines('modee').indexOf('300 7e1'))).toContain('9600 8n1');
      expect(lines('hdlc')).toContain('115200 8n1');
    });
  }
});

describe('unplugging a WebUSB probe mid-read', () => {
  it('the IEC read ends with typed PORT_LOST readings, not a hang and not a value', async () => {
    const iecOnly = validateConfig({
      devices: [{ name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'USB-IEC', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C', retry_counter: 1 }],
      signals: [{ signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
    });
    if (!iecOnly.ok) throw new Error(JSON.stringify(iecOnly.errors));
    const clock = new VirtualClock(EPOCH);
    const opened: FakeUsbDevice[] = [];
    const engine = new Engine({
      config: iecOnly.config,
      clock,
      openLink: async (d) => {
        const device = createFakeUsbSerial('ftdi', simulatedMeter('iec-mode-c'), { clock });
        opened.push(device);
        return openWebUsbLink(device, lineOfDevice(d as SerialDeviceFields), { clock });
      },
      createDriver,
      onEvent: () => undefined,
    });
    const readings = await clock.run(async () => {
      const pending = engine.readOnce();
      // 700 ms in: the meter is still sending its identification at 300 Bd.
      await clock.sleep(700);
      opened[0].unplug();
      return pending;
    });
    await clock.run(() => engine.stop());
    expect(readings.length).toBeGreaterThan(0);
    for (const r of readings) expect(r).toMatchObject({ quality: 'bad', error: 'PORT_LOST' });
  });
});
