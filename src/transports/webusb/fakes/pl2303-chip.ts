/**
 * Fake Prolific PL2303. Facts: Linux pl2303.c (type detection by bcdUSB/bcdDevice and the HX status read,
 * the HX vendor request 0x01 vs the HXN requests 0x80/0x81, register numbers), Prolific's PL2303G
 * datasheet (HXN register set). Variants:
 * - 'HX': USB 1.1, bcdDevice 0x0300; vendor request 0x01 only (reads at register | 0x80 answer one byte);
 * - 'HXN': a PL2303GC (067b:23a3), USB 2.0, bcdDevice 0x0100; requests 0x80/0x81 only; 0x01 STALLs;
 * - 'HXN-GT': a G type reporting bcdDevice 0x0300 like a TA (067b:23c3): only the STALL of the HX status
 *   read (0x8080) tells it apart;
 * - 'TA': USB 2.0, bcdDevice 0x0300, answers the HX status read: HX register set.
 * Line coding and control lines are class / interface requests on interface 0. Powers up at 9600 8N1.
 */
import type { LineSettings } from '../../../core/link';
import type { ControlSetup } from '../chip-driver';
import { OK, stall, type ChipModel, type ControlInOutcome, type ControlOutcome, type FakeDescriptor } from './chip-model';

export type FakePl2303Variant = 'HX' | 'HXN' | 'HXN-GT' | 'TA';

export class FakePl2303Chip implements ChipModel {
  readonly bulkIn = 3;
  readonly bulkOut = 2;
  readonly packetSize = 64;
  readonly descriptor: FakeDescriptor;
  dtr = false;
  rts = false;
  private coding = Uint8Array.of(0x80, 0x25, 0, 0, 0, 0, 8); // 9600 8N1
  readonly regs = new Map<number, number>();

  constructor(readonly variant: FakePl2303Variant = 'HX') {
    const hxn = variant === 'HXN' || variant === 'HXN-GT';
    this.descriptor = {
      vendorId: 0x067b,
      productId: variant === 'HXN' ? 0x23a3 : variant === 'HXN-GT' ? 0x23c3 : 0x2303,
      productName: hxn ? 'USB-Serial Controller G' : 'USB-Serial Controller',
      bcdUsb: variant === 'HX' ? 0x0110 : 0x0200,
      bcdDevice: variant === 'HXN' ? 0x0100 : 0x0300,
      deviceClass: 0,
      interfaces: [
        {
          interfaceNumber: 0,
          interfaceClass: 0xff,
          interfaceSubclass: 0,
          interfaceProtocol: 0,
          endpoints: [
            { endpointNumber: 1, direction: 'in', type: 'interrupt', packetSize: 10 },
            { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 64 },
            { endpointNumber: 3, direction: 'in', type: 'bulk', packetSize: 64 },
          ],
        },
      ],
    };
    this.regs.set(hxn ? 0x0a : 0x00, hxn ? 0x00 : 0x40);
  }

  get name(): string {
    return `PL2303${this.variant}`;
  }

  private get hxn(): boolean {
    return this.variant === 'HXN' || this.variant === 'HXN-GT';
  }

  controlOut(s: ControlSetup, data: Uint8Array): ControlOutcome {
    if (s.requestType === 'class') {
      if (s.recipient !== 'interface' || s.index !== 0) return stall('class request not to interface 0');
      if (s.request === 0x20) {
        // SET_LINE_REQUEST: 7 bytes; stop 0/2, parity 0..4, data bits 5..8.
        if (data.length !== 7 || (data[4] !== 0 && data[4] !== 2) || data[5] > 4 || data[6] < 5 || data[6] > 8 || s.value !== 0) return stall('bad SET_LINE_REQUEST');
        this.coding = data.slice();
        return OK;
      }
      if (s.request === 0x22) {
        if (data.length || (s.value & ~3) !== 0) return stall('bad SET_CONTROL_REQUEST');
        this.dtr = (s.value & 1) !== 0;
        this.rts = (s.value & 2) !== 0;
        return OK;
      }
      if (s.request === 0x23) return OK; // BREAK
      return stall(`unknown class request 0x${s.request.toString(16)}`);
    }
    if (s.requestType !== 'vendor' || s.recipient !== 'device' || data.length) return stall('not a vendor/device request');
    const writeReq = this.hxn ? 0x80 : 0x01;
    if (s.request !== writeReq) return stall(`vendor write request 0x${s.request.toString(16)} is not this family's`);
    if (s.index > 0xff) return stall('register values are one byte');
    this.regs.set(s.value, s.index);
    return OK;
  }

  controlIn(s: ControlSetup, length: number): ControlInOutcome {
    if (s.requestType === 'class') {
      if (s.recipient === 'interface' && s.index === 0 && s.request === 0x21 && length >= 7) return { status: 'ok', data: this.coding.slice() };
      return stall('unknown class request');
    }
    if (s.requestType !== 'vendor' || s.recipient !== 'device' || length < 1) return stall('not a vendor/device read');
    if (this.hxn) {
      if (s.request !== 0x81) return stall(`vendor read request 0x${s.request.toString(16)} is not this family's (HXN reads with 0x81)`);
      return { status: 'ok', data: Uint8Array.of(this.regs.get(s.value) ?? 0) };
    }
    if (s.request !== 0x01) return stall(`vendor read request 0x${s.request.toString(16)} is not this family's (HX reads with 0x01)`);
    // HX reads address register | 0x80 (0x8484, 0x8383, 0x8080 are status/magic registers).
    if (s.value === 0x8080 || s.value === 0x8484 || s.value === 0x8383) return { status: 'ok', data: Uint8Array.of(0x02) };
    if ((s.value & 0x80) === 0) return stall('HX reads need register | 0x80');
    return { status: 'ok', data: Uint8Array.of(this.regs.get(s.value & 0x7f) ?? 0) };
  }

  uart(): LineSettings {
    const c = this.coding;
    const baud = (c[0] | (c[1] << 8) | (c[2] << 16) | (c[3] << 24)) >>> 0;
    return { baudRate: baud, dataBits: c[6] === 7 ? 7 : 8, parity: c[5] === 0 ? 'none' : c[5] === 2 ? 'even' : 'odd', stopBits: c[4] === 2 ? 2 : 1 };
  }

  bulkInFraming() {
    return { flushMs: 0, holdShortPackets: false };
  }
}
