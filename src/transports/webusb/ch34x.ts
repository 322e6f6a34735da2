/**
 * WCH CH340 / CH341 in serial mode, programmed like Linux drivers/usb/serial/ch341.c (register numbers,
 * the divisor/prescaler computation ch341_get_divisor, the version-dependent LCR write) and FreeBSD
 * uchcom.c. Requests are vendor / device (0x40 out, 0xC0 in). Bulk data has no framing; the bulk
 * endpoints are 32 bytes.
 */
import { MeterError } from '../../core/errors';
import type { LineSettings } from '../../core/link';
import { type ChipDriver, type ModemSignals, type UsbEndpointRef, claimBulkInterface, controlIn, controlInOrStall, controlOut, hex, unsupportedLine } from './chip-driver';
import type { UsbDeviceLike } from './usb-device';

export const CH341_REQ = {
  READ_VERSION: 0x5f,
  READ_REG: 0x95,
  WRITE_REG: 0x9a,
  SERIAL_INIT: 0xa1,
  MODEM_CTRL: 0xa4, // value = the complement of the MCR bits (DTR 0x20, RTS 0x40)
} as const;

export const CH341_REG = {
  BREAK: 0x05,
  PRESCALER: 0x12,
  DIVISOR: 0x13,
  LCR: 0x18,
  LCR2: 0x25,
  FLOW_CTL: 0x27,
} as const;

const LCR_ENABLE_RX = 0x80;
const LCR_ENABLE_TX = 0x40;
const LCR_PAR_EVEN = 0x10;
const LCR_ENABLE_PAR = 0x08;
const LCR_STOP_BITS_2 = 0x04;
const LCR_CS8 = 0x03;
const LCR_CS7 = 0x02;
const MCR_DTR = 0x20;
const MCR_RTS = 0x40;

const CLKRATE = 48_000_000;
const clkDiv = (ps: number, fact: number) => 1 << (12 - 3 * ps - fact);
const MIN_RATE = [0, 1, 2, 3].map((ps) => Math.floor(CLKRATE / (clkDiv(ps, 1) * 512)));
const MIN_BPS = Math.ceil(CLKRATE / (clkDiv(0, 0) * 256));
const MAX_BPS = Math.floor(CLKRATE / (clkDiv(3, 0) * 2));

/**
 * The divisor/prescaler register pair for a rate: rate = 48 MHz / (2^(12 − 3·ps − fact) · div). The highest
 * base clock that keeps div under 512 is tried first, halved when div falls outside 9..255 (or always below
 * ps 3 on chips with the limited prescaler), the nearer of div and div+1 is taken, and an even div at
 * fact 1 becomes half of it at fact 0. Returns (256 − div) << 8 | fact << 2 | ps.
 */
export function ch341Divisor(baud: number, limitedPrescaler = false): number {
  const speed = Math.min(MAX_BPS, Math.max(MIN_BPS, Math.floor(baud)));
  let fact = 1;
  let ps = 3;
  for (; ps >= 0; ps--) if (speed > MIN_RATE[ps]) break;
  if (ps < 0) throw new MeterError('UNSUPPORTED', `The CH34x cannot run at ${baud} Bd.`);
  let clk = clkDiv(ps, fact);
  let div = Math.floor(CLKRATE / (clk * speed));
  if (div < 9 || div > 255 || (ps < 3 && limitedPrescaler)) {
    div = Math.floor(div / 2);
    clk *= 2;
    fact = 0;
  }
  if (div < 2) throw new MeterError('UNSUPPORTED', `The CH34x cannot run at ${baud} Bd.`);
  // Scaled by 16, in integers, exactly as the reference rounds.
  if (Math.floor((16 * CLKRATE) / (clk * div)) - 16 * speed >= 16 * speed - Math.floor((16 * CLKRATE) / (clk * (div + 1)))) div++;
  if (fact === 1 && div % 2 === 0) {
    div /= 2;
    fact = 0;
  }
  return ((0x100 - div) << 8) | (fact << 2) | ps;
}

/** The rate a divisor register value gives (the fake decodes with this). */
export function ch341Baud(reg: number): number {
  const ps = reg & 3;
  const fact = (reg >> 2) & 1;
  const div = 0x100 - ((reg >> 8) & 0xff);
  return CLKRATE / (clkDiv(ps, fact) * div);
}

