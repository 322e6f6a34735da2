/**
 * FTDI FT232R / FT232BM / FT230X (FT-X) and the H types, programmed like Linux
 * drivers/usb/serial/ftdi_sio.c (requests and constants in ftdi_sio.h) and FTDI's AN232B-05 (baud rate
 * divisor). Every request is vendor / device / out (bmRequestType 0x40); wIndex carries the channel:
 * 0 on the single-port BM/R chips, 1 (channel A) on FT-X and the H types (ftdi_determine_type, Linux 5.18+).
 * Bulk-in packets begin with two status bytes (modem status, line status), also when no data waits:
 * the chip sends a status-only packet every latency-timer period.
 */
import { MeterError } from '../../core/errors';
import type { LineSettings } from '../../core/link';
import { bulkEndpoints, claim, controlOut, ensureConfigured, findInterface, unsupportedLine, type ChipDriver, type ModemSignals, type UsbEndpointRef } from './chip-driver';
import { bcdDevice, type UsbDeviceLike } from './usb-device';

/** ftdi_sio.h request numbers. */
export const FTDI_REQ = {
  RESET: 0x00, // FTDI_SIO_RESET, value 0 = SIO_RESET_SIO (purge both FIFOs)
  MODEM_CTRL: 0x01, // FTDI_SIO_MODEM_CTRL: value bits 0/1 = DTR/RTS, bits 8/9 = write-enable of each
  SET_FLOW_CTRL: 0x02, // FTDI_SIO_SET_FLOW_CTRL: index high byte 0 = no flow control
  SET_BAUD_RATE: 0x03, // FTDI_SIO_SET_BAUD_RATE: value = divisor bits 0..15, index = bit 16 (and channel)
  SET_DATA: 0x04, // FTDI_SIO_SET_DATA: bits 0..7 data bits, 8..10 parity, 11..13 stop bits
  SET_LATENCY_TIMER: 0x09, // FTDI_SIO_SET_LATENCY_TIMER
} as const;

/** Linux's default latency timer (ftdi_sio.c: priv->latency = 16 unless ASYNC_LOW_LATENCY). */
export const FTDI_LATENCY_MS = 16;

export type FtdiType = 'FT232BM' | 'FT232R' | 'FT-X' | 'FT2232C' | 'FT2232H' | 'FT4232H' | 'FT232H';

/** ftdi_determine_type: the chip from bcdDevice. */
export function ftdiType(bcd: number): FtdiType {
  switch (bcd & 0xff00) {
    case 0x0500:
      return 'FT2232C';
    case 0x0600:
      return 'FT232R';
    case 0x0700:
      return 'FT2232H';
    case 0x0800:
      return 'FT4232H';
    case 0x0900:
      return 'FT232H';
    case 0x1000:
      return 'FT-X';
    default:
      return 'FT232BM';
  }
}

function hasChannelIndex(t: FtdiType): boolean {
  return t !== 'FT232BM' && t !== 'FT232R';
}

function isHighSpeed(t: FtdiType): boolean {
  return t === 'FT2232H' || t === 'FT4232H' || t === 'FT232H';
}

/** ftdi_232bm_baud_base_to_divisor's fraction code for 0..7 eighths (AN232B-05 §3: 0, .5, .25, .125, ...). */
const DIVFRAC = [0, 3, 2, 4, 1, 5, 6, 7];

/**
 * The 17-bit divisor of the BM/R/X types: 3 MHz / baud in eighths, the integer part in bits 0..13 and the
 * fraction as a 3-bit code in bits 14..16; 1.0 and 1.5 are the special codes 0 and 1 (3 and 2 MBd).
 */
export function ftdi232bmDivisor(baud: number, base = 48_000_000): number {
  const divisor3 = Math.round(base / (2 * baud));
  let divisor = (divisor3 >> 3) | (DIVFRAC[divisor3 & 7] << 14);
  if (divisor === 1) divisor = 0;
  else if (divisor === 0x4001) divisor = 1;
  return divisor;
}

/** ftdi_2232h_baud_base_to_divisor: 120 MHz with 10-bit sampling, bit 17 turns the /2.5 prescaler off. */
export function ftdi2232hDivisor(baud: number, base = 120_000_000): number {
  const divisor3 = Math.round((8 * base) / (10 * baud));
  let divisor = (divisor3 >> 3) | (DIVFRAC[divisor3 & 7] << 14);
  if (divisor === 1) divisor = 0;
  else if (divisor === 0x4001) divisor = 1;
  return divisor | 0x20000;
}

/** The baud rate a BM/R/X chip runs at for a divisor (the fake decodes with this). */
export function ftdi232bmBaud(divisor: number): number {
  const int = divisor & 0x3fff;
  const code = (divisor >> 14) & 7;
  if (int === 0 && code === 0) return 3_000_000;
  if (int === 1 && code === 0) return 2_000_000;
  const eighths = DIVFRAC.indexOf(code);
  return 3_000_000 / (int + eighths / 8);
}

/** SET_BAUD_RATE's value and index for a chip (change_speed in ftdi_sio.c). */
export function ftdiBaudRequest(type: FtdiType, baud: number, channel: number): { value: number; index: number } {
  const divisor = isHighSpeed(type) && baud >= 1200 ? ftdi2232hDivisor(baud) : ftdi232bmDivisor(baud);
  const value = divisor & 0xffff;
  let index = (divisor >> 16) & 0xffff;
  if (channel) index = ((index << 8) | channel) & 0xffff;
  return { value, index };
}

