/**
 * Silicon Labs CP210x (CP2102/CP2104/CP2105...), programmed like Linux drivers/usb/serial/cp210x.c and
 * Silicon Labs AN571 ("CP210x/CP211x Virtual COM Port Interface"). Requests are vendor / interface
 * (bmRequestType 0x41 out, 0xC1 in) with wIndex = the interface number. Bulk data has no framing.
 */
import { MeterError } from '../../core/errors';
import type { LineSettings } from '../../core/link';
import { type ChipDriver, type ModemSignals, type UsbEndpointRef, claimBulkInterface, controlOut, unsupportedLine } from './chip-driver';
import type { UsbDeviceLike } from './usb-device';

/** AN571 §5 request codes. */
export const CP210X_REQ = {
  IFC_ENABLE: 0x00, // value 1 = UART_ENABLE, 0 = UART_DISABLE
  SET_LINE_CTL: 0x03, // bits 0..3 stop bits (0 = 1), 4..7 parity (0 none, 1 odd, 2 even), 8..15 data bits
  SET_MHS: 0x07, // bit 0 DTR, bit 1 RTS, bits 8/9 = write-enable of each (CONTROL_WRITE_DTR/RTS)
  SET_BAUDRATE: 0x1e, // data: the rate as a 32-bit little-endian integer
} as const;

export function cp210xLineCtl(line: LineSettings): number {
  const stop = line.stopBits === 2 ? 2 : 0;
  const parity = line.parity === 'none' ? 0 : line.parity === 'odd' ? 1 : 2;
  return stop | (parity << 4) | (line.dataBits << 8);
}

export function cp210xMhs(s: ModemSignals): number {
  return 0x0300 | (s.dtr ? 1 : 0) | (s.rts ? 2 : 0);
}

export function le32(n: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

export class Cp210xDriver implements ChipDriver {
  readonly chip = 'cp210x' as const;
  readonly variant = 'CP210x';
  private interfaceNumber = 0;
  private endpoints?: { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef };

  constructor(private readonly device: UsbDeviceLike) {}

  get bulkIn(): UsbEndpointRef {
    return this.eps().bulkIn;
  }

  get bulkOut(): UsbEndpointRef {
    return this.eps().bulkOut;
  }

  /** cp210x_open: IFC_ENABLE, then cp210x_set_termios (speed, line control), then dtr_rts (SET_MHS). */
  async open(line: LineSettings, signals: ModemSignals): Promise<void> {
    ({ interfaceNumber: this.interfaceNumber, endpoints: this.endpoints } = await claimBulkInterface(this.device, 'CP210x'));
    await this.out(CP210X_REQ.IFC_ENABLE, 0x0001);
    await this.setLine(line);
    await this.setSignals(signals);
  }

  async setLine(line: LineSettings): Promise<void> {
    if (line.dataBits !== 7 && line.dataBits !== 8) throw unsupportedLine('CP210x', line, 'only 7 or 8 data bits.');
    if (line.baudRate < 300 || line.baudRate > 3_000_000) throw unsupportedLine('CP210x', line, 'the rate must be 300..3000000.');
    await this.out(CP210X_REQ.SET_BAUDRATE, 0, le32(line.baudRate));
    await this.out(CP210X_REQ.SET_LINE_CTL, cp210xLineCtl(line));
  }

  async setSignals(s: ModemSignals): Promise<void> {
    await this.out(CP210X_REQ.SET_MHS, cp210xMhs(s));
  }

  /** cp210x_close: UART_DISABLE. */
  async close(): Promise<void> {
    await this.out(CP210X_REQ.IFC_ENABLE, 0x0000).catch(() => undefined);
    await this.device.releaseInterface(this.interfaceNumber).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  payload(transfer: Uint8Array): Uint8Array {
    return transfer;
  }

  private eps(): { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } {
    if (!this.endpoints) throw new MeterError('INTERNAL', 'CP210x driver used before open.');
    return this.endpoints;
  }

  private out(request: number, value: number, data?: Uint8Array<ArrayBuffer>): Promise<void> {
    return controlOut(this.device, { requestType: 'vendor', recipient: 'interface', request, value, index: this.interfaceNumber }, data);
  }
}
