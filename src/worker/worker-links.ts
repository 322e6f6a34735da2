/**
 * The port a device names, opened in the worker:
 * - `DEMO…` ports reach the built-in simulators (src/sim/demo.ts);
 * - ip + port go through the WebSocket bridge whose address and token Settings keeps;
 * - any other port name is a Web Serial port the user granted and bound to that name.
 */
import type { Clock } from '../core/clock';
import type { Link } from '../core/link';
import type { DeviceConfig } from '../config/types';
import { isDemoPort, openDemoLink } from '../sim/demo';
import { createWebSerialOpener } from '../transports/webserial/device-opener';
import { PortDirectory, type OfferedPort, type PortChoice } from '../transports/webserial/port-directory';
import type { SerialLike, SerialPortInfo } from '../transports/webserial/serial-api';
import { createBridgeOpener } from '../transports/websocket/device-opener';
import { workerStore } from './worker-store';

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

/** Replace the serial ports (the e2e tests' simulated probes); the bindings are kept. */
export function useSerialSource(serial: SerialLike): void {
  serialSource = serial;
  directory = undefined;
}

export async function rememberPort(name: string, choice: { info: SerialPortInfo; index: number }, wallTime: number): Promise<void> {
  await ports().remember(name, choice, wallTime);
}

export async function offeredPorts(): Promise<{ remembered: OfferedPort[]; unassigned: PortChoice[] }> {
  return ports().offered();
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
  return createWebSerialOpener({ directory: ports(), clock })(device);
}
