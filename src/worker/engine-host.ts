/**
 * The engine as the worker hosts it: holds the accepted configuration, starts and stops a backend
 * that reads the meters, and fans values, device states and trace lines out to subscribers.
 *
 * The backend (protocol sessions, polling, retries: src/engine) plugs in through
 * `EngineBackendFactory`. Until it is wired the default backend reports every enabled device as idle
 * and says why: no invented values. Nothing here touches Comlink or the DOM, so it also runs in Node.
 */
import type { Clock } from '../core/clock';
import { MeterError } from '../core/errors';
import { Logger, isSecretField, type LogLevel, type TraceLine } from '../core/logger';
import type { Reading } from '../core/reading';
import type { MeterConfig, ValidationResult } from '../config/types';
import type { DeviceState, DeviceStatus, EngineEvent, EngineStatus, LoadResult } from './engine-api';

export const NOT_WIRED = 'protocol engine not yet wired';

/** What a backend may do to the outside world. */
export interface BackendContext {
  readonly clock: Clock;
  /** Trace through this logger: its level is the user's, and configured secrets are masked. */
  readonly logger: Logger;
  value(reading: Reading): void;
  status(device_alias: string, state: DeviceState, detail?: string): void;
  progress(device_alias: string, done: number, expected: number): void;
  storage(device_alias: string, error: string, message: string): void;
}

/**
 * The engine behind the worker for one loaded configuration: created when the configuration is
 * loaded, so a single read works without polling; `start`/`stop` only control polling.
 */
export interface EngineBackend {
  /** Begin polling every enabled device; returns at once. */
  start(): void;
  /** End polling and every dialogue cleanly; resolves when all have ended. The backend stays usable. */
  stop(): Promise<void>;
  /** Read every enabled signal (of one device, or all) once. */
  readOnce(device_alias?: string): Promise<Reading[]>;
  /** The protocol engine, for device operations (object list, attributes, profiles); absent when not wired. */
  readonly engine?: import('../engine/engine').Engine;
}

export type EngineBackendFactory = (config: MeterConfig, ctx: BackendContext) => EngineBackend;

/** The honest placeholder until protocol sessions are plugged in. */
export const notWiredBackend: EngineBackendFactory = (config, ctx) => ({
  async readOnce() {
    throw new MeterError('UNSUPPORTED', NOT_WIRED);
  },
  start() {
    for (const d of config.devices) {
      if (d.enable !== 1) continue;
      const signals = config.signals.filter((s) => s.device_alias === d.device_alias && s.enable === 1).length;
      ctx.status(d.device_alias, 'idle', NOT_WIRED);
      ctx.logger.log(3, d.device_alias, `${d.protocol} session not yet wired: ${signals} enabled signal(s) will not be read`);
    }
  },
  async stop() {},
});

export interface EngineHostOptions {
  validate(raw: unknown): ValidationResult;
  clock: Clock;
  backend?: EngineBackendFactory;
  /** Trace lines kept for late subscribers. */
  traceBacklog?: number;
  /** Turns a frame's hex (level 5 and up) into a readable tree for the Trace page. */
  decodeFrame?: (hex: string, port: string) => unknown;
  traceLevel?: LogLevel;
}

type Subscriber = (event: EngineEvent) => void | Promise<void>;

const BUSY: ReadonlySet<DeviceState> = new Set<DeviceState>(['connecting', 'signing-on', 'reading', 'retrying']);

export class EngineHost {
  private readonly validate: (raw: unknown) => ValidationResult;
  private readonly clock: Clock;
  private readonly backendFactory: EngineBackendFactory;
  private readonly backlogSize: number;
  private readonly decodeFrame: ((hex: string, port: string) => unknown) | undefined;
  private traceLevel: LogLevel;

  private logger: Logger;
  private config: MeterConfig | undefined;
  private backend: EngineBackend | undefined;
  private polling = false;
  private readonly devices = new Map<string, DeviceStatus>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly backlog: TraceLine[] = [];

  constructor(options: EngineHostOptions) {
    this.validate = options.validate;
    this.clock = options.clock;
    this.backendFactory = options.backend ?? notWiredBackend;
    this.backlogSize = options.traceBacklog ?? 500;
    this.decodeFrame = options.decodeFrame;
    this.traceLevel = options.traceLevel ?? 4;
    this.logger = this.newLogger();
  }

  async loadConfig(raw: unknown): Promise<LoadResult> {
    const result = this.validate(raw);
    if (!result.ok) {
      this.trace(2, 'engine', `configuration refused: ${result.errors.length} error(s); the engine keeps its previous state`);
      return { ok: false, errors: result.errors };
    }
    if (this.backend) {
      await this.stop();
      this.backend = undefined;
    }
    const config = result.config;
    // A fresh logger per configuration: secrets of the old one are no longer needed, the new ones are.
    this.logger = this.newLogger();
    registerSecrets(this.logger, config);
    this.config = config;
    this.devices.clear();
    for (const d of config.devices) {
      const status: DeviceStatus = { device_alias: d.device_alias, name: d.name, protocol: d.protocol, state: 'stopped' };
      if (d.enable !== 1) {
        status.state = 'disabled';
        status.detail = 'enable = 0 in the configuration';
      }
      this.devices.set(d.device_alias, status);
    }
    this.backend = this.backendFactory(config, {
      clock: this.clock,
      logger: this.logger,
      value: (reading) => this.emit({ type: 'value', reading }),
      status: (alias, state, detail) => this.setStatus(alias, state, detail),
      progress: (alias, done, expected) => this.emit({ type: 'progress', device_alias: alias, done, expected }),
      storage: (alias, error, message) => this.emit({ type: 'storage', device_alias: alias, error, message }),
    });
    this.trace(3, 'engine', `configuration loaded: ${config.devices.length} device(s), ${config.signals.length} signal(s)`);
    return { ok: true, deviceCount: config.devices.length, signalCount: config.signals.length };
  }

