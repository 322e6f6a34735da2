/**
 * Fake CDC-ACM device (a microcontroller probe: communications interface 0, class 2 / subclass 2, with an
 * interrupt endpoint; data interface 1, class 10, bulk endpoints of 64 bytes). Facts: USB CDC 1.2 and PSTN
 * 1.2 §6.3 (SET_LINE_CODING 0x20, GET_LINE_CODING 0x21, SET_CONTROL_LINE_STATE 0x22, SEND_BREAK 0x23).
 * Class requests must address interface 0; anything else STALLs. Powers up at 9600 8N1. It ends a
 * transfer of full packets with a zero-length packet, as CDC devices do.
 */
import type { LineSettings } from '../../../core/link';
import type { ControlSetup } from '../chip-driver';
import { OK, stall, type ChipModel, type ControlInOutcome, type ControlOutcome, type FakeDescriptor } from './chip-model';

export class FakeCdcAcmChip implements ChipModel {
  readonly name = 'CDC-ACM';
  readonly bulkIn = 1;
  readonly bulkOut = 2;
  readonly packetSize = 64;
  readonly descriptor: FakeDescriptor = {
    vendorId: 0x2e8a, // not in the known table: found by its interface classes
    productId: 0x000a,
    productName: 'Optical probe (CDC)',
    bcdUsb: 0x0200,
    bcdDevice: 0x0100,
    deviceClass: 0xef,
    interfaces: [
      { interfaceNumber: 0, interfaceClass: 2, interfaceSubclass: 2, interfaceProtocol: 0, endpoints: [{ endpointNumber: 3, direction: 'in', type: 'interrupt', packetSize: 8 }] },
      {
        interfaceNumber: 1,
        interfaceClass: 10,
        interfaceSubclass: 0,
        interfaceProtocol: 0,
        endpoints: [
          { endpointNumber: 1, direction: 'in', type: 'bulk', packetSize: 64 },
          { endpointNumber: 2, direction: 'out', type: 'bulk', packetSize: 64 },
        ],
      },
    ],
  };
  dtr = false;
  rts = false;
  private coding = Uint8Array.of(0x80, 0x25, 0, 0, 0, 0, 8);

  controlOut(s: ControlSetup, data: Uint8Array): ControlOutcome {
    if (s.requestType !== 'class' || s.recipient !== 'interface' || s.index !== 0) return stall('not a class request to the communications interface');
    switch (s.request) {
      case 0x20:
        if (data.length !== 7 || s.value !== 0 || data[4] > 2 || data[5] > 4 || ![5, 6, 7, 8, 16].includes(data[6])) return stall('bad SET_LINE_CODING');
        this.coding = data.slice();
        return OK;
      case 0x22:
        if (data.length || (s.value & ~3) !== 0) return stall('bad SET_CONTROL_LINE_STATE');
        this.dtr = (s.value & 1) !== 0;
        this.rts = (s.value & 2) !== 0;
        return OK;
      case 0x23:
        return OK;
      default:
        return stall(`unknown request 0x${s.request.toString(16)}`);
    }
  }

  controlIn(s: ControlSetup, length: number): ControlInOutcome {
    if (s.requestType === 'class' && s.recipient === 'interface' && s.index === 0 && s.request === 0x21 && length >= 7) return { status: 'ok', data: this.coding.slice() };
    return stall('unknown request');
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
