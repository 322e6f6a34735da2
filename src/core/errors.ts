/**
 * Typed errors. Every failure a user can meet carries a code from this list and a plain-language
 * message; the frame that caused it (if any) rides along so the trace can show it.
 */
export type ErrorCode =
  | 'TIMEOUT' // the peer did not answer within the allowed time
  | 'NO_ANSWER' // nothing at all came back (wrong port, probe not on the meter)
  | 'CHECKSUM' // BCC / HCS / FCS / CRC mismatch
  | 'FRAMING' // bytes that are not a well-formed frame or message
  | 'LENGTH' // a length field that lies, or a value longer than allowed
  | 'PROTOCOL' // a well-formed message that is wrong at this point of the dialogue
  | 'UNSUPPORTED' // a feature the peer or this implementation does not offer
  | 'AUTH_FAILED'
  | 'ACCESS_DENIED'
  | 'OBJECT_UNDEFINED'
  | 'TYPE_MISMATCH'
  | 'REJECTED' // association or request refused by the peer for another reason
  | 'CONFIG_INVALID'
  | 'PORT_LOST'
  | 'CANCELLED'
  | 'STORAGE_FULL'
  | 'STORAGE'
  | 'INTERNAL';

const PLAIN: Record<ErrorCode, string> = {
  TIMEOUT: 'The meter stopped answering before the exchange was complete.',
  NO_ANSWER: 'No answer from the meter. Check the probe position, the port and the line settings.',
  CHECKSUM: 'A message arrived damaged (checksum mismatch).',
  FRAMING: 'Received bytes do not form a valid message.',
  LENGTH: 'A message declares a length it does not have, or exceeds a limit.',
  PROTOCOL: 'The meter answered something unexpected at this point of the dialogue.',
  UNSUPPORTED: 'This feature is not supported by the meter or by MeterScope.',
  AUTH_FAILED: 'Authentication failed: wrong password or key.',
  ACCESS_DENIED: 'The meter refused access to this object.',
  OBJECT_UNDEFINED: 'The meter has no such object or data set.',
  TYPE_MISMATCH: 'The value has a type that cannot be converted as configured.',
  REJECTED: 'The meter rejected the request.',
  CONFIG_INVALID: 'The configuration has errors.',
  PORT_LOST: 'The port was closed or unplugged.',
  CANCELLED: 'The operation was cancelled.',
  STORAGE_FULL: 'Storage is full: nothing was written. Free space or export and delete old readouts.',
  STORAGE: 'Storage failed: nothing was written.',
  INTERNAL: 'Internal error.',
};

export interface MeterErrorOptions {
  /** The bytes that caused the error, for the trace. Never shown by default in exports. */
  frame?: Uint8Array;
  cause?: unknown;
}

export class MeterError extends Error {
  readonly code: ErrorCode;
  readonly frame?: Uint8Array;

  constructor(code: ErrorCode, detail?: string, options: MeterErrorOptions = {}) {
    super(detail ? `${PLAIN[code]} ${detail}` : PLAIN[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MeterError';
    this.code = code;
    if (options.frame) this.frame = options.frame;
  }
}

/** Thrown by pure codecs (decodeX / encodeX). A subclass so callers can tell parse faults apart. */
export class ProtocolError extends MeterError {
  constructor(code: ErrorCode, detail?: string, options: MeterErrorOptions = {}) {
    super(code, detail, options);
    this.name = 'ProtocolError';
  }
}

export function isMeterError(e: unknown): e is MeterError {
  return e instanceof MeterError;
}

export function plainMessage(code: ErrorCode): string {
  return PLAIN[code];
}

/** Wrap anything thrown into a MeterError, keeping typed errors as they are. */
export function toMeterError(e: unknown): MeterError {
  if (e instanceof MeterError) return e;
  if (e instanceof Error && e.name === 'AbortError') return new MeterError('CANCELLED', undefined, { cause: e });
  if (e instanceof Error && e.name === 'QuotaExceededError') return new MeterError('STORAGE_FULL', undefined, { cause: e });
  return new MeterError('INTERNAL', e instanceof Error ? e.message : String(e), { cause: e });
}
