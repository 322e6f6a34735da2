/**
 * The worker's transport factory for IP devices: a device's `ip` + `port` become the bridge target; the
 * bridge address and token come from Settings, read at every open so a change applies at the next
 * reconnect.
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import { rxLimitFor } from '../rx-limits';
import { openBridgeLink, type WebSocketFactory } from './bridge-link';

export interface BridgeSettings {
  url: string;
  token?: string;
}

export interface BridgeOpenerOptions {
  /** Current Settings values (bridge address and token). */
  settings: () => BridgeSettings | undefined | Promise<BridgeSettings | undefined>;
  clock: Clock;
  createSocket?: WebSocketFactory;
}

export function createBridgeOpener(
  opts: BridgeOpenerOptions,
): (device: { device_alias: string; ip?: string; port?: number } & Partial<Parameters<typeof rxLimitFor>[0]>) => Promise<Link> {
  return async (device) => {
    if (!device.ip || !device.port) throw new MeterError('CONFIG_INVALID', `${device.device_alias}: an IP device needs ip and port.`);
    const s = await opts.settings();
    if (!s?.url) {
      throw new MeterError('PORT_LOST', `${device.device_alias} is an IP meter: set the bridge address and token in Settings (start it with: npx meterscope bridge --allow ${device.ip}:${device.port}).`);
    }
    return openBridgeLink(
      {
        url: s.url,
        ...(s.token ? { token: s.token } : {}),
        target: `${device.ip}:${device.port}`,
        ...(opts.createSocket ? { createSocket: opts.createSocket } : {}),
        ...(device.protocol !== undefined ? { rxLimitBytes: rxLimitFor({ ...device, protocol: device.protocol }) } : {}),
      },
      opts.clock,
    );
  };
}
