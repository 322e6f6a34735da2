/**
 * Prolific PL2303: the HX family (HX, HXD, TA, TB) and the later G types ("HXN": GC, GB, GT, GL, GE, GS),
 * programmed like Linux drivers/usb/serial/pl2303.c. Line coding and control lines use the CDC class
 * requests on interface 0 (SET_LINE_REQUEST 0x20, SET_CONTROL_REQUEST 0x22); the chip's own registers are
 * vendor requests, which the two families address differently: HX reads/writes with request 0x01 (reads
 * at register | 0x80), HXN with 0x81 (read) / 0x80 (write). Bulk data has no framing.
 */
import { MeterError } from '../../core/errors';
import type { LineSettings } from '../../core/link';
import { type ChipDriver, type ModemSignals, type UsbEndpointRef, claimBulkInterface, controlIn, controlInOrStall, controlOut, unsupportedLine } from './chip-driver';
import { bcdDevice, bcdUsb, type UsbDeviceLike } from './usb-device';

export const PL2303_REQ = {
  VENDOR: 0x01, // HX: VENDOR_READ_REQUEST / VENDOR_WRITE_REQUEST
  VENDOR_WRITE_N: 0x80, // HXN: VENDOR_WRITE_NREQUEST
  VENDOR_READ_N: 0x81, // HXN: VENDOR_READ_NREQUEST
  SET_LINE: 0x20, // class / interface: 7 bytes, like CDC SET_LINE_CODING
  SET_CONTROL: 0x22, // class / interface: bit 0 DTR, bit 1 RTS
} as const;

/** Register read only the HX family answers (PL2303_READ_TYPE_HX_STATUS): HXN STALLs it. */
export const PL2303_HX_STATUS = 0x8080;
const HXN_RESET_REG = 0x07;
const HXN_RESET_BOTH_PIPES = 0x03;
const HXN_FLOWCTRL_REG = 0x0a;
const HXN_FLOWCTRL_MASK = 0x1c;
const HXN_FLOWCTRL_NONE = 0x1c;
const HX_FLOWCTRL_MASK = 0xf0;

/** Rates the chip takes as they are (pl2303.c baud_sup[]); others need a divisor this driver does not write. */
export const PL2303_DIRECT_RATES = [
  75, 150, 300, 600, 1200, 1800, 2400, 3600, 4800, 7200, 9600, 14400, 19200, 28800, 38400, 57600, 115200, 230400, 460800, 614400, 921600,
  1228800, 2457600, 3000000, 6000000,
];

export type Pl2303Type = 'HX' | 'TA/TB' | 'HXN';

/** SET_LINE_REQUEST's 7 bytes: rate (LE32), stop bits (0 = 1, 2 = 2), parity (0 none, 1 odd, 2 even), data bits. */
export function pl2303LineCoding(line: LineSettings): Uint8Array<ArrayBuffer> {
  const b = line.baudRate;
  return Uint8Array.of(b & 0xff, (b >>> 8) & 0xff, (b >>> 16) & 0xff, (b >>> 24) & 0xff, line.stopBits === 2 ? 2 : 0, line.parity === 'none' ? 0 : line.parity === 'odd' ? 1 : 2, line.dataBits);
}

export class Pl2303Driver implements ChipDriver {
  readonly chip = 'pl2303' as const;
  type: Pl2303Type = 'HX';
  private interfaceNumber = 0;
  private endpoints?: { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef };

  constructor(private readonly device: UsbDeviceLike) {}

  get variant(): string {
    return `PL2303${this.type === 'HXN' ? ' G (HXN)' : this.type === 'HX' ? 'HX' : ' TA/TB'}`;
  }

  get bulkIn(): UsbEndpointRef {
    return this.eps().bulkIn;
  }

  get bulkOut(): UsbEndpointRef {
    return this.eps().bulkOut;
  }

