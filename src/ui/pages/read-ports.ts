/**
 * Where a read goes: the one place the Read page touches Web Serial and the bridge settings.
 *
 * Web Serial's requestPort() exists only in the window and a SerialPort cannot be posted to the
 * worker, so the page asks for the port on a click and hands the worker its getInfo() plus its
 * position among granted ports with the same USB ids; the worker finds the same port in its own
 * getPorts() and owns it from there (EngineApi.rememberPort binds it to a port name such as PORT1).
 */
import { getEngine } from '../engine-client';
import { requestSerialProbe } from '../probe-request';
import { SETTING, getStore } from '../store-client';

export interface PortInfo {
  usbVendorId?: number;
  usbProductId?: number;
  /** Bluetooth RFCOMM ports: their service class (SPP, or the custom one from Settings). */
  bluetoothServiceClassId?: number | string;
}

export interface PortChoice {
  info: PortInfo;
  /** Position among granted ports with the same USB ids (two identical probes differ only by it). */
  index: number;
}

interface SerialPortLike {
  getInfo(): PortInfo;
}

export interface SerialLike {
  requestPort(options?: { filters?: PortInfo[] }): Promise<SerialPortLike>;
  getPorts(): Promise<SerialPortLike[]>;
}

function browserSerial(): SerialLike | undefined {
  const nav = globalThis.navigator as (Navigator & { serial?: SerialLike }) | undefined;
  return nav?.serial && typeof nav.serial.requestPort === 'function' ? nav.serial : undefined;
}

export function hasWebSerial(serial: SerialLike | undefined = browserSerial()): boolean {
  return serial !== undefined;
}

/** USB-serial chips found in optical probes, so the port list says more than two hex numbers. */
const CHIPS: Record<number, string> = {
  0x0403: 'FTDI',
  0x10c4: 'Silicon Labs CP210x',
  0x1a86: 'WCH CH340',
  0x067b: 'Prolific PL2303',
};

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** "FTDI (USB 0403:6001)", "USB 1234:0001", or a plain "Serial port" for built-in UARTs. */
export function describePort(info: PortInfo): string {
  if (info.usbVendorId === undefined) return info.bluetoothServiceClassId !== undefined ? 'Bluetooth serial port' : 'Serial port (not USB)';
  const id = `USB ${hex4(info.usbVendorId)}:${hex4(info.usbProductId ?? 0)}`;
  const chip = CHIPS[info.usbVendorId];
  return chip ? `${chip} (${id})` : id;
}

/**
 * Opens the browser's port picker; must be called from a click. Resolves undefined when the user
 * closes the picker without choosing.
 */
export async function choosePort(serial: SerialLike | undefined = browserSerial()): Promise<PortChoice | undefined> {
  if (!serial) throw new Error('This browser has no Web Serial: use Chrome or Edge on a desktop, the bridge, or the demo meter.');
  // USB and Bluetooth (SPP and the custom service from Settings) probes: src/ui/probe-request.ts.
  return requestSerialProbe(serial);
}

/**
 * Serial port names the configuration uses (`device` of devices without an IP address), the demo's
 * built-in ports left out: these are the names a chosen probe can be bound to.
 */
export function configPortNames(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const doc = JSON.parse(raw) as { devices?: unknown };
    const names = new Set<string>();
    for (const d of Array.isArray(doc.devices) ? doc.devices : []) {
      if (!d || typeof d !== 'object') continue;
      const { device, ip } = d as { device?: unknown; ip?: unknown };
      if (typeof device === 'string' && device && !ip && !/^DEMO/i.test(device)) names.add(device);
    }
    return [...names];
  } catch {
    return [];
  }
}

/** Bind a configuration port name to a granted port; the worker remembers it across visits. */
export function usePort(name: string, choice: PortChoice): Promise<void> {
  return getEngine().rememberPort(name, choice);
}

export function offeredPorts() {
  return getEngine().offeredPorts();
}

export interface BridgeTarget {
  url: string;
  hasToken: boolean;
}

/** The bridge the Settings page stored; the token itself never leaves the store here. */
export async function bridgeTarget(): Promise<BridgeTarget | undefined> {
  const store = await getStore();
  const [url, token] = await Promise.all([store.getSetting<string>(SETTING.bridgeUrl), store.getSetting<string>(SETTING.bridgeToken)]);
  if (typeof url !== 'string' || !url) return undefined;
  return { url, hasToken: typeof token === 'string' && token.length > 0 };
}
