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

export const DEFAULT_MAX_BLOCK_BYTES = 1 << 20;
const MAX_LINE = MAX_IDENT_LENGTH + 8;

export class Framer {
  private buf = new Uint8Array(256);
  private len = 0;
  /** Where the scan for the end of the block starting at buf[0] stopped last time. */
  private scanFrom = 0;
  /** Bytes discarded as garbage since the last reset (for the trace). */
  skipped = 0;

  get buffered(): number {
    return this.len;
  }

  /** A copy of the unconsumed bytes (for echo checks and the trace). */
  peek(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  push(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      let cap = this.buf.length;
      while (cap < this.len + bytes.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Drop `n` bytes from the front. */
  consume(n: number): void {
    const k = Math.min(n, this.len);
    this.buf.copyWithin(0, k, this.len);
    this.len -= k;
    this.scanFrom = 0;
  }

  clear(): void {
    this.len = 0;
    this.scanFrom = 0;
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(opts: FramerOptions = {}): Frame | undefined {
    const max = opts.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
    for (;;) {
      this.skipGarbage();
      if (this.len === 0) return undefined;
      const first = this.buf[0];
      if (first === NAK) return this.take('nak', 1);
      if (first === ACK) {
        if (!opts.optionSelect) return this.take('ack', 1);
        // ACK V Z Y CR LF: wait for six bytes, or give up on it as garbage if it is malformed.
        if (this.len < 6) {
          let broken = false;
          for (let i = 1; i < this.len; i++) if (this.buf[i] === LF) broken = true;
          if (!broken) return undefined;
          this.dropOne();
          continue;
        }
        if (this.buf[5] === LF) return this.take('option', 6);
        this.dropOne();
        continue;
      }
      if (first === 0x2f /* '/' */) {
        const lim = Math.min(this.len, MAX_LINE);
        for (let i = 1; i < lim; i++) {
          if (this.buf[i] === LF) return this.take('line', i + 1);
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
        const c = this.buf[i];
        if (c === ETX || c === EOT) {
          if (i + 1 < this.len) return this.take('block', i + 2);
          this.scanFrom = i;
          return undefined;
        }
      }
      this.scanFrom = i;
      if (this.len > max) {
        const frame = this.buf.slice(0, 64);
        this.clear();
        throw new ProtocolError('LENGTH', `Block longer than ${max} bytes without an end.`, { frame });
      }
      return undefined;
    }
  }

  private skipGarbage(): void {
    let i = 0;
    while (i < this.len) {
      const c = this.buf[i];
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
    const bytes = this.buf.slice(0, n);
    this.consume(n);
    return { kind, bytes };
  }
}
