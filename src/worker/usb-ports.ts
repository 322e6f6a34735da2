/**
 * USB probes over WebUSB, for where Web Serial has no USB ports (Android Chrome today, or a browser
 * without navigator.serial). A port name's binding is the same as for Web Serial (USB vendor and product
 * id, and the position among granted devices with those ids; port-directory.ts), so one remembered
 * binding serves both paths: when it is opened, Web Serial is used if it offers the device, WebUSB
 * (src/transports/webusb, a user-space driver per chip) otherwise.
 *
 * Only the window can ask for a device (`navigator.usb.requestDevice`); the worker finds it again in its
 * own `navigator.usb.getDevices()` (WebUSB is exposed in dedicated workers in Chromium) and owns it.
 */
import type { Clock } from '../core/clock';
import { MeterError } from '../core/errors';
import type { Link } from '../core/link';
import { rxLimitFor } from '../transports/rx-limits';
import { createWebSerialOpener, fixedRateLink, lineOfDevice, type SerialDeviceFields } from '../transports/webserial/device-opener';
import { isFixedRate, portKey, type PortChoice, type PortDirectory, type RememberedPort } from '../transports/webserial/port-directory';
import type { SerialLike, SerialPortInfo } from '../transports/webserial/serial-api';
import { describeUsbDevice, identifyChip, openWebUsbLink, type UsbDeviceLike, type UsbEventSource, type UsbSerialChip } from '../transports/webusb';

/** `navigator.usb` as far as the worker uses it (a real one, or the e2e seam's fake). */
export interface UsbLike extends UsbEventSource {
  getDevices(): Promise<UsbDeviceLike[]>;
}

/** How a probe is reached, as Settings says it. */
export type ProbePath = 'usb-webserial' | 'usb-webusb' | 'bluetooth-webserial' | 'serial';

const CHIP_NAMES: Record<UsbSerialChip, string> = { ftdi: 'FTDI', cp210x: 'CP210x', ch34x: 'CH34x', pl2303: 'PL2303', 'cdc-acm': 'CDC-ACM' };

export function describePath(path: ProbePath, chip?: UsbSerialChip): string {
  switch (path) {
    case 'usb-webserial':
      return 'USB via Web Serial';
    case 'usb-webusb':
      return `USB via WebUSB (${chip ? CHIP_NAMES[chip] : 'unknown'} driver)`;
    case 'bluetooth-webserial':
      return 'Bluetooth via Web Serial';
    case 'serial':
      return 'Serial port via Web Serial';
  }
}

/** navigator.usb in this worker, or undefined where the browser has none. */
export function platformUsb(): UsbLike | undefined {
  // WebUSB's types come from @types/w3c-web-usb; the worker's navigator is viewed through this shape.
  const nav = (globalThis as { navigator?: { usb?: UsbLike } }).navigator;
  return nav?.usb && typeof nav.usb.getDevices === 'function' ? nav.usb : undefined;
}

const infoOf = (d: UsbDeviceLike): SerialPortInfo => ({ usbVendorId: d.vendorId, usbProductId: d.productId });

/** Granted WebUSB devices that are serial adapters MeterScope can drive, numbered like serial ports. */
export async function listUsbDevices(usb: UsbLike | undefined): Promise<(PortChoice & { device: UsbDeviceLike; chip: UsbSerialChip })[]> {
  if (!usb) return [];
  const out: (PortChoice & { device: UsbDeviceLike; chip: UsbSerialChip })[] = [];
  for (const device of await usb.getDevices()) {
    const chip = identifyChip(device);
    if (!chip) continue;
    const info = infoOf(device);
    const index = out.filter((o) => o.info.usbVendorId === info.usbVendorId && o.info.usbProductId === info.usbProductId).length;
    out.push({ key: portKey(info, index), info, index, label: describeUsbDevice(device), device, chip });
  }
  return out;
}

/**
 * The WebUSB device to use for port `name`, or undefined when Web Serial offers it (or nothing does).
 * Unbound names: the only USB probe there is, when Web Serial has no port at all.
 */
