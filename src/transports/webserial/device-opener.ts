/**
 * The worker's transport factory for serial devices: configuration port name -> granted SerialPort ->
 * open WebSerialLink at the device's line settings, DTR/RTS as configured. The engine calls it again for
 * every reconnect, so a replugged probe (a new SerialPort object) is found afresh each time.
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { LineSettings, Link, Parity } from '../../core/link';
import type { Protocol } from '../../config/types';
import { rxLimitFor } from '../rx-limits';
import { decorateLink } from '../../core/decorate-link';
import { isFixedRate, type PortDirectory } from './port-directory';
import { openWebSerialLink, type WebSerialLinkOptions } from './webserial-link';

/** The fields of a serial device configuration this needs (a subset of config's DeviceConfig). */
export interface SerialDeviceFields {
  device_alias: string;
  device?: string;
  baudrate: number;
  databits: number;
  parity: Parity;
  stopbits: 1 | 2;
  dtr?: 0 | 1;
  rts?: 0 | 1;
  /** With these the receive limit fits the protocol (rx-limits.ts); without, the largest one applies. */
  protocol?: Protocol;
  mode?: string;
  meter_model?: number;
}

export function lineOfDevice(d: SerialDeviceFields): LineSettings {
  if (d.databits !== 7 && d.databits !== 8) {
    throw new MeterError('UNSUPPORTED', `${d.device_alias}: Web Serial supports only 7 or 8 data bits, not ${d.databits}.`);
  }
  return { baudRate: d.baudrate, dataBits: d.databits, parity: d.parity, stopBits: d.stopbits };
}

export interface WebSerialOpenerOptions {
  directory: PortDirectory;
  clock: Clock;
  bufferSize?: number;
  log?: (portName: string, message: string) => void;
}

export function createWebSerialOpener(opts: WebSerialOpenerOptions): (device: SerialDeviceFields) => Promise<Link> {
  return async (device) => {
    const name = device.device ?? device.device_alias;
    const line = lineOfDevice(device);
    const port = await opts.directory.resolve(name);
    if (!port) {
      throw new MeterError('PORT_LOST', `No serial port is chosen for ${name}, or its device is not plugged in. Choose it on the Read page (Web Serial picker).`);
    }
    const linkOpts: WebSerialLinkOptions = {
      clock: opts.clock,
      line,
      dtr: (device.dtr ?? 1) === 1,
      rts: (device.rts ?? 1) === 1,
      ...(opts.bufferSize !== undefined ? { bufferSize: opts.bufferSize } : {}),
      ...(device.protocol !== undefined ? { rxLimitBytes: rxLimitFor({ ...device, protocol: device.protocol }) } : {}),
      ...(opts.log ? { log: (m: string) => opts.log?.(name, m) } : {}),
    };
    const link = await openWebSerialLink(port, linkOpts);
    // A probe that cannot switch (Bluetooth SPP unless marked otherwise): IEC sessions read at this rate.
    if (!isFixedRate((await opts.directory.binding(name)) ?? { info: port.getInfo() })) return link;
    opts.log?.(name, `${port.getInfo().bluetoothServiceClassId !== undefined ? 'Bluetooth' : 'serial'} probe at a fixed rate: no baud switch, IEC 62056-21 reads at the sign-on rate`);
    return fixedRateLink(link);
  };
}

/** `link` telling the sessions it cannot switch: its highest rate is always the one in use. */
export function fixedRateLink(link: Link): Link {
  return Object.defineProperty(decorateLink(link, {}), 'maxBaudRate', { get: () => link.line.baudRate, enumerable: true });
}
