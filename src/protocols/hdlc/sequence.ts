import { MeterError } from '../../core/errors';

/**
 * Sans-IO bookkeeping for the sending side of a windowed HDLC exchange (go-back-N, modulo 8): which
 * segments to send next, which carry the poll bit, what an N(R) acknowledges.
 */
export interface OutgoingSegment {
  index: number;
  ns: number;
  /** Last frame of a window (or of the message): the peer must answer it. */
  poll: boolean;
}

export class SendWindow {
  private base = 0;
  private next = 0;

  constructor(
    readonly count: number,
    private readonly ns0: number,
    private readonly window: number,
  ) {
    if (window < 1 || window > 7) throw new MeterError('INTERNAL', `HDLC window ${window} not in 1..7.`);
  }

  nsOf(index: number): number {
    return (this.ns0 + index) & 7;
  }

  /** The segments that may go out now, marking them sent. */
  take(): OutgoingSegment[] {
    const out: OutgoingSegment[] = [];
    while (this.next < this.count && this.next - this.base < this.window) {
      const i = this.next++;
      out.push({ index: i, ns: this.nsOf(i), poll: i === this.count - 1 || this.next - this.base === this.window });
    }
    return out;
  }

  /** N(S) of the next new frame: the sender's V(S) after what was taken. */
  get nextNs(): number {
    return this.nsOf(this.next);
  }

  get unacknowledged(): number {
    return this.next - this.base;
  }

  get allSent(): boolean {
    return this.next === this.count;
  }

  get allAcknowledged(): boolean {
    return this.base === this.count;
  }

  /**
   * Apply a received N(R): 'new' when it acknowledged something, 'none' when nothing new, 'invalid' when
   * it would acknowledge frames never sent (a stale frame, or a meter that numbers wrongly).
   */
  ack(nr: number): 'new' | 'none' | 'invalid' {
    const k = (nr - this.nsOf(this.base)) & 7;
    if (k > this.next - this.base) return 'invalid';
    this.base += k;
    return k > 0 ? 'new' : 'none';
  }

  ackAll(): void {
    this.base = this.next;
  }

  /** Resend from the first unacknowledged segment. */
  goBack(): void {
    this.next = this.base;
  }
}

export function splitSegments(payload: Uint8Array, max: number): Uint8Array[] {
  if (payload.length === 0) return [payload];
  const out: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += max) out.push(payload.subarray(i, Math.min(payload.length, i + max)));
  return out;
}

export { concatBytes as concat } from '../../core/bytes';
