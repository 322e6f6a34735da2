/**
 * The parts of the Web Serial API MeterScope uses, typed here (TypeScript's DOM library has no Web Serial
 * types) and kept small so a fake (fake-serial-port.ts) can stand in for `navigator.serial` and a
 * `SerialPort` in Node and in Chromium tests.
 */
import type { Parity } from '../../core/link';

export interface SerialOpenOptions {
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: Parity;
  stopBits?: 1 | 2;
  flowControl?: 'none' | 'hardware';
  /** Size of the browser's read and write buffers (Chromium's default is 255 bytes). */
  bufferSize?: number;
}

/** What `getInfo()` tells about a port. USB serial numbers are not exposed by the browser. */
export interface SerialPortInfo {
  usbVendorId?: number;
  usbProductId?: number;
  bluetoothServiceClassId?: number | string;
}

export interface SerialOutputSignals {
  dataTerminalReady?: boolean;
  requestToSend?: boolean;
  break?: boolean;
}

export interface SerialPortLike {
  /** Non-null while open; a non-fatal error (parity, framing, break, overrun) replaces it with a new stream. */
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  open(options: SerialOpenOptions): Promise<void>;
  /** Rejects while `readable` or `writable` is locked. Closing the writable drains; aborting it discards. */
  close(): Promise<void>;
  setSignals(signals: SerialOutputSignals): Promise<void>;
  getInfo(): SerialPortInfo;
  /** 'disconnect' fires on the port (and bubbles to navigator.serial) when the device goes away. */
  addEventListener(type: 'connect' | 'disconnect', listener: (ev: Event) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (ev: Event) => void): void;
}

export interface SerialPortRequestOptions {
  filters?: { usbVendorId?: number; usbProductId?: number; bluetoothServiceClassId?: number | string }[];
  /**
   * Bluetooth RFCOMM service class ids the picker may offer besides the standard ones. Chromium shows a
   * Bluetooth port whose service is not a standard one (SPP is) only when it is listed here.
   */
  allowedBluetoothServiceClassIds?: (number | string)[];
}

/** The Bluetooth Serial Port Profile's service class (0x1101 in the Bluetooth base UUID). */
export const SPP_SERVICE_CLASS_ID = '00001101-0000-1000-8000-00805f9b34fb';

const BASE_UUID_TAIL = '-0000-1000-8000-00805f9b34fb';

/**
 * A service class id as the user may type it (a full UUID, `0x1101`, `1101`, a 32-bit short id), as the
 * lower-case full UUID Web Serial reports in getInfo(); undefined when it is none of these.
 */
export function normalizeServiceClassId(text: string | number): string | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 && text <= 0xffffffff ? `${text.toString(16).padStart(8, '0')}${BASE_UUID_TAIL}` : undefined;
  const t = text.trim().toLowerCase();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t)) return t;
  const short = /^(?:0x)?([0-9a-f]{4}|[0-9a-f]{8})$/.exec(t);
  return short ? `${short[1]!.padStart(8, '0')}${BASE_UUID_TAIL}` : undefined;
}

/** A port reached over Bluetooth RFCOMM (getInfo() names its service class, no USB ids). */
export const isBluetoothInfo = (info: SerialPortInfo): boolean => info.bluetoothServiceClassId !== undefined && info.usbVendorId === undefined;

/** `navigator.serial`: `getPorts()` works in a dedicated worker; `requestPort()` only in a window, on a click. */
export interface SerialLike {
  getPorts(): Promise<SerialPortLike[]>;
  requestPort?(options?: SerialPortRequestOptions): Promise<SerialPortLike>;
  addEventListener?(type: 'connect' | 'disconnect', listener: (ev: Event) => void): void;
  removeEventListener?(type: 'connect' | 'disconnect', listener: (ev: Event) => void): void;
}

/** `navigator.serial` where the platform has it (Chromium desktop, in windows and dedicated workers). */
export function platformSerial(): SerialLike | undefined {
  // The Web Serial API is absent from TypeScript's DOM types, so the navigator is viewed through this shape.
  const nav = (globalThis as { navigator?: { serial?: SerialLike } }).navigator;
  return nav?.serial;
}