  async open(line: LineSettings, signals: ModemSignals): Promise<void> {
    ({ interfaceNumber: this.interfaceNumber, endpoints: this.endpoints } = await claimBulkInterface(this.device, 'PL2303'));
    this.type = await this.detect();
    if (this.type === 'HXN') {
      // pl2303_open: reset the upstream and downstream pipes.
      await this.write(HXN_RESET_REG, HXN_RESET_BOTH_PIPES);
    } else {
      // pl2303_startup's magic sequence (register reads and writes Prolific's own driver does), then
      // pl2303_open's pipe resets (vendor registers 8 and 9).
      await this.read(0x8484);
      await this.write(0x0404, 0);
      await this.read(0x8484);
      await this.read(0x8383);
      await this.read(0x8484);
      await this.write(0x0404, 1);
      await this.read(0x8484);
      await this.read(0x8383);
      await this.write(0, 1);
      await this.write(1, 0);
      await this.write(2, 0x44);
      await this.write(8, 0);
      await this.write(9, 0);
    }
    await this.setLine(line);
    await this.setSignals(signals);
  }

  /**
   * pl2303_detect_type: USB 1.1 parts are HX (bcdDevice 0x300) or HXD (0x400), both HX registers; on USB
   * 2.0 bcdDevice 0x300 and 0x500 are TA/TB when the HX status register answers and HXN otherwise; every
   * other USB 2.0 bcdDevice is an HXN (G) type.
   */
  private async detect(): Promise<Pl2303Type> {
    if (bcdUsb(this.device) !== 0x200) return 'HX';
    const dev = bcdDevice(this.device);
    if (dev !== 0x300 && dev !== 0x500) return 'HXN';
    const status = await controlInOrStall(this.device, this.vendorSetup(PL2303_REQ.VENDOR, PL2303_HX_STATUS, 0), 1);
    return status === undefined ? 'HXN' : 'TA/TB';
  }

  /** pl2303_set_termios: line coding, then flow control off (a read-modify-write of the flow register). */
  async setLine(line: LineSettings): Promise<void> {
    if (line.dataBits !== 7 && line.dataBits !== 8) throw unsupportedLine('PL2303', line, 'only 7 or 8 data bits.');
    if (!PL2303_DIRECT_RATES.includes(line.baudRate)) throw unsupportedLine('PL2303', line, 'only the standard rates (300, 600, ... 115200, ...) are written.');
    await controlOut(this.device, { requestType: 'class', recipient: 'interface', request: PL2303_REQ.SET_LINE, value: 0, index: this.interfaceNumber }, pl2303LineCoding(line));
    if (this.type === 'HXN') {
      const old = (await this.read(HXN_FLOWCTRL_REG))[0];
      await this.write(HXN_FLOWCTRL_REG, (old & ~HXN_FLOWCTRL_MASK) | HXN_FLOWCTRL_NONE);
    } else {
      const old = (await this.read(0x80))[0];
      await this.write(0, old & ~HX_FLOWCTRL_MASK);
    }
  }

  async setSignals(s: ModemSignals): Promise<void> {
    const value = (s.dtr ? 1 : 0) | (s.rts ? 2 : 0);
    await controlOut(this.device, { requestType: 'class', recipient: 'interface', request: PL2303_REQ.SET_CONTROL, value, index: this.interfaceNumber });
  }

  async close(): Promise<void> {
    await this.setSignals({ dtr: false, rts: false }).catch(() => undefined);
    await this.device.releaseInterface(this.interfaceNumber).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  payload(transfer: Uint8Array): Uint8Array {
    return transfer;
  }

  private eps(): { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } {
    if (!this.endpoints) throw new MeterError('INTERNAL', 'PL2303 driver used before open.');
    return this.endpoints;
  }

  private vendorSetup(request: number, value: number, index: number) {
    return { requestType: 'vendor', recipient: 'device', request, value, index } as const;
  }

  /** pl2303_vendor_read: one byte. */
  private read(value: number): Promise<Uint8Array> {
    return controlIn(this.device, this.vendorSetup(this.type === 'HXN' ? PL2303_REQ.VENDOR_READ_N : PL2303_REQ.VENDOR, value, 0), 1);
  }

  /** pl2303_vendor_write: the register in wValue, the byte in wIndex. */
  private write(value: number, index: number): Promise<void> {
    return controlOut(this.device, this.vendorSetup(this.type === 'HXN' ? PL2303_REQ.VENDOR_WRITE_N : PL2303_REQ.VENDOR, value, index));
  }
}
