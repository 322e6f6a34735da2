/**
 * Finds complete IEC 62056-21 messages in a growing byte buffer: identification / request lines,
 * BCC blocks, bare ACK / NAK and (on the meter side) the ACK option select. Leading garbage (line
 * noise, NUL wake-up trains, bytes of a wrong baud rate) is skipped. Incremental: a long readout that
 * arrives in many chunks is scanned once, not once per chunk.
 */
import { ProtocolError } from '../../core/errors';
import { ACK, EOT, ETX, LF, NAK, SOH, STX } from './chars';
import { MAX_IDENT_LENGTH } from './messages';

export type FrameKind = 'line' | 'block' | 'ack' | 'nak' | 'option';

export interface Frame {
  kind: FrameKind;
  bytes: Uint8Array;
}

export interface FramerOptions {
  /** Treat ACK as the start of `ACK V Z Y CR LF` (meter side in the idle / identified state). */
  optionSelect?: boolean;
  /** Largest block accepted; a longer one is a LENGTH error rather than unbounded memory. */
  maxBlockBytes?: number;
}

/**
 * 128 KiB: far above any readout seen in the field (a few KiB; 20-30 KiB with history), and it bounds
 * each exchange's time: 136 s at 9600 baud, 73 min at 300 (where real readouts are a few hundred bytes).
 */
export const DEFAULT_MAX_BLOCK_BYTES = 128 * 1024;
const MAX_LINE = MAX_IDENT_LENGTH + 8;

export class Framer {
  private buf = new Uint8Array(256);
  /** The unconsumed bytes are buf[head, head + len): consuming only moves `head`, so dropping garbage
   * one byte at a time (a flood of '/' without LF) costs O(1) per byte, not a copy of the buffer. */
  private head = 0;
  private len = 0;
  /** Where the scan for the end of the block starting at the head stopped last time (relative). */
  private scanFrom = 0;
  /** Bytes discarded as garbage since the last reset (for the trace). */
  skipped = 0;

  get buffered(): number {
    return this.len;
  }

  /** A copy of the unconsumed bytes (for echo checks and the trace). */
  peek(): Uint8Array {
    return this.buf.slice(this.head, this.head + this.len);
  }

  push(bytes: Uint8Array): void {
    if (this.head + this.len + bytes.length > this.buf.length) {
      let cap = this.buf.length;
      while (cap < this.len + bytes.length) cap *= 2;
      if (cap === this.buf.length) this.buf.copyWithin(0, this.head, this.head + this.len);
      else {
        const next = new Uint8Array(cap);
        next.set(this.buf.subarray(this.head, this.head + this.len));
        this.buf = next;
      }
      this.head = 0;
    }
    this.buf.set(bytes, this.head + this.len);
    this.len += bytes.length;
  }

  /** Drop `n` bytes from the front. */
  consume(n: number): void {
    const k = Math.min(n, this.len);
    this.head += k;
    this.len -= k;
    if (this.len === 0) this.head = 0;
    this.scanFrom = 0;
  }

  clear(): void {
    this.head = 0;
    this.len = 0;
    this.scanFrom = 0;
  }

  private at(i: number): number {
    return this.buf[this.head + i];
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(opts: FramerOptions = {}): Frame | undefined {
    const max = opts.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
    for (;;) {
      this.skipGarbage();
      if (this.len === 0) return undefined;
      const first = this.at(0);
      if (first === NAK) return this.take('nak', 1);
      if (first === ACK) {
        if (!opts.optionSelect) return this.take('ack', 1);
        // ACK V Z Y CR LF: wait for six bytes, or give up on it as garbage if it is malformed.
        if (this.len < 6) {
          let broken = false;
          for (let i = 1; i < this.len; i++) if (this.at(i) === LF) broken = true;
          if (!broken) return undefined;
          this.dropOne();
          continue;
        }
        if (this.at(5) === LF) return this.take('option', 6);
        this.dropOne();
        continue;
      }
      if (first === 0x2f /* '/' */) {
        const lim = Math.min(this.len, MAX_LINE);
        for (let i = 1; i < lim; i++) {
          if (this.at(i) === LF) return this.take('line', i + 1);
        }
        if (this.len >= MAX_LINE) {
          this.dropOne();
          continue;
        }
        return undefined;
      }
      // SOH or STX: a block runs to the first ETX/EOT, then one BCC byte.
      let i = Math.max(1, this.scanFrom);
      for (; i < this.len; i++) {
        const c = this.at(i);
        if (c === ETX || c === EOT) {
          if (i + 1 < this.len) return this.take('block', i + 2);
          this.scanFrom = i;
          return undefined;
        }
      }
      this.scanFrom = i;
      if (this.len > max) {
        const frame = this.buf.slice(this.head, this.head + 64);
        this.clear();
        throw new ProtocolError('LENGTH', `Block longer than ${max} bytes without an end.`, { frame });
      }
      return undefined;
    }
  }

  private skipGarbage(): void {
    let i = 0;
    while (i < this.len) {
      const c = this.at(i);
      if (c === SOH || c === STX || c === ACK || c === NAK || c === 0x2f) break;
      i++;
    }
    if (i > 0) {
      this.skipped += i;
      this.consume(i);
    }
  }

  private dropOne(): void {
    this.skipped++;
    this.consume(1);
  }

  private take(kind: FrameKind, n: number): Frame {
    const bytes = this.buf.slice(this.head, this.head + n);
    this.consume(n);
    return { kind, bytes };
  }
}
