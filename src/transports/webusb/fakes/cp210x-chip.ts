/**
 * Fake Silicon Labs CP2102 (10c4:ea60). Facts: AN571 (request codes, SET_LINE_CTL and SET_MHS fields,
 * "the UART must be enabled with IFC_ENABLE before any other request takes effect"). Vendor / interface
 * requests with wIndex = interface 0; it STALLs requests it does not know and, like the part, passes no
 * data while the interface is disabled. Powers up at 9600 8N1, disabled.
 */
import type { LineSettings } from '../../../core/link';
import type { ControlSetup } from '../chip-driver';
import { OK, stall, type ChipModel, type ControlInOutcome, type ControlOutcome, type FakeDescriptor } from './chip-model';

export class FakeCp210xChip implements ChipModel {
  readonly name = 'CP2102';
  readonly bulkIn = 1;
  readonly bulkOut = 1;
  readonly packetSize = 64;
  readonly descriptor: FakeDescriptor = {
    vendorId: 0x10c4,
    productId: 0xea60,
    productName: 'CP2102 USB to UART Bridge Controller',
    bcdUsb: 0x0110,
    bcdDevice: 0x0100,
    deviceClass: 0,
    interfaces: [
      {
        interfaceNumber: 0,
        interfaceClass: 0xff,
        interfaceSubclass: 0,
        interfaceProtocol: 0,
        endpoints: [
          { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: 64 },
          { endpointNumber: 1, direction: 'out', type: 'bulk', packetSize: 64 },
        ],
      },
    ],
  };
  dtr = false;
  rts = false;
  enabled = false;
  private baud = 9600;
  private lineCtl = 0x0800;

  controlOut(s: ControlSetup, data: Uint8Array): ControlOutcome {
    if (s.requestType !== 'vendor' || s.recipient !== 'interface' || s.index !== 0) return stall('not a vendor/interface request to interface 0');
    switch (s.request) {
      case 0x00: // IFC_ENABLE
        if (s.value > 1 || data.length) return stall('bad IFC_ENABLE');
        this.enabled = s.value === 1;
        return OK;
      case 0x03: {
        // SET_LINE_CTL: stop bits 0 (1) or 2 (2); parity 0..4; data bits 5..8.
        const stop = s.value & 0xf;
        const parity = (s.value >> 4) & 0xf;
        const bits = s.value >> 8;
        if (data.length || (stop !== 0 && stop !== 2) || parity > 4 || bits < 5 || bits > 8) return stall('bad SET_LINE_CTL');
        this.lineCtl = s.value;
        return OK;
      }
      case 0x07: // SET_MHS: lines change only where the write-enable bit (8, 9) is set
        if (data.length || (s.value & 0xfcfc) !== 0) return stall('bad SET_MHS');
        if (s.value & 0x0100) this.dtr = (s.value & 1) !== 0;
        if (s.value & 0x0200) this.rts = (s.value & 2) !== 0;
        return OK;
      case 0x1e: // SET_BAUDRATE: 4-byte little-endian rate in the data stage
        if (s.value !== 0 || data.length !== 4) return stall('bad SET_BAUDRATE');
        this.baud = (data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24)) >>> 0;
        if (this.baud < 300 || this.baud > 3_000_000) return stall('rate out of range');
        return OK;
      case 0x12: // PURGE
        return data.length ? stall('bad PURGE') : OK;
      default:
        return stall(`unknown request 0x${s.request.toString(16)}`);
    }
  }

  controlIn(s: ControlSetup, length: number): ControlInOutcome {
    if (s.requestType !== 'vendor' || s.recipient !== 'interface' || s.index !== 0) return stall('not a vendor/interface request to interface 0');
    if (s.request === 0x1d && length >= 4) return { status: 'ok', data: Uint8Array.of(this.baud & 0xff, (this.baud >> 8) & 0xff, (this.baud >> 16) & 0xff, this.baud >>> 24) }; // GET_BAUDRATE
    if (s.request === 0x04 && length >= 2) return { status: 'ok', data: Uint8Array.of(this.lineCtl & 0xff, this.lineCtl >> 8) }; // GET_LINE_CTL
    return stall(`unknown request 0x${s.request.toString(16)}`);
  }

  uart(): LineSettings | undefined {
    if (!this.enabled) return undefined;
    const parity = (this.lineCtl >> 4) & 0xf;
    return {
      baudRate: this.baud,
      dataBits: this.lineCtl >> 8 === 7 ? 7 : 8,
      parity: parity === 0 ? 'none' : parity === 2 ? 'even' : 'odd',
      stopBits: (this.lineCtl & 0xf) === 2 ? 2 : 1,
    };
  }

  bulkInFraming() {
    return { flushMs: 0, holdShortPackets: false };
  }
}
