import type { ProtocolError } from '../../core/errors';

/**
 * What a link-layer deframer hands up: a whole APDU (segments already joined) or a frame it had to
 * refuse. `end` is the stream offset just past the last byte used, so the auto-detector can tell
 * which layer found a good frame first whatever the chunking.
 */
export type LinkOutput =
  | { kind: 'apdu'; apdu: Uint8Array; bytes: number; frames: number; end: number }
  | { kind: 'bad'; reason: 'crc' | 'frame'; error: ProtocolError; bytes: number; frames: number; end: number };

export interface Deframer {
  /** Adds received bytes; returns what they completed, in stream order. */
  push(chunk: Uint8Array): LinkOutput[];
  /** The line went quiet: forget a partial frame; a 'frame' output when one was pending. */
  flush(): LinkOutput[];
  /** Bytes skipped while looking for a frame start. */
  readonly skipped: number;
}

/**
 * A growable receive buffer with a stream position. Deframers look at `view()` and `consume(n)` what
 * they used; the total ever consumed is the stream offset of the first byte held.
 */
export class StreamBuffer {
  private buf = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  /** Stream offset of buf[start]. */
  offset = 0;

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const need = this.end - this.start + chunk.length;
      const next = need > this.buf.length / 2 ? new Uint8Array(Math.max(need * 2, 1024)) : this.buf;
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.end -= this.start;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  get length(): number {
    return this.end - this.start;
  }

  at(i: number): number {
    return this.buf[this.start + i];
  }

  view(from = 0, to = this.length): Uint8Array {
    return this.buf.subarray(this.start + from, this.start + to);
  }

  consume(n: number): void {
    this.start += n;
    this.offset += n;
    if (this.start === this.end) this.start = this.end = 0;
  }
}
