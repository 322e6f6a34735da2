/**
 * Fake WCH CH340/CH341 (1a86:7523). Facts: the WCH CH341 datasheet's register map as Linux ch341.c and
 * FreeBSD uchcom.c use it. Vendor / device requests; WRITE_REG writes two registers at once (wValue =
 * reg2 << 8 | reg1, wIndex = val2 << 8 | val1). Powers up at 9600 8N1. Quirks it keeps:
 * - versions after 0x27 hold received bytes until a 32-byte packet is full unless bit 7 of the prescaler
 *   register is set (so a driver that forgets it never sees a short answer);
 * - the 'limited' variant (CH340K-like) STALLs reading the break register, and with fact = 1 below
 *   prescaler 3 its clock runs at half speed (Linux CH341_QUIRK_LIMITED_PRESCALER);
 * - from version 0x30 the frame format comes from LCR (0x18) alone.
 */
import type { LineSettings } from '../../../core/link';
import type { ControlSetup } from '../chip-driver';
import { ch341Baud } from '../ch34x';
import { nearStandard, OK, stall, type ChipModel, type ControlInOutcome, type ControlOutcome, type FakeDescriptor } from './chip-model';

const KNOWN_REGS = new Set([0x05, 0x06, 0x07, 0x0f, 0x12, 0x13, 0x18, 0x25, 0x27, 0x2c]);

export class FakeCh34xChip implements ChipModel {
  readonly bulkIn = 2;
  readonly bulkOut = 2;
  readonly packetSize = 32;
  readonly descriptor: FakeDescriptor = {
    vendorId: 0x1a86,
    productId: 0x7523,
    productName: 'USB Serial',
    bcdUsb: 0x0110,
    bcdDevice: 0x0264,
    deviceClass: 0xff,
    interfaces: [
      {
        interfaceNumber: 0,
        interfaceClass: 0xff,
        interfaceSubclass: 1,
        interfaceProtocol: 2,
        endpoints: [
          { endpointNumber: 2, direction: 'in', type: 'bulk', packetSize: 32 },
          { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 32 },
          { endpointNumber: 1, direction: 'in', type: 'interrupt', packetSize: 8 },
        ],
      },
    ],
  };
  dtr = false;
  rts = false;
  readonly regs = new Map<number, number>([
    [0x12, 0x82], // prescaler: ps 2, fact 0, bit 7 (9600)
    [0x13, 0xb2], // divisor
    [0x18, 0xc3], // LCR: RX, TX, CS8
    [0x25, 0x00],
  ]);
  private initialised = false;

  constructor(
    readonly version = 0x31,
    readonly limitedPrescaler = false,
  ) {}

  get name(): string {
    return `CH340 v0x${this.version.toString(16)}${this.limitedPrescaler ? ' (limited prescaler)' : ''}`;
  }

  controlOut(s: ControlSetup, data: Uint8Array): ControlOutcome {
    if (s.requestType !== 'vendor' || s.recipient !== 'device' || data.length) return stall('not a vendor/device request without data');
    switch (s.request) {
      case 0xa1: // SERIAL_INIT
        this.initialised = true;
        return OK;
      case 0x9a: {
        const r1 = s.value & 0xff;
        const r2 = s.value >> 8;
        if (!KNOWN_REGS.has(r1) || !KNOWN_REGS.has(r2)) return stall(`unknown register pair 0x${s.value.toString(16)}`);
        this.regs.set(r1, s.index & 0xff);
        this.regs.set(r2, s.index >> 8);
        return OK;
      }
      case 0xa4: {
        // MODEM_CTRL: the complement of DTR (bit 5) and RTS (bit 6).
        const mcr = ~s.value & 0xff;
        this.dtr = (mcr & 0x20) !== 0;
        this.rts = (mcr & 0x40) !== 0;
        return OK;
      }
      default:
        return stall(`unknown request 0x${s.request.toString(16)}`);
    }
  }

  controlIn(s: ControlSetup, length: number): ControlInOutcome {
    if (s.requestType !== 'vendor' || s.recipient !== 'device') return stall('not a vendor/device request');
    if (s.request === 0x5f && length >= 2) return { status: 'ok', data: Uint8Array.of(this.version, 0x00) };
    if (s.request === 0x95 && length >= 2) {
      const r1 = s.value & 0xff;
      const r2 = s.value >> 8;
      if (this.limitedPrescaler && (r1 === 0x05 || r2 === 0x05)) return stall('no break register on this part');
      if (!KNOWN_REGS.has(r1) || (r2 !== 0 && !KNOWN_REGS.has(r2))) return stall('unknown register');
      return { status: 'ok', data: Uint8Array.of(this.regs.get(r1) ?? 0, this.regs.get(r2) ?? 0) };
    }
    return stall(`unknown request 0x${s.request.toString(16)}`);
  }

  uart(): LineSettings | undefined {
    const pre = this.regs.get(0x12) ?? 0;
    const div = this.regs.get(0x13) ?? 0;
    let baud = ch341Baud((div << 8) | (pre & 0x07));
    if (this.limitedPrescaler && (pre & 3) < 3 && (pre & 4) !== 0) baud /= 2;
    if (this.version < 0x30) return { baudRate: nearStandard(baud), dataBits: 8, parity: 'none', stopBits: 1 };
    const lcr = this.regs.get(0x18) ?? 0;
    // Without the RX/TX enables the UART is deaf and mute.
    if ((lcr & 0xc0) !== 0xc0) return undefined;
    const cs = lcr & 3;
    return {
      baudRate: nearStandard(baud),
      dataBits: cs === 3 ? 8 : 7,
      parity: (lcr & 0x08) === 0 ? 'none' : (lcr & 0x10) !== 0 ? 'even' : 'odd',
      stopBits: (lcr & 0x04) !== 0 ? 2 : 1,
    };
  }

  get serialInitDone(): boolean {
    return this.initialised;
  }

  bulkInFraming() {
    const pre = this.regs.get(0x12) ?? 0;
    return { flushMs: 0, holdShortPackets: this.version > 0x27 && (pre & 0x80) === 0 };
  }
}
