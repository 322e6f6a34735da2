/**
 * CDC-ACM (USB CDC 1.2 with PSTN subclass 1.2: Abstract Control Model), the class many newer probes and
 * microcontroller-based heads use. Class / interface requests on the communications interface
 * (SET_LINE_CODING 0x20, SET_CONTROL_LINE_STATE 0x22, PSTN §6.3.10/§6.3.12), data on the data interface's
 * bulk endpoints without framing. The same requests Linux drivers/usb/class/cdc-acm.c and the
 * web-serial-polyfill package send.
 */
import { MeterError } from '../../core/errors';
import type { LineSettings } from '../../core/link';
import { bulkEndpoints, claim, controlOut, ensureConfigured, findInterface, unsupportedLine, type ChipDriver, type ModemSignals, type UsbEndpointRef } from './chip-driver';
import { CDC_SUBCLASS_ACM, USB_CLASS_CDC, USB_CLASS_CDC_DATA } from './known-devices';
import type { UsbDeviceLike } from './usb-device';

export const CDC_REQ = { SET_LINE_CODING: 0x20, SET_CONTROL_LINE_STATE: 0x22 } as const;

/** PSTN Table 17: dwDTERate (LE32), bCharFormat (0 = 1 stop bit, 2 = 2), bParityType (0 none, 1 odd, 2 even), bDataBits. */
export function cdcLineCoding(line: LineSettings): Uint8Array<ArrayBuffer> {
  const b = line.baudRate;
  return Uint8Array.of(b & 0xff, (b >>> 8) & 0xff, (b >>> 16) & 0xff, (b >>> 24) & 0xff, line.stopBits === 2 ? 2 : 0, line.parity === 'none' ? 0 : line.parity === 'odd' ? 1 : 2, line.dataBits);
}

export class CdcAcmDriver implements ChipDriver {
  readonly chip = 'cdc-acm' as const;
  readonly variant = 'CDC-ACM';
  private control = 0;
  private data = 0;
  private endpoints?: { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef };

  constructor(private readonly device: UsbDeviceLike) {}

  get bulkIn(): UsbEndpointRef {
    return this.eps().bulkIn;
  }

  get bulkOut(): UsbEndpointRef {
    return this.eps().bulkOut;
  }

  async open(line: LineSettings, signals: ModemSignals): Promise<void> {
    await ensureConfigured(this.device);
    const comm = findInterface(this.device, (a) => a.interfaceClass === USB_CLASS_CDC && a.interfaceSubclass === CDC_SUBCLASS_ACM);
    const data = findInterface(this.device, (a) => a.interfaceClass === USB_CLASS_CDC_DATA);
    if (!data) throw new MeterError('UNSUPPORTED', 'The CDC-ACM device has no data interface (class 10).');
    // A device without a communications interface has no line to program (some report one; the
    // requests then go to interface 0 as the polyfill does).
    this.control = comm?.interfaceNumber ?? 0;
    this.data = data.interfaceNumber;
    this.endpoints = bulkEndpoints(data.alt, 'CDC-ACM');
    if (comm) await claim(this.device, this.control);
    await claim(this.device, this.data);
    await this.setLine(line);
    await this.setSignals(signals);
  }

  async setLine(line: LineSettings): Promise<void> {
    if (line.dataBits !== 7 && line.dataBits !== 8) throw unsupportedLine('CDC-ACM device', line, 'only 7 or 8 data bits.');
    await controlOut(this.device, this.setup(CDC_REQ.SET_LINE_CODING, 0), cdcLineCoding(line));
  }

  async setSignals(s: ModemSignals): Promise<void> {
    await controlOut(this.device, this.setup(CDC_REQ.SET_CONTROL_LINE_STATE, (s.dtr ? 1 : 0) | (s.rts ? 2 : 0)));
  }

  async close(): Promise<void> {
    await this.setSignals({ dtr: false, rts: false }).catch(() => undefined);
    await this.device.releaseInterface(this.data).catch(() => undefined);
    if (this.control !== this.data) await this.device.releaseInterface(this.control).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  payload(transfer: Uint8Array): Uint8Array {
    return transfer;
  }

  private eps(): { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } {
    if (!this.endpoints) throw new MeterError('INTERNAL', 'CDC-ACM driver used before open.');
    return this.endpoints;
  }

  private setup(request: number, value: number) {
    return { requestType: 'class', recipient: 'interface', request, value, index: this.control } as const;
  }
}
