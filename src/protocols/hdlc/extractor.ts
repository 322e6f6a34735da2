import { FLAG, MAX_FRAME_LENGTH } from './frame';

/**
 * Finds HDLC frames in a byte stream that arrives in arbitrary chunks. The length field delimits a
 * frame (62056-46 has no byte stuffing), and the byte after it must be a flag; anything else is
 * garbage that is skipped up to the next flag. A closing flag may also open the next frame, and
 * runs of idle flags are skipped. The buffer never holds more than one maximal frame plus the
 * chunk being pushed.
 */
export class HdlcFrameExtractor {
  private buf = new Uint8Array(4096);
  private start = 0;
  private end = 0;
  /** Bytes thrown away while looking for a frame (garbage, echo of unknown bytes, broken frames). */
  discarded = 0;

  /** Add received bytes; returns every complete frame (with both flags) now available. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // Feed in pieces so the buffer stays bounded even for a huge chunk.
      const room = this.makeRoom();
      const n = Math.min(room, chunk.length - offset);
      this.buf.set(chunk.subarray(offset, offset + n), this.end);
      this.end += n;
      offset += n;
      this.scan(out);
    }
    return out;
  }

  /** Forget any partial frame (after a timeout, before a retry). */
  reset(): void {
    this.discarded += this.end - this.start;
    this.start = this.end = 0;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.end - this.start;
  }

  private makeRoom(): number {
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    return this.buf.length - this.end;
  }

  private scan(out: Uint8Array[]): void {
    const b = this.buf;
    for (;;) {
      // Skip to a flag.
      let i = this.start;
      while (i < this.end && b[i] !== FLAG) i++;
      this.discarded += i - this.start;
      this.start = i;
      // Skip idle flags: keep only the last of a run as the opening flag.
      while (this.start + 1 < this.end && b[this.start + 1] === FLAG) this.start++;
      if (this.end - this.start < 3) return;
      const f0 = b[this.start + 1];
      const length = ((f0 & 0x07) << 8) | b[this.start + 2];
      if (f0 >>> 4 !== 0xa || length < 7 || length > MAX_FRAME_LENGTH) {
        // Not a frame start: this flag closed something we did not see.
        this.start++;
        this.discarded++;
        continue;
      }
      const total = length + 2;
      if (this.end - this.start < total) return;
      if (b[this.start + total - 1] !== FLAG) {
        this.start++;
        this.discarded++;
        continue;
      }
      out.push(b.slice(this.start, this.start + total));
      // The closing flag stays: it may be the opening flag of a back-to-back frame.
      this.start += total - 1;
    }
  }
}