  start(): EngineStatus {
    const config = this.config;
    const backend = this.backend;
    if (!config || !backend) throw new MeterError('CONFIG_INVALID', 'No configuration is loaded.');
    if (this.polling) return this.status();
    const enabled = config.devices.filter((d) => d.enable === 1).length;
    this.trace(3, 'engine', `start: ${enabled} enabled device(s)`);
    this.polling = true;
    backend.start();
    return this.status();
  }

  /** Read now (all devices, or one), whether or not polling runs. */
  async readOnce(device_alias?: string): Promise<Reading[]> {
    const backend = this.backend;
    if (!backend) throw new MeterError('CONFIG_INVALID', 'No configuration is loaded.');
    return backend.readOnce(device_alias);
  }

  /** The protocol engine of the loaded configuration, for device operations. */
  engine(): import('../engine/engine').Engine {
    const engine = this.backend?.engine;
    if (!engine) throw new MeterError(this.backend ? 'UNSUPPORTED' : 'CONFIG_INVALID', this.backend ? NOT_WIRED : 'No configuration is loaded.');
    return engine;
  }

  async stop(): Promise<EngineStatus> {
    const backend = this.backend;
    if (!backend) return this.status();
    this.polling = false;
    await backend.stop();
    for (const d of this.devices.values()) {
      if (d.state !== 'disabled') this.setStatus(d.device_alias, 'stopped');
    }
    this.trace(3, 'engine', 'stopped');
    return this.status();
  }

  status(): EngineStatus {
    // The engine's per-device note (e.g. a meter read one by one because its list answers fail) rides along.
    const notes = new Map((this.backend?.engine?.status().devices ?? []).map((d) => [d.device_alias, d.note]));
    const devices = [...this.devices.values()].map((d) => {
      const note = notes.get(d.device_alias);
      return note ? { ...d, note } : { ...d };
    });
    return {
      state: !this.config ? 'empty' : this.polling ? 'running' : 'loaded',
      busy: devices.some((d) => BUSY.has(d.state)),
      devices,
      deviceCount: this.config?.devices.length ?? 0,
      signalCount: this.config?.signals.length ?? 0,
    };
  }

  setTraceLevel(level: number): void {
    this.traceLevel = Math.min(7, Math.max(0, Math.trunc(level))) as LogLevel;
    this.logger.level = this.traceLevel;
  }

  /** Returns the function that ends the subscription. Recent trace lines are replayed first. */
  subscribe(listener: Subscriber): () => void {
    for (const line of this.backlog) this.deliver(listener, { type: 'trace', line });
    this.subscribers.add(listener);
    return () => {
      this.subscribers.delete(listener);
    };
  }

  /** Engine-level trace lines go through the same logger (and so the same masking) as the sessions'. */
  trace(level: number, port: string, message: string): void {
    this.logger.log(level, port, message);
  }

  private newLogger(): Logger {
    const logger = new Logger(this.traceLevel, () => this.clock.wallTime());
    logger.addSink((line) => {
      if (this.decodeFrame && line.hex && line.level >= 5 && line.decoded === undefined) {
        try {
          const decoded = this.decodeFrame(line.hex, line.port);
          // Decoded trees come from the frame bytes, which the logger has already masked.
          if (decoded !== undefined) line.decoded = decoded;
        } catch {
          // A frame the decoder cannot read is still shown as hex.
        }
      }
      this.backlog.push(line);
      if (this.backlog.length > this.backlogSize) this.backlog.splice(0, this.backlog.length - this.backlogSize);
      this.emit({ type: 'trace', line });
    });
    return logger;
  }

  private setStatus(alias: string, state: DeviceState, detail?: string): void {
    const current = this.devices.get(alias);
    if (!current) return;
    const next: DeviceStatus = { ...current, state };
    if (detail === undefined) delete next.detail;
    else next.detail = detail;
    this.devices.set(alias, next);
    const event: EngineEvent = { type: 'status', device_alias: alias, state };
    if (detail !== undefined) event.detail = detail;
    this.emit(event);
  }

  private emit(event: EngineEvent): void {
    for (const s of this.subscribers) this.deliver(s, event);
  }

  /** A listener in a closed tab rejects: drop it instead of failing the engine. */
  private deliver(listener: Subscriber, event: EngineEvent): void {
    try {
      Promise.resolve(listener(event)).catch(() => this.subscribers.delete(listener));
    } catch {
      this.subscribers.delete(listener);
    }
  }
}

/** Passwords and keys of every device, so no trace line or hex dump can show them. */
function registerSecrets(logger: Logger, config: MeterConfig): void {
  for (const device of config.devices) {
    for (const [field, value] of Object.entries(device)) {
      if (typeof value === 'string' && value !== '' && isSecretField(field)) logger.addSecret(value);
    }
  }
}
