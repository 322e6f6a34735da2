import { ProtocolError } from '../../../core/errors';

/**
 * A bounds-checked read cursor over a byte buffer. Every read checks the remaining length first, so a
 * truncated or lying message ends in a ProtocolError('LENGTH') instead of reading undefined bytes.
 * Kept as a plain class with manual shifts: it sits on the A-XDR hot path.
 */
export class AxdrReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    if (offset < 0 || offset > end || end > bytes.length) {
      throw new ProtocolError('LENGTH', `Read window ${offset}..${end} lies outside a ${bytes.length}-byte buffer.`);
    }
    this.bytes = bytes;
    this.pos = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new ProtocolError('LENGTH', `Truncated ${what}: needs ${n} byte(s) at offset ${this.pos}, ${this.end - this.pos} left.`);
    }
  }

  u8(what = 'byte'): number {
    if (this.pos >= this.end) this.need(1, what);
    return this.bytes[this.pos++];
  }

  peek(): number {
    if (this.pos >= this.end) this.need(1, 'byte');
    return this.bytes[this.pos];
  }

  i8(what = 'integer'): number {
    const v = this.u8(what);
    return v > 0x7f ? v - 0x100 : v;
  }

  u16(what = 'unsigned16'): number {
    if (this.end - this.pos < 2) this.need(2, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }

  i16(what = 'long'): number {
    const v = this.u16(what);
    return v > 0x7fff ? v - 0x10000 : v;
  }

  u32(what = 'unsigned32'): number {
    if (this.end - this.pos < 4) this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    // Multiply the top byte instead of shifting: << would go negative for values >= 2^31.
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  i32(what = 'double-long'): number {
    if (this.end - this.pos < 4) this.need(4, what);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  u64(what = 'long64-unsigned'): bigint {
    const hi = this.u32(what);
    const lo = this.u32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  i64(what = 'long64'): bigint {
    return BigInt.asIntN(64, this.u64(what));
  }

  f32(what = 'float32'): number {
    this.need(4, what);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, false);
    this.pos += 4;
    return v;
  }

  f64(what = 'float64'): number {
    this.need(8, what);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, false);
    this.pos += 8;
    return v;
  }

  /** A copy of the next `n` bytes (copies, so decoded values never alias the receive buffer). */
  take(n: number, what = 'octets'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * A-XDR variable-length length/count: one byte below 0x80, else 0x81..0x84 followed by that many
   * big-endian bytes. The result is not yet checked against the remaining bytes: callers do that with
   * the minimum size of one element (`lengthFor`).
   */
  length(what = 'length'): number {
    const first = this.u8(what);
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) {
      throw new ProtocolError('LENGTH', `Unsupported ${what} encoding 0x${first.toString(16)} at offset ${this.pos - 1}.`);
    }
    this.need(n, what);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.bytes[this.pos++];
    return v;
  }

  /**
   * A length/count whose elements each take at least `minBytesEach` bytes: a count that cannot fit in
   * what is left is rejected here, before anything is allocated for it.
   */
  lengthFor(minBytesEach: number, what: string): number {
    const at = this.pos;
    const n = this.length(what);
    if (n * minBytesEach > this.end - this.pos) {
      throw new ProtocolError(
        'LENGTH',
        `${what} of ${n} at offset ${at} cannot fit in the ${this.end - this.pos} byte(s) that follow.`,
      );
    }
    return n;
  }

  /** Length-prefixed octets (A-XDR OCTET STRING). */
  octets(what = 'octet-string'): Uint8Array {
    const n = this.lengthFor(1, what);
    return this.take(n, what);
  }

  expectEnd(what: string): void {
    if (this.pos !== this.end) {
      throw new ProtocolError('LENGTH', `${this.end - this.pos} unexpected byte(s) after the ${what} at offset ${this.pos}.`);
    }
  }
}
