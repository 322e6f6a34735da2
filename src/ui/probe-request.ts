/**
 * Asking the browser for a probe, on a click (only a window may): a serial port through Web Serial
 * (USB, and Bluetooth RFCOMM: the Serial Port Profile and the custom service the user set in Settings),
 * or a USB adapter through WebUSB where Web Serial has no USB (Android Chrome). Either way the page hands
 * the worker the device's ids and its position among granted devices with the same ids; the worker finds
 * it again in its own getPorts() / getDevices() and picks the path when it opens it (src/worker/usb-ports.ts).
 */
import { getEngine } from './engine-client';
import { getStore } from './store-client';

export interface ProbeInfo {
  usbVendorId?: number;
  usbProductId?: number;
  bluetoothServiceClassId?: number | string;
}

export interface ProbeChoice {
  info: ProbeInfo;
  index: number;
}

/** The Bluetooth Serial Port Profile's service class (0x1101 in the Bluetooth base UUID). */
export const SPP_UUID = '00001101-0000-1000-8000-00805f9b34fb';
/** Settings key of the custom Bluetooth service class a probe may use instead of SPP. */
export const BT_SERVICE_KEY = 'probe.btService';

const BASE_TAIL = '-0000-1000-8000-00805f9b34fb';

/**
 * A service class as typed (a full UUID, `0x1101`, `1101`, a 32-bit short id), as the lower-case full
 * UUID; undefined when it is none of these. (The worker's twin is serial-api.ts normalizeServiceClassId;
 * the page may not import transport code.)
 */
export function normalizeServiceUuid(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t)) return t;
  const short = /^(?:0x)?([0-9a-f]{4}|[0-9a-f]{8})$/.exec(t);
  return short ? `${short[1]!.padStart(8, '0')}${BASE_TAIL}` : undefined;
}

interface RequestOptions {
  filters?: ProbeInfo[];
  allowedBluetoothServiceClassIds?: string[];
}

interface SerialPortLike {
  getInfo(): ProbeInfo;
}

interface SerialLike {
  requestPort(options?: RequestOptions): Promise<SerialPortLike>;
  getPorts(): Promise<SerialPortLike[]>;
}

interface UsbDeviceLike {
  vendorId: number;
  productId: number;
}

interface UsbLike {
  requestDevice(options: { filters: USBDeviceFilter[] }): Promise<UsbDeviceLike>;
  getDevices(): Promise<UsbDeviceLike[]>;
}

function browserSerial(): SerialLike | undefined {
  const nav = globalThis.navigator as (Navigator & { serial?: SerialLike }) | undefined;
  return nav?.serial && typeof nav.serial.requestPort === 'function' ? nav.serial : undefined;
}

function browserUsb(): UsbLike | undefined {
  const nav = globalThis.navigator as (Navigator & { usb?: UsbLike }) | undefined;
  return nav?.usb && typeof nav.usb.requestDevice === 'function' ? nav.usb : undefined;
}

export const hasWebUsb = (usb: UsbLike | undefined = browserUsb()): boolean => usb !== undefined;

/**
 * Whether to offer WebUSB's picker: where WebUSB exists and Web Serial has no USB ports (Android
 * Chrome, or a browser without Web Serial). On a desktop Web Serial reaches USB probes through the
 * system's own drivers, which also keep WebUSB from claiming them.
 */
export function webUsbNeeded(nav: { userAgent?: string; serial?: unknown; usb?: unknown } | undefined = globalThis.navigator as never): boolean {
  if (!nav || !hasWebUsb(nav.usb as UsbLike | undefined)) return false;
  return !nav.serial || /\bAndroid\b/i.test(nav.userAgent ?? '');
}

/**
 * requestPort's options: SPP and the custom service allowed, and no filters, since a filter list would
 * hide every USB adapter not in it (probes come with many chips, some with their own ids).
 */
export function serialRequestOptions(customService: string | undefined): RequestOptions {
  const custom = customService ? normalizeServiceUuid(customService) : undefined;
  return { allowedBluetoothServiceClassIds: custom && custom !== SPP_UUID ? [SPP_UUID, custom] : [SPP_UUID] };
}

/**
 * The custom service, read ahead: the picker must open while the click's activation is fresh (a few
 * seconds), so nothing is awaited between the click and requestPort.
 */
let knownService: string | undefined;
let serviceLoading: Promise<void> | undefined;

export function prefetchCustomService(): Promise<void> {
  serviceLoading ??= getStore()
    .then((s) => s.getSetting(BT_SERVICE_KEY))
    .then((v) => void (knownService = typeof v === 'string' && v ? v : undefined))
    .catch(() => undefined);
  return serviceLoading;
}

/** Settings saved a new custom service (or cleared it). */
export function useCustomService(uuid: string | undefined): void {
  knownService = uuid || undefined;
}

const sameInfo = (a: ProbeInfo, b: ProbeInfo) =>
  a.usbVendorId === b.usbVendorId && a.usbProductId === b.usbProductId && String(a.bluetoothServiceClassId ?? '').toLowerCase() === String(b.bluetoothServiceClassId ?? '').toLowerCase();

const isNotFound = (e: unknown) => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NotFoundError';

/**
 * Web Serial's picker (USB and Bluetooth probes). Resolves undefined when the user closes it without a
 * choice. `service`: the custom Bluetooth service (default: the one from Settings, read ahead).
 */
export async function requestSerialProbe(serial: SerialLike | undefined = browserSerial(), service: string | undefined = knownService): Promise<ProbeChoice | undefined> {
  if (!serial) throw new Error('This browser has no Web Serial: use Chrome or Edge, the bridge, or the demo meter.');
  let port: SerialPortLike;
  try {
    port = await serial.requestPort(serialRequestOptions(service));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const info = port.getInfo();
  const twins = (await serial.getPorts()).filter((p) => sameInfo(p.getInfo(), info));
  const index = twins.indexOf(port);
  return { info, index: index >= 0 ? index : Math.max(0, twins.length - 1) };
}

let filters: Promise<USBDeviceFilter[]> | undefined;
let usbFiltersNow: USBDeviceFilter[] | undefined;

/** The chips' filters come from the worker (the driver table lives with the drivers); asked once, ahead. */
export function prefetchUsbFilters(): Promise<USBDeviceFilter[]> {
  filters ??= getEngine()
    .usbProbeFilters()
    .then((f) => (usbFiltersNow = f))
    .catch((e: unknown) => {
      filters = undefined;
      throw e;
    });
  return filters;
}

/** WebUSB's picker, offering the USB serial adapters MeterScope has drivers for. */
export async function requestUsbProbe(usb: UsbLike | undefined = browserUsb(), knownFilters?: USBDeviceFilter[]): Promise<ProbeChoice | undefined> {
  if (!usb) throw new Error('This browser has no WebUSB.');
  let device: UsbDeviceLike;
  try {
    device = await usb.requestDevice({ filters: knownFilters ?? usbFiltersNow ?? (await prefetchUsbFilters()) });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const info = { usbVendorId: device.vendorId, usbProductId: device.productId };
  const twins = (await usb.getDevices()).filter((d) => d.vendorId === device.vendorId && d.productId === device.productId);
  const index = twins.indexOf(device);
  return { info, index: index >= 0 ? index : Math.max(0, twins.length - 1) };
}

/** Read ahead what the pickers need, so a click opens them at once (called when the probe card shows). */
export function prefetchProbeRequests(): void {
  void prefetchCustomService();
  if (webUsbNeeded()) void prefetchUsbFilters().catch(() => undefined);
}
