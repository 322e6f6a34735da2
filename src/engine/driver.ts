import type { Clock } from '../core/clock';
import type { Link } from '../core/link';
import type { Reading } from '../core/reading';
import type { SessionLog } from '../core/logger';

/**
 * What the engine needs from a protocol: connect (sign on / associate), read a set of signals, disconnect.
 * One implementation per protocol (IEC 62056-21, DLMS, Elgama) in src/engine/drivers/. A driver owns no
 * timers and no transport: it gets a Link and a Clock from the runner.
 */
export interface DriverSignal {
  signal_alias: string;
  device_alias: string;
  /** The protocol's address for this signal (OBIS + attribute, data-set address, ...). */
  address: string;
  number_type?: string;
  /** The whole signal configuration, for protocol-specific fields (short_name, job_todo, ...). */
  config: Readonly<Record<string, unknown>>;
}

export interface DriverContext {
  link: Link;
  clock: Clock;
  log: SessionLog;
  signal: AbortSignal;
  /** Progress of a long read: bytes or blocks received of expected (expected 0 when unknown). */
  onProgress?: (done: number, expected: number) => void;
  /** Status detail the UI shows while a read is on its way (signing on, reading, ...). */
  onPhase?: (phase: DevicePhase) => void;
  /**
   * Set by the runner before each exchange: the engine would keep this session idle for up to this long
   * after it, until the next poll, if the meter holds it (undefined: the session ends after the exchange).
   * Lets a driver learn what keepsSession needs inside the exchange's own requests (the DLMS driver puts
   * the meter's HDLC inactivity timeout in its first read's list) rather than in a request of its own.
   */
  keepSessionForMs?: number;
}

export type DevicePhase = 'connecting' | 'signing-on' | 'reading' | 'idle';

export interface DeviceDriver {
  connect(ctx: DriverContext): Promise<void>;
  /**
   * One Reading per requested signal, in the same order. A signal the meter does not have is a `bad`
   * reading with OBJECT_UNDEFINED, not a thrown error. Throw only for failures of the whole exchange
   * (timeout, link lost, authentication), which make the runner retry or reconnect.
   */
  read(signals: DriverSignal[], ctx: DriverContext): Promise<Reading[]>;
  disconnect(ctx: DriverContext): Promise<void>;
  /**
   * Asked after a poll whose session the engine would keep for `idleMs`: true when the meter is known to
   * hold it that long (its HDLC inactivity timeout, with a margin), false when it is known to drop it
   * sooner (the engine ends it politely instead), undefined when the driver cannot tell (the engine then
   * keeps it only up to its own `keepSessionMaxIdleMs`). Never throws.
   */
  keepsSession?(idleMs: number, ctx: DriverContext): Promise<boolean | undefined>;
  /** An interrupted read kept values to complete: re-establish and read again rather than give up at once. */
  readonly resumable?: boolean;
  /** Readings an interrupted read completed before the exchange failed for good: handed over once, kept good. */
  takeKept?(signals: DriverSignal[]): Reading[];
  /** A note about this meter for the device page, as plain text (absent when there is nothing to say). */
  readonly note?: string;
}