export async function webUsbDeviceFor(
  name: string,
  directory: PortDirectory,
  usb: UsbLike | undefined,
  serialPortCount: () => Promise<number>,
): Promise<{ device: UsbDeviceLike; chip: UsbSerialChip; binding?: RememberedPort } | undefined> {
  if (!usb) return undefined;
  const binding = await directory.binding(name);
  if (binding) {
    if (binding.info.usbVendorId === undefined) return undefined; // Bluetooth or built-in: Web Serial only
    if (await directory.resolve(name)) return undefined; // Web Serial offers it: it wins
    const found = (await listUsbDevices(usb)).find((d) => d.key === binding.key);
    return found ? { device: found.device, chip: found.chip, binding } : undefined;
  }
  if ((await directory.load()).length > 0 || (await serialPortCount()) > 0) return undefined;
  const all = await listUsbDevices(usb);
  return all.length === 1 ? { device: all[0]!.device, chip: all[0]!.chip } : undefined;
}

export interface WebUsbOpenOptions {
  clock: Clock;
  usb: UsbEventSource;
  log?: (portName: string, message: string) => void;
}

/** Open a WebUSB probe at the device's line settings, DTR/RTS as configured (as the Web Serial opener). */
export async function openWebUsbProbe(
  found: { device: UsbDeviceLike; chip: UsbSerialChip; binding?: RememberedPort },
  device: SerialDeviceFields,
  opts: WebUsbOpenOptions,
): Promise<Link> {
  const name = device.device ?? device.device_alias;
  const line = lineOfDevice(device);
  const link = await openWebUsbLink(found.device, line, {
    clock: opts.clock,
    usb: opts.usb,
    chip: found.chip,
    dtr: (device.dtr ?? 1) === 1,
    rts: (device.rts ?? 1) === 1,
    ...(device.protocol !== undefined ? { rxLimitBytes: rxLimitFor({ ...device, protocol: device.protocol }) } : {}),
    onTrace: (s) => opts.log?.(name, s),
  }).catch((e: unknown) => {
    if (e instanceof MeterError) throw e;
    throw new MeterError('PORT_LOST', `The USB probe for ${name} could not be opened over WebUSB: ${e instanceof Error ? e.message : String(e)}`);
  });
  opts.log?.(name, `${name}: ${describePath('usb-webusb', found.chip)}`);
  return found.binding && isFixedRate(found.binding) ? fixedRateLink(link) : link;
}

/** The path a binding (or a granted port) takes now: Web Serial if it lists it, WebUSB if only that does. */
export function pathOf(info: SerialPortInfo, inSerial: boolean, usbChip: UsbSerialChip | undefined): { path: ProbePath; text: string } {
  if (info.usbVendorId === undefined) {
    const path: ProbePath = info.bluetoothServiceClassId !== undefined ? 'bluetooth-webserial' : 'serial';
    return { path, text: describePath(path) };
  }
  if (inSerial || !usbChip) return { path: 'usb-webserial', text: describePath('usb-webserial') };
  return { path: 'usb-webusb', text: describePath('usb-webusb', usbChip) };
}

/**
 * The opener for probes: Web Serial when it offers the device a port name is bound to, WebUSB when only
 * WebUSB has it (or when it is the one USB probe and Web Serial has no port at all).
 */
export function createProbeOpener(o: { directory: PortDirectory; serial: SerialLike; usb: UsbLike | undefined; clock: Clock; log?: (portName: string, message: string) => void }): (device: SerialDeviceFields) => Promise<Link> {
  const webSerial = createWebSerialOpener({ directory: o.directory, clock: o.clock, ...(o.log ? { log: o.log } : {}) });
  return async (device) => {
    const name = device.device ?? device.device_alias;
    const viaUsb = await webUsbDeviceFor(name, o.directory, o.usb, async () => (await o.serial.getPorts()).length);
    if (viaUsb && o.usb) return openWebUsbProbe(viaUsb, device, { clock: o.clock, usb: o.usb, ...(o.log ? { log: o.log } : {}) });
    return webSerial(device);
  };
}
