/**
 * What the engine tells the outside world (UI worker, CLI, store). Plain data only: every event must
 * survive structured cloning on its way to the page.
 */
import type { ErrorCode } from '../core/errors';
import type { Reading } from '../core/reading';
import type { PushStats } from './push/push-stats';

/**
 * What one device runner is doing. `connecting`, `signing-on` and `reading` are a dialogue in progress;
 * `retrying` follows a failed exchange; `link-lost` means retry_counter exchanges failed in a row (or
 * the port went away) and the runner is reconnecting every reconnect_time.
 */
export type DeviceState =
  | 'idle'
  | 'connecting'
  | 'signing-on'
  | 'reading'
  | 'ok'
  | 'retrying'
  | 'link-lost'
  | 'stopped'
  | 'disabled';

export const BUSY_STATES: readonly DeviceState[] = ['connecting', 'signing-on', 'reading', 'retrying'];

export type EngineLogKind = 'value-change' | 'link-lost' | 'reconnected' | 'error';

/** One entry of the event log (what `log` signals and link changes write). */
export interface EngineLogEvent {
  ts: number;
  device_alias: string;
  signal_alias?: string;
  kind: EngineLogKind;
  message: string;
}

export type EngineEvent =
  | { type: 'value'; reading: Reading }
  | {
      type: 'readings';
      device_alias: string;
      readings: Reading[];
      /** Set when the store refused these readings; they were not saved (see the 'storage' event). */
      storageError?: ErrorCode;
    }
  | { type: 'status'; device_alias: string; state: DeviceState; detail?: string; error?: ErrorCode; attempt?: number }
  | { type: 'event'; event: EngineLogEvent }
  | { type: 'progress'; device_alias: string; done: number; expected: number }
  /** A PUSH device's counts after each push, bad frame or missing push (issue 14). */
  | { type: 'push'; device_alias: string; stats: PushStats }
  | {
      /**
       * The store failed (STORAGE_FULL, STORAGE): the readings and events below were NOT saved. They are
       * still emitted as usual so the user sees them, and this event says they exist only in memory.
       */
      type: 'storage';
      device_alias: string;
      error: ErrorCode;
      message: string;
      readings: Reading[];
      events: EngineLogEvent[];
    };

export interface DeviceStatus {
  device_alias: string;
  name: string;
  protocol: string;
  /** Port tag used in the trace: the serial port name, or ip:port for TCP devices. */
  port: string;
  state: DeviceState;
  detail?: string;
  error?: ErrorCode;
  attempt?: number;
  /** Wall time of the last successful exchange. */
  lastOkTs?: number;
  /** Wall time of the last failed exchange. */
  lastErrorTs?: number;
  /** What the driver learnt that the user should know (e.g. "this meter answers lists unreliably: reading one by one"). */
  note?: string;
}

export interface EngineStatus {
  /** True between start() and the end of stop(). */
  polling: boolean;
  /** True while any device is in a dialogue (the UI must not reload then). */
  busy: boolean;
  devices: DeviceStatus[];
}
