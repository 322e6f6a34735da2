/**
 * What a fake chip is: its descriptors, what it does with each control request (a request it does not
 * know is a STALL, as on silicon), the line and modem lines it was programmed to, and how it frames
 * bulk-in data. One model per chip in this folder; fake-usb-device.ts does the USB side they share.
 */
import type { LineSettings } from '../../../core/link';
import type { ControlSetup } from '../chip-driver';

export interface FakeEndpointSpec {
  endpointNumber: number;
  direction: USBDirection;
  type: USBEndpointType;
  packetSize: number;
}

export interface FakeInterfaceSpec {
  interfaceNumber: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  endpoints: FakeEndpointSpec[];
}

export interface FakeDescriptor {
  vendorId: number;
  productId: number;
  productName: string;
  /** bcdUSB, bcdDevice as one number each (0x0200, 0x0600). */
  bcdUsb: number;
  bcdDevice: number;
  deviceClass: number;
  interfaces: FakeInterfaceSpec[];
}

/** A control request as seen on the bus, recorded by the fake. */
export interface ControlRecord extends ControlSetup {
  direction: 'out' | 'in';
  /** Out: the data stage; in: the length asked for. */
  data?: number[];
  length?: number;
  status: 'ok' | 'stall';
}

export type ControlOutcome = { status: 'ok' } | { status: 'stall'; why: string };
export type ControlInOutcome = { status: 'ok'; data: Uint8Array } | { status: 'stall'; why: string };

export interface ChipModel {
  readonly descriptor: FakeDescriptor;
  /** Name of the variant for messages ("FT232R", "CH340 v0x31", "PL2303HXN"...). */
  readonly name: string;
  controlOut(setup: ControlSetup, data: Uint8Array): ControlOutcome;
  controlIn(setup: ControlSetup, length: number): ControlInOutcome;
  /**
   * The UART's settings now: the rate it really runs at (a divisor is decoded, not trusted) and its frame.
   * Undefined while the UART is disabled (bytes are neither sent nor received).
   */
  uart(): LineSettings | undefined;
  readonly dtr: boolean;
  readonly rts: boolean;
  /** Bulk in/out endpoint numbers and bulk-in max packet size. */
  readonly bulkIn: number;
  readonly bulkOut: number;
  readonly packetSize: number;
  /**
   * How the chip hands received bytes to the host. `statusBytes`: bytes in front of every packet (FTDI).
   * `flushMs`: a packet that is not full leaves after this long (FTDI latency timer; 0 = at once).
   * `holdShortPackets`: the chip keeps bytes until a packet is full (CH341 without bit 7 of the divisor).
   */
  bulkInFraming(): { statusBytes?: Uint8Array; flushMs: number; holdShortPackets: boolean };
}

/** The rates a UART's receiver at `nominal` tolerates (±2 % of the rate, as a 10-bit frame allows). */
export function nearStandard(actual: number): number {
  const standard = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];
  for (const s of standard) if (Math.abs(actual - s) / s < 0.02) return s;
  return Math.round(actual);
}

export const stall = (why: string): { status: 'stall'; why: string } => ({ status: 'stall', why });
export const OK = { status: 'ok' } as const;
