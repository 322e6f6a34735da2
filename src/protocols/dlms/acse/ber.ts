import { ProtocolError } from '../../../core/errors';
import { AxdrWriter } from '../axdr/writer';

/**
 * The small BER subset ACSE needs: single-byte tags, definite lengths (short and long form up to
 * four bytes), bounds checked against the enclosing value. Indefinite lengths are refused.
 */

export interface Tlv {
  tag: number;
  /** Offset of the value in `bytes`. */
  start: number;
  end: number;
  bytes: Uint8Array;
}

export function tlvValue(t: Tlv): Uint8Array {
  return t.bytes.slice(t.start, t.end);
}

/** Reads the TLV at `pos`, its length checked against `limit`. */
export function readTlv(bytes: Uint8Array, pos: number, limit = bytes.length): Tlv {
  if (pos >= limit) throw new ProtocolError('LENGTH', `Truncated BER: no tag at offset ${pos}.`);
  const tag = bytes[pos];
  if ((tag & 0x1f) === 0x1f && tag !== 0x5f) {
    throw new ProtocolError('UNSUPPORTED', `BER multi-byte tag 0x${tag.toString(16)} at offset ${pos}.`);
  }
  let p = pos + 1;
  let tagValue = tag;
  if (tag === 0x5f) {
    // [APPLICATION 31] (the xDLMS conformance block) is the only two-byte tag DLMS uses.
    if (p >= limit) throw new ProtocolError('LENGTH', `Truncated BER tag at offset ${pos}.`);
    tagValue = (tag << 8) | bytes[p++];
  }
  if (p >= limit) throw new ProtocolError('LENGTH', `Truncated BER: no length at offset ${p}.`);
  const first = bytes[p++];
  let len = first;
  if (first === 0x80) throw new ProtocolError('UNSUPPORTED', `BER indefinite length at offset ${p - 1}.`);
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new ProtocolError('LENGTH', `BER length of ${n} bytes at offset ${p - 1}.`);
    if (p + n > limit) throw new ProtocolError('LENGTH', `Truncated BER length at offset ${p - 1}.`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p++];
  }
  if (len > limit - p) {
    throw new ProtocolError('LENGTH', `BER value of ${len} bytes at offset ${p} overruns its container (${limit - p} left).`);
  }
  return { tag: tagValue, start: p, end: p + len, bytes };
}

/** All TLVs inside a constructed value. */
export function readChildren(bytes: Uint8Array, start: number, end: number): Tlv[] {
  const out: Tlv[] = [];
  let p = start;
  while (p < end) {
    const t = readTlv(bytes, p, end);
    out.push(t);
    p = t.end;
  }
  return out;
}

/** The single child of an explicitly tagged value, checking its inner tag. */
export function readExplicit(t: Tlv, innerTag: number, what: string): Tlv {
  const inner = readTlv(t.bytes, t.start, t.end);
  if (inner.tag !== innerTag) {
    throw new ProtocolError('FRAMING', `${what}: expected inner tag 0x${innerTag.toString(16)}, got 0x${inner.tag.toString(16)}.`);
  }
  if (inner.end !== t.end) throw new ProtocolError('LENGTH', `${what}: trailing bytes.`);
  return inner;
}

/** A small non-negative BER INTEGER (results, diagnostics, reasons). */
export function readSmallInteger(t: Tlv, what: string): number {
  const n = t.end - t.start;
  if (n < 1 || n > 4) throw new ProtocolError('LENGTH', `${what}: INTEGER of ${n} bytes.`);
  let v = 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + t.bytes[i];
  if (t.bytes[t.start] & 0x80) v -= 2 ** (8 * n);
  return v;
}

export function berLength(w: AxdrWriter, n: number): void {
  if (n < 0x80) w.u8(n);
  else if (n <= 0xff) w.u8(0x81).u8(n);
  else if (n <= 0xffff) w.u8(0x82).u16(n);
  else w.u8(0x84).u32(n);
}

export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const w = new AxdrWriter(value.length + 6);
  if (tag > 0xff) w.u8(tag >>> 8);
  w.u8(tag & 0xff);
  berLength(w, value.length);
  w.bytes(value);
  return w.toBytes();
}

export { concatBytes as concat } from '../../../core/bytes';

export function encodeSmallInteger(v: number): Uint8Array {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fff) throw new ProtocolError('TYPE_MISMATCH', `INTEGER ${v} out of range.`);
  return v < 0x80 ? Uint8Array.of(v) : Uint8Array.of(v >>> 8, v & 0xff);
}

/** OBJECT IDENTIFIER value bytes -> dotted string. */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0) throw new ProtocolError('FRAMING', 'Empty OBJECT IDENTIFIER.');
  if (value.length > 64) throw new ProtocolError('LENGTH', 'OBJECT IDENTIFIER longer than 64 bytes.');
  const arcs: number[] = [];
  let v = 0;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i];
    v = v * 128 + (b & 0x7f);
    if (++digits > 4) throw new ProtocolError('UNSUPPORTED', 'OBJECT IDENTIFIER arc too large.');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        arcs.push(first, v - first * 40);
      } else arcs.push(v);
      v = 0;
      digits = 0;
    }
  }
  if (digits !== 0) throw new ProtocolError('FRAMING', 'OBJECT IDENTIFIER ends inside an arc.');
  return arcs.join('.');
}

/** Dotted string -> OBJECT IDENTIFIER value bytes. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0 || a > 0xfffffff)) {
    throw new ProtocolError('TYPE_MISMATCH', `Not an OBJECT IDENTIFIER: ${oid}.`);
  }
  const out: number[] = [];
  const push = (n: number): void => {
    const tmp: number[] = [n & 0x7f];
    for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) tmp.unshift((n & 0x7f) | 0x80);
    out.push(...tmp);
  };
  push(arcs[0] * 40 + arcs[1]);
  for (let i = 2; i < arcs.length; i++) push(arcs[i]);
  return Uint8Array.from(out);
}
