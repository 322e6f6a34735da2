/**
 * From a configured IEC 62056-21 device (WCC Lite field names, DESIGN section 3) to session options.
 * Validation of the configuration itself is the config module's job; this only translates.
 */
import { LINE_300_7E1, type LineSettings, type Parity } from '../../core/link';
import type { IecSessionOptions } from './options';

export interface IecDeviceConfig {
  serialnumber?: string | number;
  type?: string;
  poll_delay_ms?: number;
  t2?: number;
  serial_close_delay?: number;
  timeout_ms?: number;
  retry_counter?: number;
  password?: string;
  baudrate?: number;
  databits?: number;
  parity?: string;
  stopbits?: number;
}

export function iecOptionsFromConfig(d: IecDeviceConfig): IecSessionOptions {
  const sn = d.serialnumber === undefined ? '' : String(d.serialnumber).trim();
  const type = (d.type ?? 'C').toUpperCase();
  const opts: IecSessionOptions = {
    address: sn === '0' ? '' : sn,
    mode: type === 'A' || type === 'B' ? type : 'C',
    pollDelayMs: d.poll_delay_ms ?? 200,
    t2Ms: d.t2 ?? 300,
    closeDelayMs: d.serial_close_delay ?? 400,
    timeoutMs: d.timeout_ms ?? 2500,
    retries: d.retry_counter ?? 3,
  };
  if (d.baudrate !== undefined || d.databits !== undefined || d.parity !== undefined || d.stopbits !== undefined) {
    const parity = (d.parity ?? LINE_300_7E1.parity).toLowerCase() as Parity;
    const line: LineSettings = {
      baudRate: d.baudrate ?? LINE_300_7E1.baudRate,
      dataBits: d.databits === 8 ? 8 : 7,
      parity: parity === 'none' || parity === 'odd' ? parity : 'even',
      stopBits: d.stopbits === 2 ? 2 : 1,
    };
    opts.initialLine = line;
  }
  return opts;
}

/** `type: 'D'` devices are listened to (`listenModeD`) instead of being asked (`readout`). */
export function isModeDDevice(d: IecDeviceConfig): boolean {
  return (d.type ?? '').toUpperCase() === 'D';
}