export function ch341Lcr(line: LineSettings): number {
  let lcr = LCR_ENABLE_RX | LCR_ENABLE_TX | (line.dataBits === 8 ? LCR_CS8 : LCR_CS7);
  if (line.parity !== 'none') {
    lcr |= LCR_ENABLE_PAR;
    if (line.parity === 'even') lcr |= LCR_PAR_EVEN;
  }
  if (line.stopBits === 2) lcr |= LCR_STOP_BITS_2;
  return lcr;
}

/** MODEM_CTRL's value: ~mcr as the 16-bit wValue the reference sends (ch341_set_handshake). */
export function ch341ModemValue(s: ModemSignals): number {
  const mcr = (s.dtr ? MCR_DTR : 0) | (s.rts ? MCR_RTS : 0);
  return ~mcr & 0xffff;
}

export class Ch34xDriver implements ChipDriver {
  readonly chip = 'ch34x' as const;
  /** READ_VERSION's first byte: 0x30 and later take the LCR in one register write. */
  version = 0;
  /** Reading the break register STALLs on chips with the limited prescaler (ch341_detect_quirks). */
  limitedPrescaler = false;
  private interfaceNumber = 0;
  private endpoints?: { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef };

  constructor(private readonly device: UsbDeviceLike) {}

  get variant(): string {
    return `CH34x v${hex(this.version, 2)}${this.limitedPrescaler ? ' (limited prescaler)' : ''}`;
  }

  get bulkIn(): UsbEndpointRef {
    return this.eps().bulkIn;
  }

  get bulkOut(): UsbEndpointRef {
    return this.eps().bulkOut;
  }

  /** ch341_configure + ch341_detect_quirks, then ch341_open's set_termios and dtr_rts. */
  async open(line: LineSettings, signals: ModemSignals): Promise<void> {
    ({ interfaceNumber: this.interfaceNumber, endpoints: this.endpoints } = await claimBulkInterface(this.device, 'CH34x'));
    const version = await controlIn(this.device, this.setup(CH341_REQ.READ_VERSION, 0, 0), 2);
    this.version = version[0];
    await this.out(CH341_REQ.SERIAL_INIT, 0, 0);
    const brk = await controlInOrStall(this.device, this.setup(CH341_REQ.READ_REG, CH341_REG.BREAK, 0), 2);
    this.limitedPrescaler = brk === undefined;
    await this.setLine(line);
    await this.setSignals(signals);
  }

  async setLine(line: LineSettings): Promise<void> {
    if (line.dataBits !== 7 && line.dataBits !== 8) throw unsupportedLine('CH34x', line, 'only 7 or 8 data bits.');
    if (this.version < 0x30 && (line.dataBits !== 8 || line.parity !== 'none' || line.stopBits !== 1)) {
      // Before 0x30 the frame format sits in two registers whose layout the reference does not program.
      throw unsupportedLine(this.variant, line, 'this chip revision runs 8N1 only (unverified layout of its older line registers).');
    }
    let divisor = ch341Divisor(line.baudRate, this.limitedPrescaler);
    // Bit 7: deliver short packets at once instead of waiting for 32 bytes (all revisions after 0x27).
    if (this.version > 0x27) divisor |= 0x80;
    await this.out(CH341_REQ.WRITE_REG, (CH341_REG.DIVISOR << 8) | CH341_REG.PRESCALER, divisor);
    if (this.version >= 0x30) await this.out(CH341_REQ.WRITE_REG, (CH341_REG.LCR2 << 8) | CH341_REG.LCR, ch341Lcr(line));
    // ch341_set_flow_control: none.
    await this.out(CH341_REQ.WRITE_REG, (CH341_REG.FLOW_CTL << 8) | CH341_REG.FLOW_CTL, 0);
  }

  async setSignals(s: ModemSignals): Promise<void> {
    await this.out(CH341_REQ.MODEM_CTRL, ch341ModemValue(s), 0);
  }

  async close(): Promise<void> {
    await this.out(CH341_REQ.MODEM_CTRL, ch341ModemValue({ dtr: false, rts: false }), 0).catch(() => undefined);
    await this.device.releaseInterface(this.interfaceNumber).catch(() => undefined);
    await this.device.close().catch(() => undefined);
  }

  payload(transfer: Uint8Array): Uint8Array {
    return transfer;
  }

  private eps(): { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } {
    if (!this.endpoints) throw new MeterError('INTERNAL', 'CH34x driver used before open.');
    return this.endpoints;
  }

  private setup(request: number, value: number, index: number) {
    return { requestType: 'vendor', recipient: 'device', request, value, index } as const;
  }

  private out(request: number, value: number, index: number): Promise<void> {
    return controlOut(this.device, this.setup(request, value, index));
  }
}
