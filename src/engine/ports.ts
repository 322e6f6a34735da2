/**
 * Which link a device uses. Devices naming the same serial port share one link (RS-485 multi-drop) and
 * take turns on it; every TCP device has a link of its own.
 */
import type { DeviceConfig } from '../config/types';

/** Key of the link (and of its turn-taking lock). */
export function linkKey(device: DeviceConfig): string {
  if (device.transport === 'tcp') return `tcp:${device.device_alias}`;
  return device.device ? `serial:${device.device}` : `serial-device:${device.device_alias}`;
}

/** Tag the trace shows and the CLI's `-p PORT` filters on. */
export function portTag(device: DeviceConfig): string {
  if (device.transport === 'tcp') return `${device.ip ?? '?'}:${device.port ?? '?'}`;
  return device.device ?? device.device_alias;
}
