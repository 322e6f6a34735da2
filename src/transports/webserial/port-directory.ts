/**
 * Which SerialPort is which, across the page and the worker and across visits.
 *
 * A SerialPort cannot be posted to a worker, and `requestPort()` works only in a window on a click. So the
 * page asks the user for a port and posts `port.getInfo()` (USB vendor and product id) to the worker; the
 * worker finds the same device in `navigator.serial.getPorts()` and owns it from then on. The browser keeps
 * the permission, so `getPorts()` lists the same devices on the next visit: they are offered again, and a
 * port name from the configuration (PORT1) is mapped to one of them by a remembered entry.
 *
 * Browsers do not expose USB serial numbers: two adapters with the same vendor and product id are told
 * apart only by their order in getPorts() (`index`), which is stable while both stay plugged in.
 */
import { isBluetoothInfo, normalizeServiceClassId, SPP_SERVICE_CLASS_ID, type SerialLike, type SerialPortInfo, type SerialPortLike } from './serial-api';

/** A port as the UI shows it and the settings store remember it. Plain data (structured-clone safe). */
export interface PortChoice {
  /** Stable while the device stays the same kind and position: `usb-0403:6001#0`. */
  key: string;
  info: SerialPortInfo;
  /** Nth of the granted ports with this vendor and product id. */
  index: number;
  label: string;
}

/** A configuration port name (PORT1, or what the user typed) bound to a device. */
export interface RememberedPort {
  name: string;
  key: string;
  info: SerialPortInfo;
  index: number;
  label: string;
  /** Wall time of the last successful open. */
  lastUsed?: number;
  /**
   * The probe cannot change its line rate (a Bluetooth SPP probe's UART runs at what its firmware set,
   * whatever the browser asks), so IEC mode C and E read at the sign-on rate. Unset: true for
   * Bluetooth, false for USB (see `isFixedRate`).
   */
  fixedRate?: boolean;
}

/** Whether a binding's probe reads at its initial rate only (the user's mark, else known from its kind). */
export const isFixedRate = (r: Pick<RememberedPort, 'info' | 'fixedRate'>): boolean => r.fixedRate ?? isBluetoothInfo(r.info);

/** Where remembered ports are kept (the worker backs it with the app's IndexedDB settings). */
export interface PortMemoryStore {
  load(): Promise<unknown>;
  save(value: RememberedPort[]): Promise<void>;
}

const VENDORS: Record<number, string> = {
  0x0403: 'FTDI',
  0x10c4: 'Silicon Labs CP210x',
  0x1a86: 'WCH CH340',
  0x067b: 'Prolific PL2303',
  0x2341: 'Arduino',
  0x0483: 'STMicroelectronics',
};

const hex4 = (n: number | undefined) => (n === undefined ? '????' : n.toString(16).padStart(4, '0'));

/** The service class id in the one form getInfo() may give it in several (a number, a short or full UUID). */
const serviceOf = (info: SerialPortInfo): string | undefined =>
  info.bluetoothServiceClassId === undefined ? undefined : (normalizeServiceClassId(info.bluetoothServiceClassId) ?? String(info.bluetoothServiceClassId));

export function portKey(info: SerialPortInfo, index: number): string {
  if (info.usbVendorId === undefined && info.bluetoothServiceClassId !== undefined) return `bt-${serviceOf(info)}#${index}`;
  if (info.usbVendorId === undefined) return `other:${String(info.bluetoothServiceClassId ?? 'unknown')}#${index}`;
  return `usb-${hex4(info.usbVendorId)}:${hex4(info.usbProductId)}#${index}`;
}

export function describePort(info: SerialPortInfo, index = 0): string {
  if (info.usbVendorId === undefined && info.bluetoothServiceClassId !== undefined) {
    const service = serviceOf(info);
    const which = service === SPP_SERVICE_CLASS_ID ? 'SPP' : `service ${service}`;
    return `Bluetooth serial port (${which})${index > 0 ? ` #${index + 1}` : ''}`;
  }
  if (info.usbVendorId === undefined) return 'Serial port';
  const vendor = VENDORS[info.usbVendorId] ?? `USB ${hex4(info.usbVendorId)}`;
  return `${vendor} (${hex4(info.usbVendorId)}:${hex4(info.usbProductId)})${index > 0 ? ` #${index + 1}` : ''}`;
}

function sameDevice(a: SerialPortInfo, b: SerialPortInfo): boolean {
  return a.usbVendorId === b.usbVendorId && a.usbProductId === b.usbProductId && serviceOf(a) === serviceOf(b);
}

/** The `index`th granted port whose getInfo() matches `info` (the worker side of the hand-over). */
export async function findPort(info: SerialPortInfo, serial: SerialLike, index = 0): Promise<SerialPortLike | undefined> {
  const ports = await serial.getPorts();
  const matching = ports.filter((p) => sameDevice(p.getInfo(), info));
  return matching[index];
}

