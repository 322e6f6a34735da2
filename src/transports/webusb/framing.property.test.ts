/**
 * Property tests of the decoders: FTDI status stripping under any packetisation (also end to end through
 * the fake chip and the Link), the divisor encoders against the chips' rate equations, and the fake chips'
 * control decoders (any request is handled or STALLed, never thrown, never half-understood).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINE_9600_8N1 } from '../../core/link';
import type { MemoryLink } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { ch341Baud, ch341Divisor } from './ch34x';
import { createChipModel, createFakeUsbSerial, FAKE_VARIANTS } from './fakes';
import { ftdi232bmBaud, ftdi232bmDivisor, stripFtdiStatus } from './ftdi';
import { identifyChip, KNOWN_USB_SERIALS, type UsbSerialChip } from './known-devices';
import { openWebUsbLink } from './webusb-link';

const STATUS = [0x01, 0x60];

/** Frame `data` as an FTDI chip would: packets of 2 status bytes + up to size-2 data; transfers end at a short packet. */
function frame(data: number[], cuts: number[], size: number, packetsPerTransfer: number[]): Uint8Array[] {
  const per = size - 2;
  const packets: number[][] = [];
  let at = 0;
  for (const c of cuts) {
    if (at >= data.length) break;
    const n = Math.min(c % (per + 1), data.length - at);
    packets.push([...STATUS, ...data.slice(at, at + n)]);
    at += n;
  }
  while (at < data.length) {
    const n = Math.min(per, data.length - at);
    packets.push([...STATUS, ...data.slice(at, at + n)]);
    at += n;
  }
  const transfers: Uint8Array[] = [];
  let cur: number[] = [];
  let k = 0;
  let count = 0;
  for (const p of packets) {
    cur.push(...p);
    count++;
    const limit = packetsPerTransfer[k % packetsPerTransfer.length] ?? 1;
    if (p.length < size || count >= limit) {
      transfers.push(Uint8Array.from(cur));
      cur = [];
      count = 0;
      k++;
    }
  }
  if (cur.length) transfers.push(Uint8Array.from(cur));
  return transfers;
}

describe('FTDI status stripping', () => {
  it('any packetisation (short, status-only and full packets, any transfer size) yields the same byte stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 600 }),
        fc.array(fc.nat(700), { maxLength: 40 }),
        fc.constantFrom(8, 16, 64, 512),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }),
        (data, cuts, size, ppt) => {
          const transfers = frame(data, cuts, size, ppt);
          const out: number[] = [];
          for (const t of transfers) out.push(...stripFtdiStatus(t, size));
          expect(out).toEqual(data);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a transfer of status bytes only, or shorter, carries no data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), (n) => {
        expect(stripFtdiStatus(Uint8Array.from(STATUS.slice(0, n)), 64)).toHaveLength(0);
      }),
    );
  });

  it('through the fake chips and the Link: any packets-per-transfer and any data arrive intact', async () => {
    const chips: UsbSerialChip[] = ['ftdi', 'cp210x', 'ch34x', 'pl2303', 'cdc-acm'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...chips),
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 8 }),
        async (chip, data, packets) => {
          const clock = new VirtualClock();
          const send = (meter: MemoryLink) => {
            void clock.sleep(50).then(() => meter.write(data));
          };
          const device = createFakeUsbSerial(chip, send, { clock, maxPacketsPerTransfer: packets });
          const link = await clock.run(openWebUsbLink(device, LINE_9600_8N1, { clock }));
          const got: number[] = [];
          await clock.run(async () => {
            while (got.length < data.length) {
              const b = await link.read(1000);
              if (b.length === 0) break;
              got.push(...b);
            }
          });
          expect(Uint8Array.from(got)).toEqual(data);
          await clock.run(link.close());
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('divisor encoders against the rate equations', () => {
  it('CH34x: the programmed rate is within 1 % of any rate from 300 to 230400 Bd (2 % with the limited prescaler)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 230_400 }), fc.boolean(), (baud, limited) => {
        const reg = ch341Divisor(baud, limited);
        expect(reg & ~0xfff7).toBe(0); // bits 3..7 of the prescaler byte stay clear (bit 7 is the driver's)
        if (limited && (reg & 3) < 3) expect(reg & 4).toBe(0);
        expect(Math.abs(ch341Baud(reg) - baud) / baud).toBeLessThan(limited ? 0.02 : 0.01);
      }),
      { numRuns: 500 },
    );
  });

  it('FTDI BM/R/X: the programmed rate is within 1 % of any rate from 184 to 230400 Bd, in 17 bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 184, max: 230_400 }), (baud) => {
        const d = ftdi232bmDivisor(baud);
        expect(d >>> 17).toBe(0);
        expect(Math.abs(ftdi232bmBaud(d) - baud) / baud).toBeLessThan(0.01);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fake chips decode control requests strictly', () => {
  const setup = fc.record({
    requestType: fc.constantFrom<USBRequestType>('standard', 'class', 'vendor'),
    recipient: fc.constantFrom<USBRecipient>('device', 'interface', 'endpoint', 'other'),
    request: fc.integer({ min: 0, max: 255 }),
    value: fc.integer({ min: 0, max: 0xffff }),
    index: fc.integer({ min: 0, max: 0xffff }),
  });
  const models = (Object.keys(FAKE_VARIANTS) as UsbSerialChip[]).flatMap((chip) => FAKE_VARIANTS[chip].map((v) => [chip, v] as const));

  it('any request is either taken (leaving a line the memory wire can run) or STALLed, never thrown', () => {
    fc.assert(
      fc.property(fc.constantFrom(...models), fc.array(fc.tuple(setup, fc.uint8Array({ maxLength: 20 }), fc.boolean()), { maxLength: 30 }), ([chip, variant], requests) => {
        const model = createChipModel(chip, variant);
        for (const [s, data, isIn] of requests) {
          const r = isIn ? model.controlIn(s, data.length) : model.controlOut(s, data);
          expect(['ok', 'stall']).toContain(r.status);
          const line = model.uart();
          if (line) {
            expect([7, 8]).toContain(line.dataBits);
            expect(['none', 'odd', 'even']).toContain(line.parity);
            expect(Number.isFinite(line.baudRate)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('identifyChip', () => {
  it('a known VID/PID wins; otherwise CDC-ACM exactly when a class 2/2 or class 10 interface is there', () => {
    const alt = fc.record({ interfaceClass: fc.constantFrom(0, 2, 3, 8, 10, 0xff), interfaceSubclass: fc.constantFrom(0, 1, 2, 6), interfaceProtocol: fc.nat(3) });
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...KNOWN_USB_SERIALS.map((k) => [k.vendorId, k.productId] as const)), fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }))),
        fc.array(alt, { maxLength: 4 }),
        ([vendorId, productId], alts) => {
        const interfaces = alts.map((a, i) => {
          const alternate = { alternateSetting: 0, interfaceName: null, endpoints: [], ...a };
          return { interfaceNumber: i, alternate, alternates: [alternate], claimed: false };
        });
        const configuration = { configurationValue: 1, configurationName: null, interfaces } as unknown as USBConfiguration;
        const known = KNOWN_USB_SERIALS.find((k) => k.vendorId === vendorId && k.productId === productId);
        const cdc = alts.some((a) => (a.interfaceClass === 2 && a.interfaceSubclass === 2) || a.interfaceClass === 10);
        expect(identifyChip({ vendorId, productId, configuration })).toBe(known ? known.chip : cdc ? 'cdc-acm' : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });
});
