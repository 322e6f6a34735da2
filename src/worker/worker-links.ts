/**
 * The port a device names, opened in the worker:
 * - `DEMO…` ports reach the built-in simulators (src/sim/demo.ts);
 * - ip + port go through the WebSocket bridge whose address and token Settings keeps;
 * - any other port name is a probe the user granted and bound to that name: through Web Serial when it
 *   offers the device, else a USB probe through WebUSB (usb-ports.ts).
 */
import type { Clock } from '../core/clock';
import type { Link } from '../core/link';
import type { DeviceConfig } from '../config/types';
import { isDemoPort, openDemoLink } from '../sim/demo';
import { isFixedRate, PortDirectory, type OfferedPort, type PortChoice } from '../transports/webserial/port-directory';
import type { SerialLike, SerialPortInfo } from '../transports/webserial/serial-api';
import { createBridgeOpener } from '../transports/websocket/device-opener';
import { workerStore } from './worker-store';
import { createProbeOpener, listUsbDevices, pathOf, platformUsb, type UsbLike } from './usb-ports';

const PORTS_SETTING = 'serial.ports';

/** navigator.serial in this worker, or an empty stand-in where the browser has none. */
function browserSerial(): SerialLike {
  const nav = (globalThis as { navigator?: { serial?: SerialLike } }).navigator;
  return nav?.serial ?? { getPorts: async () => [], addEventListener() {}, removeEventListener() {} } as unknown as SerialLike;
}

let serialSource: SerialLike | undefined;
let directory: PortDirectory | undefined;

function ports(): PortDirectory {
  directory ??= new PortDirectory((serialSource ??= browserSerial()), {
    load: async () => (await workerStore()).getSetting(PORTS_SETTING),
    save: async (value) => (await workerStore()).setSetting(PORTS_SETTING, value),
  });
  return directory;
}

let usbSource: UsbLike | undefined | null = null; // null: not looked up yet

function usb(): UsbLike | undefined {
  if (usbSource === null) usbSource = platformUsb();
  return usbSource;
}

/** Replace WebUSB's devices (the e2e tests' fake USB probes); the bindings are kept. */
export function useUsbSource(source: UsbLike): void {
  usbSource = source;
}

/** Replace the serial ports (the e2e tests' simulated probes); the bindings are kept. */
export function useSerialSource(serial: SerialLike): void {
  serialSource = serial;
  directory = undefined;
}

export async function rememberPort(name: string, choice: { info: SerialPortInfo; index: number }, wallTime: number): Promise<void> {
  await ports().remember(name, choice, wallTime);
}

type WithPath = { path: string; fixedRate: boolean };

/** Remembered names and granted probes of both paths, each with the path it takes now (Settings shows it). */
export async function offeredPorts(): Promise<{ remembered: (OfferedPort & WithPath)[]; unassigned: (PortChoice & WithPath)[] }> {
  const o = await ports().offered();
  const usbDevices = await listUsbDevices(usb()).catch(() => []);
  const serialKeys = new Set([...o.remembered.filter((r) => r.available).map((r) => r.key), ...o.unassigned.map((u) => u.key)]);
  const chipOf = (key: string) => usbDevices.find((d) => d.key === key)?.chip;
  const remembered = o.remembered.map((r) => ({
    ...r,
    available: r.available || chipOf(r.key) !== undefined,
    path: pathOf(r.info, serialKeys.has(r.key), chipOf(r.key)).text,
    fixedRate: isFixedRate(r),
  }));
  const used = new Set(o.remembered.map((r) => r.key));
  const usbOnly = usbDevices.filter((d) => !used.has(d.key) && !serialKeys.has(d.key)).map(({ key, info, index, label }) => ({ key, info, index, label }));
  const unassigned = [...o.unassigned, ...usbOnly].map((u) => ({ ...u, path: pathOf(u.info, serialKeys.has(u.key), chipOf(u.key)).text, fixedRate: isFixedRate(u) }));
  return { remembered, unassigned };
}

/** Mark the probe bound to `name` as one that cannot (true) or can (false) switch its baud rate. */
export async function setProbeFixedRate(name: string, fixedRate: boolean): Promise<void> {
  await ports().setFixedRate(name, fixedRate);
}

export async function openWorkerLink(device: DeviceConfig, clock: Clock): Promise<Link> {
  if (device.transport === 'serial' && isDemoPort(device.device)) return openDemoLink(device.device!, clock);
  if (device.transport === 'tcp') {
    return createBridgeOpener({
      clock,
      settings: async () => {
        const store = await workerStore();
        const [url, token] = await Promise.all([store.getSetting<string>('bridge.url'), store.getSetting<string>('bridge.token')]);
        return typeof url === 'string' && url ? { url, ...(typeof token === 'string' && token ? { token } : {}) } : undefined;
      },
    })(device);
  }
  return createProbeOpener({ directory: ports(), serial: (serialSource ??= browserSerial()), usb: usb(), clock })(device);
}
