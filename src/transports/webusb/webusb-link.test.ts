/**
 * The WebUSB Link's contract over the fake chips: bytes both ways at the programmed line, a wrong line
 * really garbles, a STALLed request is a typed error, and an unplug mid-read is PORT_LOST without a hang.
 */
import { describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { LINE_300_7E1, LINE_9600_8N1, type LineSettings } from '../../core/link';
import type { MemoryLink } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { createFakeUsbSerial, FakeUsb } from './fakes';
import { FAKE_VARIANTS } from './fakes';
import { KNOWN_USB_SERIALS, identifyChip, usbFilters, type UsbSerialChip } from './known-devices';
import { openWebUsbLink } from './webusb-link';

const CHIPS: UsbSerialChip[] = ['ftdi', 'cp210x', 'ch34x', 'pl2303', 'cdc-acm'];
const TEXT = new TextEncoder().encode('/LGZ4ZMD4104407.B32\r\n'.repeat(8)); // 168 bytes: several packets

/** A far end that answers every byte run with TEXT, at its own line. */
function talker(line: LineSettings) {
  return (meter: MemoryLink) => {
    meter.line = { ...line };
    void (async () => {
      for (;;) {
        const got = await meter.read(60_000).catch(() => undefined);
        if (!got) return;
        if (got.length > 0) await meter.write(TEXT).catch(() => undefined);
      }
    })();
  };
}

async function collect(link: { read(ms: number): Promise<Uint8Array> }, n: number, quietMs = 500): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const b = await link.read(quietMs);
    if (b.length === 0) break;
    out.push(...b);
  }
  return out;
}

