/** Session options of the IEC 62056-21 client and their defaults (WCC Lite field names in comments). */
import { MeterError } from '../../core/errors';
import { LINE_300_7E1, type LineSettings } from '../../core/link';
import { DEFAULT_LIMITS, type DataSetLimits } from './datasets';
import { DEFAULT_MAX_BLOCK_BYTES } from './framer';

/** The log callback every session takes (same shape as core/logger's SessionLog). */
export type IecLog = (level: number, message: string, bytes?: Uint8Array, dir?: 'tx' | 'rx') => void;

export interface IecProgress {
  phase: 'wake-up' | 'sign-on' | 'identified' | 'data' | 'done';
  /** Data bytes received so far in this phase. */
  bytes: number;
}

export interface IecSessionOptions {
  /** `serialnumber`: the device address for `/?address!`; '' or '0' sends `/?!`. */
  address?: string;
  /** `type`: the mode the meter is configured for. The meter's identification has the last word. */
  mode?: 'A' | 'B' | 'C';
  /** Highest baud rate the client proposes (mode C) or accepts (mode B). */
  maxBaud?: number;
  /** `t2`: wait between the identification and the ACK option select, 200..1500 ms. */
  t2Ms?: number;
  /** `timeout_ms`: longest wait for the first byte of an answer. */
  timeoutMs?: number;
  /** Longest silence inside a message (the standard allows 1500 ms between characters). */
  interCharTimeoutMs?: number;
  /** `retry_counter`: NAK repeats of one block, and whole sign-ons after a failure. */
  retries?: number;
  /** Send the wake-up train (NULs for 2.2 s at 300 baud, then 1.5 s silence) before the sign-on. */
  wakeUp?: boolean;
  /** Optical-head echo: 'auto' detects it, true expects it, false never looks for it. */
  echo?: 'auto' | boolean;
  /** `poll_delay_ms`: pause before a sign-on and before each command / block acknowledgement. */
  pollDelayMs?: number;
  /** `serial_close_delay`: wait after the session before the port may be closed or reused. */
  closeDelayMs?: number;
  /** Line settings of the sign-on; 300 7E1 unless configured otherwise. */
  initialLine?: LineSettings;
  /** After a failed attempt, silence long enough for the meter to fall back to its initial state. */
  recoveryDelayMs?: number;
  /**
   * Longest single block (bytes). Also the time bound of each exchange: `timeoutMs` plus this many
   * characters at the line rate, whatever the peer trickles.
   */
  maxBlockBytes?: number;
  /** Longest data message stitched from partial blocks (bytes). */
  maxMessageBytes?: number;
  limits?: DataSetLimits;
  /** After silence at the proposed rate, propose the next lower one in the next attempt. Default true. */
  baudFallback?: boolean;
  /** Accept a readout without the `!` end line (non-conforming meters). Default false. */
  acceptIncomplete?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: IecProgress) => void;
  log?: IecLog;
}

export type ResolvedOptions = Required<Omit<IecSessionOptions, 'signal' | 'onProgress' | 'log'>> & Pick<IecSessionOptions, 'signal' | 'onProgress' | 'log'>;

export const STANDARD_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200];

export function resolveOptions(o: IecSessionOptions): ResolvedOptions {
  const t2Ms = o.t2Ms ?? 300;
  if (!(t2Ms >= 20 && t2Ms <= 1500)) throw new MeterError('CONFIG_INVALID', `t2 ${t2Ms} ms is outside 20..1500 ms.`);
  const retries = o.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0 || retries > 100) throw new MeterError('CONFIG_INVALID', `retry_counter ${retries} is not 0..100.`);
  const address = o.address === undefined || o.address === '0' ? '' : o.address;
  return {
    address,
    mode: o.mode ?? 'C',
    maxBaud: o.maxBaud ?? 19200,
    t2Ms,
    timeoutMs: o.timeoutMs ?? 2500,
    interCharTimeoutMs: o.interCharTimeoutMs ?? 1500,
    retries,
    wakeUp: o.wakeUp ?? false,
    echo: o.echo ?? 'auto',
    pollDelayMs: o.pollDelayMs ?? 0,
    closeDelayMs: o.closeDelayMs ?? 0,
    initialLine: o.initialLine ?? LINE_300_7E1,
    recoveryDelayMs: o.recoveryDelayMs ?? 1600,
    maxBlockBytes: o.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES,
    maxMessageBytes: o.maxMessageBytes ?? 16 * DEFAULT_MAX_BLOCK_BYTES,
    limits: o.limits ?? DEFAULT_LIMITS,
    acceptIncomplete: o.acceptIncomplete ?? false,
    baudFallback: o.baudFallback ?? true,
    signal: o.signal,
    onProgress: o.onProgress,
    log: o.log,
  };
}
