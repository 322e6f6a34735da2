/**
 * What every user-space USB serial driver does, whatever the chip: claim its interface(s), program the
 * line (baud rate, data bits, parity, stop bits), drive DTR/RTS, and name the bulk endpoints and the
 * framing of what arrives on bulk in. The Link (webusb-link.ts) owns the timing; a driver only speaks
 * to the chip.
 */
import { MeterError } from '../../core/errors';
import type { LineSettings } from '../../core/link';
import type { UsbSerialChip } from './known-devices';
import type { UsbDeviceLike } from './usb-device';

export interface ChipDriver {
  readonly chip: UsbSerialChip;
  /** A finer name once the chip has been probed ("FT232R", "PL2303HXN"...), for Settings and the trace. */
  readonly variant: string;
  /** Claim the interface(s) and bring the UART up at `line` with DTR/RTS as given. */
  open(line: LineSettings, signals: ModemSignals): Promise<void>;
  /** Program a new line; the caller has waited until the output has left the chip. */
  setLine(line: LineSettings): Promise<void>;
  setSignals(signals: ModemSignals): Promise<void>;
  /** Best effort: leave the UART quiet and release the interfaces. Never rejects. */
  close(): Promise<void>;
  readonly bulkIn: UsbEndpointRef;
  readonly bulkOut: UsbEndpointRef;
  /**
   * The payload bytes of one bulk-in transfer (several max-size packets and a short one at most).
   * FTDI puts two status bytes before every packet; the others pass data as is.
   */
  payload(transfer: Uint8Array): Uint8Array;
}

export interface ModemSignals {
  dtr: boolean;
  rts: boolean;
}

export interface UsbEndpointRef {
  endpointNumber: number;
  packetSize: number;
}

/** A control request as the drivers write it; the fake records the same shape. */
export interface ControlSetup {
  requestType: USBRequestType;
  recipient: USBRecipient;
  request: number;
  value: number;
  index: number;
}

export const hex = (n: number, digits = 4): string => `0x${n.toString(16).padStart(digits, '0')}`;

function describe(s: ControlSetup): string {
  return `${s.requestType}/${s.recipient} request ${hex(s.request, 2)} value ${hex(s.value)} index ${hex(s.index)}`;
}

/** A control transfer out that must succeed; a STALL (a request the chip does not know) is PROTOCOL. */
export async function controlOut(device: UsbDeviceLike, setup: ControlSetup, data?: Uint8Array<ArrayBuffer>): Promise<void> {
  let result: USBOutTransferResult;
  try {
    result = data ? await device.controlTransferOut(setup, data) : await device.controlTransferOut(setup);
  } catch (e) {
    throw usbError(e, `control transfer ${describe(setup)}`);
  }
  if (result.status !== 'ok') {
    throw new MeterError('PROTOCOL', `The USB serial chip refused ${describe(setup)} (${result.status}).`);
  }
}

/** A control transfer in; resolves to the bytes, or to undefined when the chip STALLs (used to probe). */
export async function controlInOrStall(device: UsbDeviceLike, setup: ControlSetup, length: number): Promise<Uint8Array | undefined> {
  let result: USBInTransferResult;
  try {
    result = await device.controlTransferIn(setup, length);
  } catch (e) {
    throw usbError(e, `control transfer ${describe(setup)}`);
  }
  if (result.status === 'stall') return undefined;
  if (result.status !== 'ok' || !result.data) {
    throw new MeterError('PROTOCOL', `The USB serial chip answered ${describe(setup)} with ${result.status}.`);
  }
  return new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength).slice();
}

export async function controlIn(device: UsbDeviceLike, setup: ControlSetup, length: number): Promise<Uint8Array> {
  const data = await controlInOrStall(device, setup, length);
  if (!data) throw new MeterError('PROTOCOL', `The USB serial chip refused ${describe(setup)} (stall).`);
  if (data.length < length) throw new MeterError('LENGTH', `The USB serial chip answered ${describe(setup)} with ${data.length} of ${length} bytes.`);
  return data;
}

/**
 * WebUSB rejects with DOMExceptions: NotFoundError / NetworkError when the device is gone, InvalidStateError
 * when it was closed, AbortError when close() cut a transfer. All of them mean the port is lost to us.
 */
export function usbError(e: unknown, what: string): MeterError {
  if (e instanceof MeterError) return e;
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : 'Error';
  const message = typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return new MeterError('PORT_LOST', `USB ${what} failed: ${name}: ${message}`, { cause: e });
}

/** Find the first interface with the given class, and its bulk endpoints. */
export function findInterface(
  device: UsbDeviceLike,
  match: (alt: USBAlternateInterface) => boolean,
): { interfaceNumber: number; alt: USBAlternateInterface } | undefined {
  const config = device.configuration;
  if (!config) return undefined;
  for (const itf of config.interfaces) {
    const alt = itf.alternates.find(match) ?? (match(itf.alternate) ? itf.alternate : undefined);
    if (alt) return { interfaceNumber: itf.interfaceNumber, alt };
  }
  return undefined;
}

export function bulkEndpoints(alt: USBAlternateInterface, chip: string): { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } {
  const inEp = alt.endpoints.find((e) => e.type === 'bulk' && e.direction === 'in');
  const outEp = alt.endpoints.find((e) => e.type === 'bulk' && e.direction === 'out');
  if (!inEp || !outEp) throw new MeterError('UNSUPPORTED', `The ${chip} USB serial device has no bulk in/out endpoint pair.`);
  return {
    bulkIn: { endpointNumber: inEp.endpointNumber, packetSize: inEp.packetSize },
    bulkOut: { endpointNumber: outEp.endpointNumber, packetSize: outEp.packetSize },
  };
}

/** Select configuration 1 when the device has none selected (Android leaves it unconfigured at times). */
export async function ensureConfigured(device: UsbDeviceLike): Promise<void> {
  try {
    if (!device.opened) await device.open();
    if (!device.configuration) await device.selectConfiguration(1);
  } catch (e) {
    throw usbError(e, 'open');
  }
}

export async function claim(device: UsbDeviceLike, interfaceNumber: number): Promise<void> {
  try {
    await device.claimInterface(interfaceNumber);
  } catch (e) {
    throw usbError(e, `claiming interface ${interfaceNumber} (another app or driver may hold it)`);
  }
}

/**
 * The open step the single-interface vendor chips share: the device opened and configured, the first
 * interface with bulk endpoints found and claimed. Returns its number and bulk endpoint pair.
 */
export async function claimBulkInterface(
  device: UsbDeviceLike,
  chip: string,
): Promise<{ interfaceNumber: number; endpoints: { bulkIn: UsbEndpointRef; bulkOut: UsbEndpointRef } }> {
  await ensureConfigured(device);
  const itf = findInterface(device, (a) => a.endpoints.some((e) => e.type === 'bulk'));
  if (!itf) throw new MeterError('UNSUPPORTED', `The ${chip} device has no interface with bulk endpoints.`);
  const endpoints = bulkEndpoints(itf.alt, chip);
  await claim(device, itf.interfaceNumber);
  return { interfaceNumber: itf.interfaceNumber, endpoints };
}

export function unsupportedLine(chip: string, line: LineSettings, why: string): MeterError {
  return new MeterError('UNSUPPORTED', `The ${chip} cannot run ${line.baudRate} ${line.dataBits}${line.parity[0].toUpperCase()}${line.stopBits}: ${why}`);
}