/** Describe every granted port, numbering those that share vendor and product id. */
export async function listPorts(serial: SerialLike): Promise<PortChoice[]> {
  const ports = await serial.getPorts();
  const seen: SerialPortInfo[] = [];
  return ports.map((p) => {
    const info = p.getInfo();
    const index = seen.filter((s) => sameDevice(s, info)).length;
    seen.push(info);
    return { key: portKey(info, index), info, index, label: describePort(info, index) };
  });
}

/** Index of `port` among the granted ports with the same info (what the page posts along with getInfo()). */
export async function indexOfPort(port: SerialPortLike, serial: SerialLike): Promise<number> {
  const info = port.getInfo();
  const same = (await serial.getPorts()).filter((p) => sameDevice(p.getInfo(), info));
  return Math.max(0, same.indexOf(port));
}

export interface OfferedPort extends RememberedPort {
  /** Granted and plugged in right now. */
  available: boolean;
}

/**
 * The remembered port names and the devices behind them. Mapping a name to a device is the user's
 * choice (Settings); the mapping survives reloads through the injected store.
 */
export class PortDirectory {
  private remembered: RememberedPort[] = [];
  private loaded = false;

  constructor(
    private readonly serial: SerialLike,
    private readonly store?: PortMemoryStore,
  ) {}

  async load(): Promise<RememberedPort[]> {
    if (!this.loaded) {
      this.loaded = true;
      const raw = this.store ? await this.store.load() : undefined;
      this.remembered = Array.isArray(raw) ? raw.filter(isRememberedPort) : [];
    }
    return this.remembered.map((r) => ({ ...r, info: { ...r.info } }));
  }

  /** Bind `name` to a device (replacing an earlier binding of that name). */
  async remember(name: string, choice: Pick<PortChoice, 'info' | 'index'>, wallTime?: number): Promise<RememberedPort> {
    await this.load();
    const entry: RememberedPort = {
      name,
      key: portKey(choice.info, choice.index),
      info: { ...choice.info },
      index: choice.index,
      label: describePort(choice.info, choice.index),
      ...(wallTime !== undefined ? { lastUsed: wallTime } : {}),
    };
    // A new device under the same name keeps the user's rate mark only if it is the same probe.
    const before = this.remembered.find((r) => r.name === name);
    if (before?.fixedRate !== undefined && before.key === entry.key) entry.fixedRate = before.fixedRate;
    this.remembered = [...this.remembered.filter((r) => r.name !== name), entry];
    await this.store?.save(this.remembered);
    return entry;
  }

  /** Mark the probe bound to `name` as one that cannot (true) or can (false) change its line rate. */
  async setFixedRate(name: string, fixedRate: boolean): Promise<void> {
    await this.load();
    this.remembered = this.remembered.map((r) => (r.name === name ? { ...r, fixedRate } : r));
    await this.store?.save(this.remembered);
  }

  /** The binding of `name`, if any (what the opener needs besides the port: the rate mark). */
  async binding(name: string): Promise<RememberedPort | undefined> {
    return (await this.load()).find((n) => n.name === name);
  }

  async forget(name: string): Promise<void> {
    await this.load();
    this.remembered = this.remembered.filter((r) => r.name !== name);
    await this.store?.save(this.remembered);
  }

  /** Remembered names with whether their device is there now, then granted devices no name uses yet. */
  async offered(): Promise<{ remembered: OfferedPort[]; unassigned: PortChoice[] }> {
    const names = await this.load();
    const granted = await listPorts(this.serial);
    const keys = new Set(granted.map((g) => g.key));
    const used = new Set(names.map((n) => n.key));
    return {
      remembered: names.map((n) => ({ ...n, available: keys.has(n.key) })),
      unassigned: granted.filter((g) => !used.has(g.key)),
    };
  }

  /**
   * The port for a configuration name: the remembered binding, else (when exactly one port is granted
   * and nothing is bound) that port — a single probe needs no setup.
   */
  async resolve(name: string): Promise<SerialPortLike | undefined> {
    const names = await this.load();
    const bound = names.find((n) => n.name === name);
    if (bound) return findPort(bound.info, this.serial, bound.index);
    if (names.length === 0) {
      const ports = await this.serial.getPorts();
      if (ports.length === 1) return ports[0];
    }
    return undefined;
  }
}

function isRememberedPort(v: unknown): v is RememberedPort {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<RememberedPort>;
  return typeof r.name === 'string' && typeof r.key === 'string' && typeof r.index === 'number' && typeof r.info === 'object' && r.info !== null && typeof r.label === 'string';
}