/** SET_DATA's value (ftdi_set_termios: FTDI_SIO_SET_DATA_PARITY_* << 8, FTDI_SIO_SET_DATA_STOP_BITS_* << 11). */
export function ftdiDataValue(line: LineSettings): number {
  const parity = line.parity === 'none' ? 0 : line.parity === 'odd' ? 1 : 2;
  const stop = line.stopBits === 2 ? 2 : 0;
  return line.dataBits | (parity << 8) | (stop << 11);
}

/** MODEM_CTRL's value: both lines written at once (update_mctrl). */
export function ftdiModemValue(s: ModemSignals): number {
  return 0x0300 | (s.dtr ? 1 : 0) | (s.rts ? 2 : 0);
}

export class FtdiDriver implements ChipDriver {
  readonly chip = 'ftdi' as const;
  readonly type: FtdiType;
  /** wIndex's channel: 0 on BM/R, interface + 1 (channel A = 1) on FT-X and the H types. */
  private channel = 0;
  private interfaceNumber = 0;
  private endpoints?: { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef };

  constructor(private readonly device: UsbDeviceLike) {
    this.type = ftdiType(bcdDevice(device));
  }

  get variant(): string {
    return this.type;
  }

  get bulkIn(): UsbEndpointRef {
    return this.eps().bulkIn;
  }

  get bulkOut(): UsbEndpointRef {
    return this.eps().bulkOut;
  }

  async open(line: LineSettings, signals: ModemSignals): Promise<void> {
    await ensureConfigured(this.device);
    const itf = findInterface(this.device, (a) => a.interfaceClass === 0xff && a.endpoints.some((e) => e.type === 'bulk'));
    if (!itf) throw new MeterError('UNSUPPORTED', 'The FTDI device has no vendor-specific interface with bulk endpoints.');
    this.interfaceNumber = itf.interfaceNumber;
    this.channel = hasChannelIndex(this.type) ? itf.interfaceNumber + 1 : 0;
    this.endpoints = bulkEndpoints(itf.alt, 'FTDI');
    await claim(this.device, itf.interfaceNumber);
    // ftdi_open: reset (purges both FIFOs); ftdi_port_probe: write_latency_timer.
    await this.vendor(FTDI_REQ.RESET, 0, this.ch());
    await this.vendor(FTDI_REQ.SET_LATENCY_TIMER, FTDI_LATENCY_MS, this.ch());
    await this.setLine(line);
    await this.setSignals(signals);
  }

  /** ftdi_set_termios: data format, then speed, then flow control off. */
  async setLine(line: LineSettings): Promise<void> {
    if (line.dataBits !== 7 && line.dataBits !== 8) throw unsupportedLine('FTDI', line, 'only 7 or 8 data bits.');
    const maxBaud = isHighSpeed(this.type) ? 12_000_000 : 3_000_000;
    if (line.baudRate < 184 || line.baudRate > maxBaud) throw unsupportedLine('FTDI', line, `the rate must be 184..${maxBaud} (a 14-bit divisor of 3 MHz).`);
    await this.vendor(FTDI_REQ.SET_DATA, ftdiDataValue(line), this.ch());
    const baud = ftdiBaudRequest(this.type, line.baudRate, this.ch());
    await this.vendor(FTDI_REQ.SET_BAUD_RATE, baud.value, baud.index);
    await this.vendor(FTDI_REQ.SET_FLOW_CTRL, 0, this.ch());
  }

  async setSignals(s: ModemSignals): Promise<void> {
    await this.vendor(FTDI_REQ.MODEM_CTRL, ftdiModemValue(s), this.ch());
  }

  async close(): Promise<void> {
    await this.vendor(FTDI_REQ.MODEM_CTRL, ftdiModemValue({ dtr: false, rts: false }), this.ch()).catch(() => undefined);
    await this.device.releaseInterface(this.interfaceNumber).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  /** Drop the two status bytes at the start of every max-size packet of the transfer. */
  payload(transfer: Uint8Array): Uint8Array {
    return stripFtdiStatus(transfer, this.bulkIn.packetSize);
  }

  private ch(): number {
    return this.channel;
  }

  private eps(): { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } {
    if (!this.endpoints) throw new MeterError('INTERNAL', 'FTDI driver used before open.');
    return this.endpoints;
  }

  private vendor(request: number, value: number, index: number): Promise<void> {
    return controlOut(this.device, { requestType: 'vendor', recipient: 'device', request, value, index });
  }
}

/**
 * The payload of an FTDI bulk-in transfer: within one transfer every packet but the last is full size, so
 * a status pair starts at every multiple of the packet size (ftdi_process_read_urb).
 */
export function stripFtdiStatus(transfer: Uint8Array, packetSize: number): Uint8Array {
  if (transfer.length <= 2) return new Uint8Array(0);
  const out = new Uint8Array(transfer.length);
  let n = 0;
  for (let at = 0; at < transfer.length; at += packetSize) {
    const end = Math.min(at + packetSize, transfer.length);
    for (let i = at + 2; i < end; i++) out[n++] = transfer[i];
  }
  return out.subarray(0, n);
}
