import type { Clock } from '../core/clock';
import { MeterError } from '../core/errors';
import type { Link } from '../core/link';
import type { DeviceConfig } from '../config/types';
import { isDemoPort, openDemoLink } from '../sim/demo';

/**
 * The port a device names, opened in the worker: `DEMO…` ports reach the built-in simulators; serial
 * ports go through Web Serial; ip + port through the WebSocket bridge configured in Settings.
 */
export async function openWorkerLink(device: DeviceConfig, clock: Clock): Promise<Link> {
  if (device.transport === 'serial' && isDemoPort(device.device)) return openDemoLink(device.device!, clock);
  if (device.transport === 'tcp') {
    throw new MeterError('UNSUPPORTED', `${device.ip}:${device.port} is a network meter: the browser reaches it through the WebSocket bridge, which is not connected in this build yet.`);
  }
  throw new MeterError('UNSUPPORTED', `Port ${device.device}: choose a serial port with the Web Serial picker (not connected in this build yet), or use a DEMO port.`);
}
