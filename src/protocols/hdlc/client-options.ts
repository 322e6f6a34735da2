import { charTimeMs, type Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import type { HdlcAddress } from './address';
import type { HdlcParameters } from './params';

/** How an HdlcClient is set up: addressing, timing, and the tolerances for meters' own mistakes. */
export interface HdlcClientOptions {
  /** Server (meter) address: see serverAddress() / serverAddressFromSerial(). */
  server: HdlcAddress;
  /** Client address (0x10 public, ...), a number or a 1-byte address. */
  client: number | HdlcAddress;
  /** Wait for an answer before polling again (timeout_ms). Default 2500. */
  timeoutMs?: number;
  /** Retries after the first attempt, per step (retry_counter). Default 3. */
  retries?: number;
  /** Put the parameter negotiation field in SNRM. Default true; some meters (Elgama) want a bare SNRM. */
  proposeParameters?: boolean;
  /** Values proposed in SNRM (client's view: Tx = what the client sends). Default 128 / 1. */
  proposal?: Partial<HdlcParameters>;
  /** Encode proposed windows in one byte rather than four. */
  compactWindow?: boolean;
  /** Accept I-frames whatever their N(S), and ignore N(R), for meters that number frames wrongly. */
  tolerateBrokenSequence?: boolean;
  /**
   * Known from an earlier session: this meter's N(R) never advances, so an RR answering our frames is
   * taken as acknowledging them (see `nrNeverAdvances`). N(S) is still checked.
   */
  nrNeverAdvances?: boolean;
  /**
   * After a response segment without the final bit (when no more frames of the window may follow), poll
   * for the next one after this much silence instead of the full timeout. Default: 3 character times
   * at the line rate + 5 ms on serial links, 20 ms on stream links.
   */
  interFrameMs?: number;
  /** How long to wait after RNR before polling again. Default 300 ms. */
  rnrWaitMs?: number;
  /** After a damaged frame, poll again after this much silence instead of the full timeout. Default min(timeoutMs, 500). */
  damagedWaitMs?: number;
  /** Drop an unfinished frame after this much silence on the line. Default 500 ms. */
  partialTimeoutMs?: number;
  /** Refuse responses larger than this (memory bound). Default 4 MiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  log?: SessionLog;
}

/**
 * Silence after a response segment without the final bit that means nothing more is coming: a few
 * character times at the line rate plus a small margin (a frame still arriving is never silence).
 */
export function defaultInterFrameMs(link: Pick<Link, 'kind' | 'line'>): number {
  return link.kind === 'serial' ? 3 * charTimeMs(link.line) + 5 : 20;
}
