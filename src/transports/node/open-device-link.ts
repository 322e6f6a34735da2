/**
 * The Node transport factory the engine is given: a device with ip/port gets a TCP link, a device with
 * `device` a serial port. `device` is a path (/dev/ttyUSB0, COM3) or a port name (PORT1) that the
 * caller maps to a path.
 */
import type { DeviceConfig } from '../../config/types';
import { MeterError } from '../../core/errors';
import type { LineSettings, Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import { rxLimitFor } from '../rx-limits';
import type { SerialLinkOptions } from './serial-link';
import { connectTcp } from './tcp-link';

export interface NodeLinkOptions {
  /** Port name -> system path (the CLI's --map PORT1=/dev/ttyUSB0). */
  portMap?: ReadonlyMap<string, string>;
  /** Trace per port tag, for what the transports notice but do not fail on. */
  log?: (port: string) => SessionLog;
}

/** A name like PORT1 is a WCC Lite port name, not a path: it must be mapped. */
export function looksLikePortName(device: string): boolean {
  return /^PORT\d+$/i.test(device);
}

/** The system path for a device's `device` field, or a CONFIG_INVALID error saying how to map it. */
export function resolveSerialPath(device: string, portMap?: ReadonlyMap<string, string>): string {
  const mapped = portMap?.get(device);
  if (mapped) return mapped;
  if (looksLikePortName(device)) {
    throw new MeterError('CONFIG_INVALID', `"${device}" is a port name: map it to a serial port, e.g. --map ${device}=/dev/ttyUSB0.`);
  }
  return device;
}

/** The line a serial device opens with, from its configuration. */
export function lineOf(device: DeviceConfig): LineSettings {
  const dataBits = device.databits;
  if (dataBits !== 7 && dataBits !== 8) {
    throw new MeterError('UNSUPPORTED', `${device.device_alias}: ${dataBits} data bits are not supported (7 or 8).`);
  }
  return { baudRate: device.baudrate, dataBits, parity: device.parity, stopBits: device.stopbits };
}

export function createNodeOpenLink(opts: NodeLinkOptions = {}): (device: DeviceConfig) => Promise<Link> {
  return async (device) => {
    if (device.transport === 'tcp') {
      if (!device.ip || device.port === undefined) throw new MeterError('CONFIG_INVALID', `${device.device_alias}: ip and port are required for TCP.`);
      return connectTcp({ host: device.ip, port: device.port, connectTimeoutMs: Math.max(1000, device.timeout_ms), rxLimitBytes: rxLimitFor(device) });
    }
    if (!device.device) throw new MeterError('CONFIG_INVALID', `${device.device_alias}: no serial port ("device") is configured.`);
    const path = resolveSerialPath(device.device, opts.portMap);
    // Loaded on first use: the native serialport binding is not needed (nor loaded) for TCP-only work.
    const { SerialLink } = await import('./serial-link');
    const serial: SerialLinkOptions = { path, line: lineOf(device), dtr: device.dtr === 1, rts: device.rts === 1, rxLimitBytes: rxLimitFor(device) };
    const log = opts.log?.(device.device);
    if (log) serial.log = log;
    return SerialLink.open(serial);
  };
}