describe('WebUSB link over the fake chips', () => {
  for (const chip of CHIPS) {
    for (const variant of FAKE_VARIANTS[chip]) {
      it(`${chip} ${variant}: bytes pass both ways at the programmed line (7E1 and 8N1)`, async () => {
        for (const line of [LINE_300_7E1, LINE_9600_8N1]) {
          const clock = new VirtualClock();
          const device = createFakeUsbSerial(chip, talker(line), { clock, variant });
          if (variant === 'v27' && line.dataBits === 7) {
            // Before version 0x30 the reference programs no frame format: refused, not silently 8N1.
            await expect(clock.run(openWebUsbLink(device, line, { clock }))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
            continue;
          }
          const link = await clock.run(openWebUsbLink(device, line, { clock }));
          await clock.run(link.write(Uint8Array.of(0x2f)));
          const got = await clock.run(collect(link, TEXT.length, 2000));
          expect(String.fromCharCode(...got)).toBe(new TextDecoder().decode(TEXT));
          await clock.run(link.close());
        }
      });
    }
  }

  for (const chip of CHIPS) {
    it(`${chip}: an optical head powered from DTR stays silent until the driver raises DTR`, async () => {
      const clock = new VirtualClock();
      const device = createFakeUsbSerial(chip, talker(LINE_9600_8N1), { clock, poweredBy: ['dtr'] });
      const link = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock, dtr: false, rts: true }));
      await clock.run(link.write(Uint8Array.of(0x2f)));
      expect(await clock.run(collect(link, TEXT.length, 1000))).toEqual([]);
      await clock.run(link.setSignals({ dtr: true, rts: true }));
      await clock.run(link.write(Uint8Array.of(0x2f)));
      expect((await clock.run(collect(link, TEXT.length, 1000))).length).toBe(TEXT.length);
      await clock.run(link.close());
    });
  }

  it('a halted bulk-in endpoint is cleared and the bytes the chip holds still arrive', async () => {
    const clock = new VirtualClock();
    const device = createFakeUsbSerial('ftdi', talker(LINE_9600_8N1), { clock });
    const link = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock }));
    device.haltBulkIn();
    await clock.run(link.write(Uint8Array.of(0x2f)));
    const got = await clock.run(collect(link, TEXT.length, 1000));
    expect(String.fromCharCode(...got)).toBe(new TextDecoder().decode(TEXT));
    expect(device.clearHalts).toBeGreaterThan(0);
    await clock.run(link.close());
  });

  it('a line the chip was not told about garbles: the fakes run at what was programmed', async () => {
    for (const chip of CHIPS) {
      const clock = new VirtualClock();
      // The meter talks 300 7E1; the link asks the chip for 9600 8N1.
      const device = createFakeUsbSerial(chip, talker(LINE_300_7E1), { clock });
      const link = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock }));
      await clock.run(link.write(Uint8Array.of(0x2f)));
      const got = await clock.run(collect(link, TEXT.length, 2000));
      expect(String.fromCharCode(...got), chip).not.toBe(new TextDecoder().decode(TEXT));
      await clock.run(link.close());
    }
  });

  it('an interface another driver holds is a typed PORT_LOST that says so, and leaves the device closed for a retry', async () => {
    for (const chip of CHIPS) {
      const clock = new VirtualClock();
      const device = createFakeUsbSerial(chip, () => undefined, { clock, busyInterfaces: [0, 1] });
      const err = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock })).catch((e: unknown) => e);
      expect(err, chip).toBeInstanceOf(MeterError);
      expect((err as MeterError).code).toBe('PORT_LOST');
      expect((err as MeterError).message).toMatch(/claiming interface/);
      expect(device.opened).toBe(false);
    }
  });

  it('a request the chip STALLs is a typed PROTOCOL error (an FTDI driver forced onto a CP210x)', async () => {
    const clock = new VirtualClock();
    const device = createFakeUsbSerial('cp210x', () => undefined, { clock });
    const err = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock, chip: 'ftdi' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('PROTOCOL');
  });

  it('an unknown device is UNSUPPORTED, a CDC device with an unknown VID/PID is found by class', () => {
    const clock = new VirtualClock();
    const cdc = createFakeUsbSerial('cdc-acm', () => undefined, { clock });
    expect(identifyChip(cdc)).toBe('cdc-acm');
    expect(identifyChip({ vendorId: 0x1234, productId: 0x5678, configuration: null })).toBeUndefined();
    for (const k of KNOWN_USB_SERIALS) expect(identifyChip({ vendorId: k.vendorId, productId: k.productId })).toBe(k.chip);
    expect(usbFilters()).toContainEqual({ classCode: 2, subclassCode: 2 });
    expect(usbFilters()).toContainEqual({ vendorId: 0x0403, productId: 0x6001 });
  });

  for (const chip of CHIPS) {
    it(`${chip}: unplug mid-read fails the read with PORT_LOST, calls onLost once, and close does not hang`, async () => {
      const clock = new VirtualClock();
      const usb = new FakeUsb();
      const device = usb.plug(createFakeUsbSerial(chip, talker(LINE_300_7E1), { clock }));
      const link = await clock.run(openWebUsbLink(device, LINE_300_7E1, { clock, usb }));
      const lost: string[] = [];
      link.onLost = (r) => lost.push(r);
      await clock.run(link.write(Uint8Array.of(0x2f)));
      // At 300 Bd the 168-byte answer takes 5.6 s: pull the plug 1 s into it.
      const reading = clock.run(async () => {
        const out: number[] = [];
        for (;;) out.push(...(await link.read(5000)));
      });
      const caught = reading.catch((e: unknown) => e);
      await clock.run(clock.sleep(1000));
      usb.unplug(device);
      const err = await caught;
      expect(err).toBeInstanceOf(MeterError);
      expect((err as MeterError).code).toBe('PORT_LOST');
      expect(lost).toHaveLength(1);
      await expect(clock.run(link.write(Uint8Array.of(1)))).rejects.toMatchObject({ code: 'PORT_LOST' });
      await expect(clock.run(link.setLine(LINE_9600_8N1))).rejects.toMatchObject({ code: 'PORT_LOST' });
      await clock.run(link.close());
      expect(await usb.getDevices()).toEqual([]);
    });
  }

  it('a failing bulk-in transfer alone (no disconnect event) loses the link at once, not after the read wait', async () => {
    const clock = new VirtualClock();
    const device = createFakeUsbSerial('cp210x', () => undefined, { clock });
    const link = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock }));
    const lost: number[] = [];
    link.onLost = () => lost.push(clock.now());
    const failedAt = clock.run(link.read(60_000).then(
      () => -1,
      (e: unknown) => ((e as MeterError).code === 'PORT_LOST' ? clock.now() : -2),
    ));
    await clock.run(clock.sleep(100));
    device.unplug(); // not plugged into a FakeUsb: no 'disconnect' listener is told
    expect(await failedAt).toBe(100);
    expect(lost).toEqual([100]);
    await clock.run(link.close());
  });

  it('the disconnect event alone (no failing transfer) also loses the link', async () => {
    const clock = new VirtualClock();
    const device = createFakeUsbSerial('ftdi', () => undefined, { clock });
    type L = (ev: { device: unknown }) => void;
    const listeners = new Set<L>();
    const usb = { addEventListener: (_t: 'disconnect', l: L) => listeners.add(l), removeEventListener: (_t: 'disconnect', l: L) => listeners.delete(l) };
    const link = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock, usb }));
    const lost: string[] = [];
    link.onLost = (r) => lost.push(r);
    for (const l of [...listeners]) l({ device: {} }); // another device: ignored
    expect(lost).toEqual([]);
    for (const l of [...listeners]) l({ device });
    expect(lost).toHaveLength(1);
    await expect(clock.run(link.read(100))).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(listeners.size).toBe(0);
    await clock.run(link.close());
  });
});
