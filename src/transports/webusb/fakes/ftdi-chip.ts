/**
 * Fake FTDI FT232R (bcdDevice 0x0600) or FT230X (FT-X, bcdDevice 0x1000). Facts: FTDI AN232B-05 (divisor),
 * AN232B-04 (latency timer, status bytes), ftdi_sio.h (request numbers and fields). The chip resets to
 * 9600 8N1 with a 16 ms latency timer; it decodes the divisor it is given (not the rate the driver meant),
 * checks the channel in wIndex (0 on FT232R; 1, or 0 for compatibility, on FT-X) and STALLs requests it
 * does not know.
 */
import type { LineSettings, Parity } from '../../../core/link';
import type { ControlSetup } from '../chip-driver';
import { ftdi232bmBaud } from '../ftdi';
import { nearStandard, OK, stall, type ChipModel, type ControlInOutcome, type ControlOutcome, type FakeDescriptor } from './chip-model';

export type FakeFtdiVariant = 'FT232R' | 'FT230X' | 'FT232H';

const PRODUCT: Record<FakeFtdiVariant, { productId: number; bcdDevice: number; name: string; packet: number }> = {
  FT232R: { productId: 0x6001, bcdDevice: 0x0600, name: 'FT232R USB UART', packet: 64 },
  FT230X: { productId: 0x6015, bcdDevice: 0x1000, name: 'FT230X Basic UART', packet: 64 },
  // High speed: 512-byte bulk packets, a 120 MHz clock (bit 17 of the divisor drops its /2.5 prescaler).
  FT232H: { productId: 0x6014, bcdDevice: 0x0900, name: 'FT232H Single HS USB-UART/FIFO IC', packet: 512 },
};

export class FakeFtdiChip implements ChipModel {
  readonly descriptor: FakeDescriptor;
  readonly bulkIn = 1;
  readonly bulkOut = 2;
  readonly packetSize: number;
  dtr = false;
  rts = false;
  latencyMs = 16;
  private divisor = 0x4138; // 9600
  private data = 0x0008; // 8N1
  private flow = 0;

  constructor(readonly variant: FakeFtdiVariant = 'FT232R') {
    const p = PRODUCT[variant];
    this.packetSize = p.packet;
    this.descriptor = {
      vendorId: 0x0403,
      productId: p.productId,
      productName: p.name,
      bcdUsb: 0x0200,
      bcdDevice: p.bcdDevice,
      deviceClass: 0,
      interfaces: [
        {
          interfaceNumber: 0,
          interfaceClass: 0xff,
          interfaceSubclass: 0xff,
          interfaceProtocol: 0xff,
          endpoints: [
            { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: p.packet },
            { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: p.packet },
          ],
        },
      ],
    };
  }

  get name(): string {
    return this.variant;
  }

  private channelOk(channel: number): boolean {
    return this.variant === 'FT232R' ? channel === 0 : channel === 0 || channel === 1;
  }

  controlOut(s: ControlSetup, data: Uint8Array): ControlOutcome {
    if (s.requestType !== 'vendor' || s.recipient !== 'device') return stall(`not a vendor/device request`);
    if (data.length > 0) return stall('FTDI requests have no data stage');
    switch (s.request) {
      case 0x00: // RESET: 0 = SIO, 1 = purge RX, 2 = purge TX
        if (s.value > 2 || !this.channelOk(s.index)) return stall('bad RESET');
        return OK;
      case 0x01: {
        // MODEM_CTRL: only lines whose write-enable bit is set change.
        if (!this.channelOk(s.index) || (s.value & 0xfcfc) !== 0) return stall('bad MODEM_CTRL');
        if (s.value & 0x0100) this.dtr = (s.value & 1) !== 0;
        if (s.value & 0x0200) this.rts = (s.value & 2) !== 0;
        return OK;
      }
      case 0x02: // SET_FLOW_CTRL: channel in the low byte, mode in the high byte
        if (!this.channelOk(s.index & 0xff)) return stall('bad SET_FLOW_CTRL channel');
        this.flow = s.index >> 8;
        return OK;
      case 0x03: {
        // SET_BAUD_RATE: divisor bit 16 in wIndex bit 0 (FT232R), or bits 16.. in the high byte with the
        // channel below (FT-X, H types).
        let high: number;
        if (this.variant !== 'FT232R') {
          if (!this.channelOk(s.index & 0xff)) return stall('bad SET_BAUD_RATE channel');
          high = (s.index >> 8) & (this.variant === 'FT232H' ? 3 : 1);
        } else {
          if ((s.index & 0xfffe) !== 0) return stall('bad SET_BAUD_RATE index');
          high = s.index & 1;
        }
        this.divisor = s.value | (high << 16);
        return OK;
      }
      case 0x04: {
        const bits = s.value & 0xff;
        const parity = (s.value >> 8) & 7;
        const stop = (s.value >> 11) & 7;
        if (!this.channelOk(s.index) || bits < 7 || bits > 8 || parity > 4 || (stop !== 0 && stop !== 2) || (s.value & 0xc000) !== 0) return stall('bad SET_DATA');
        this.data = s.value;
        return OK;
      }
      case 0x09:
        if (!this.channelOk(s.index) || s.value < 1 || s.value > 255) return stall('bad SET_LATENCY_TIMER');
        this.latencyMs = s.value;
        return OK;
      default:
        return stall(`unknown request 0x${s.request.toString(16)}`);
    }
  }

  controlIn(s: ControlSetup, length: number): ControlInOutcome {
    if (s.requestType !== 'vendor' || s.recipient !== 'device') return stall('not a vendor/device request');
    if (s.request === 0x0a && length >= 1) return { status: 'ok', data: Uint8Array.of(this.latencyMs) }; // GET_LATENCY_TIMER
    if (s.request === 0x05 && length >= 2) return { status: 'ok', data: Uint8Array.of(0x01, 0x60) }; // GET_MODEM_STATUS
    return stall(`unknown request 0x${s.request.toString(16)}`);
  }

  uart(): LineSettings {
    const parities: Parity[] = ['none', 'odd', 'even'];
    const p = (this.data >> 8) & 7;
    return {
      baudRate: nearStandard(this.baud()),
      dataBits: (this.data & 0xff) === 7 ? 7 : 8,
      // Mark and space parity have no equivalent on the memory wire: a garbled 'odd' stands in.
      parity: parities[p] ?? 'odd',
      stopBits: ((this.data >> 11) & 7) === 2 ? 2 : 1,
    };
  }

  /** With bit 17 (H types only) the divisor counts 12 MHz (120 MHz / 10); else 3 MHz. */
  private baud(): number {
    if (this.variant === 'FT232H' && this.divisor & 0x20000) return (ftdi232bmBaud(this.divisor & 0x1ffff) * 12) / 3;
    return ftdi232bmBaud(this.divisor & 0x1ffff);
  }

  /** Modem status 0x01 (its low nibble is always 1), line status 0x60 (transmitter empty). */
  bulkInFraming() {
    return { statusBytes: Uint8Array.of(0x01, 0x60), flushMs: this.latencyMs, holdShortPackets: false };
  }

  get flowControl(): number {
    return this.flow;
  }
}
