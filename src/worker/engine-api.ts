/**
 * The contract between the UI (main thread) and the engine (module Web Worker), carried by Comlink.
 * Types only: the UI imports this file without pulling any worker or protocol code into its bundle.
 * Everything crossing the boundary must survive structured cloning (plain data, no classes), except
 * the `subscribe` listener, which the UI wraps in Comlink's `proxy()`.
 */
import type { Reading } from '../core/reading';
import type { TraceLine } from '../core/logger';
import type { ConfigIssue, ValidationResult } from '../config/types';

export type { ConfigIssue, TraceLine, ValidationResult };

/**
 * What one device is doing (the same states as src/engine). `connecting`, `signing-on`, `reading` and
 * `retrying` count as "busy": the UI must not reload the page (e.g. for an app update) then, because
 * a meter dialogue would be cut half way.
 */
export type DeviceState =
  | 'idle'
  | 'connecting'
  | 'signing-on'
  | 'reading'
  | 'ok'
  | 'retrying'
  | 'link-lost'
  | 'error'
  | 'stopped'
  | 'disabled';

export interface DeviceStatus {
  device_alias: string;
  name: string;
  protocol: string;
  state: DeviceState;
  detail?: string;
}

/** `empty`: no configuration loaded; `loaded`: configuration accepted, not polling; `running`: started. */
export type EngineState = 'empty' | 'loaded' | 'running';

export interface EngineStatus {
  state: EngineState;
  /** True while any device is in a dialogue (see DeviceState). */
  busy: boolean;
  devices: DeviceStatus[];
  /** Counts of the loaded configuration (0 when empty). */
  deviceCount: number;
  signalCount: number;
}

export type EngineEvent =
  | { type: 'value'; reading: Reading }
  | { type: 'status'; device_alias: string; state: DeviceState; detail?: string }
  | { type: 'trace'; line: TraceLine };

export type EngineListener = (event: EngineEvent) => void;

export type LoadResult = { ok: true; deviceCount: number; signalCount: number } | { ok: false; errors: ConfigIssue[] };

export interface EngineApi {
  /** Liveness check; resolves with a short identification string. */
  ping(): Promise<string>;
  /** Parse and validate configuration text; every error comes back at once, each with its JSON path. */
  validateConfig(text: string): Promise<ValidationResult>;
  /** The document as JSON text for download, in the config module's export format. */
  exportConfig(raw: unknown): Promise<string>;
  /**
   * Replace the engine's configuration (stopping it first if it runs). A configuration with errors
   * is refused: the errors come back and the previous state is kept.
   */
  loadConfig(raw: unknown): Promise<LoadResult>;
  /** Start every enabled device of the loaded configuration. Rejects (CONFIG_INVALID) when none is loaded. */
  start(): Promise<EngineStatus>;
  stop(): Promise<EngineStatus>;
  status(): Promise<EngineStatus>;
  /**
   * Receive engine events. The listener must be wrapped with Comlink's `proxy()`. Recent trace lines
   * are replayed to a new listener so a page opened late still sees how the engine got here.
   * Resolves with an id for `unsubscribe`.
   */
  subscribe(listener: EngineListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  /** Trace detail, 0 silent .. 7 every byte (the CLI's -d). Secrets are masked at every level. */
  setTraceLevel(level: number): Promise<void>;
}
