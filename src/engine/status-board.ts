/**
 * The status of every configured device, kept in one place so `Engine.status()` is a cheap snapshot and
 * each change is emitted (and traced at level 3) exactly once.
 */
import type { DeviceConfig } from '../config/types';
import type { ErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import type { DeviceState, DeviceStatus, EngineEvent } from './types';

export interface StatusExtra {
  detail?: string;
  error?: ErrorCode;
  attempt?: number;
}

export class StatusBoard {
  private map = new Map<string, DeviceStatus>();

  constructor(
    private readonly emit: (e: EngineEvent) => void,
    private readonly logger?: Logger,
  ) {}

  add(device: DeviceConfig, port: string, state: DeviceState, detail?: string): void {
    const s: DeviceStatus = { device_alias: device.device_alias, name: device.name, protocol: device.protocol, port, state };
    if (detail !== undefined) s.detail = detail;
    this.map.set(device.device_alias, s);
  }

  get(alias: string): DeviceStatus | undefined {
    return this.map.get(alias);
  }

  /** Copies, in configuration order. */
  all(): DeviceStatus[] {
    return [...this.map.values()].map((s) => ({ ...s }));
  }

  /** Set the state; emits and traces only when state, detail, error or attempt changed. */
  set(alias: string, state: DeviceState, extra: StatusExtra = {}): void {
    const s = this.map.get(alias);
    if (!s) return;
    if (s.state === state && s.detail === extra.detail && s.error === extra.error && s.attempt === extra.attempt) return;
    s.state = state;
    assign(s, 'detail', extra.detail);
    assign(s, 'error', extra.error);
    assign(s, 'attempt', extra.attempt);
    this.logger?.log(
      3,
      s.port,
      `${alias}: ${state}${extra.attempt !== undefined ? ` #${extra.attempt}` : ''}${extra.detail ? ` - ${extra.detail}` : ''}`,
    );
    const event: EngineEvent = { type: 'status', device_alias: alias, state };
    if (extra.detail !== undefined) event.detail = extra.detail;
    if (extra.error !== undefined) event.error = extra.error;
    if (extra.attempt !== undefined) event.attempt = extra.attempt;
    this.emit(event);
  }

  /** Record fields that are not a state change (timestamps, the driver's note about the meter). */
  note(alias: string, fields: Partial<Pick<DeviceStatus, 'lastOkTs' | 'lastErrorTs' | 'note'>>): void {
    const s = this.map.get(alias);
    if (!s) return;
    if ('note' in fields && fields.note === undefined) {
      delete s.note;
      const { note: _note, ...rest } = fields;
      Object.assign(s, rest);
    } else Object.assign(s, fields);
  }
}

function assign<K extends 'detail' | 'error' | 'attempt'>(s: DeviceStatus, key: K, value: DeviceStatus[K] | undefined): void {
  if (value === undefined) delete s[key];
  else s[key] = value;
}
