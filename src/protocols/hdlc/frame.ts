import { ProtocolError } from '../../core/errors';
import { type HdlcAddress, decodeAddress, encodeAddress, formatAddress } from './address';
import { crc16x25, getCrc, putCrc } from './crc';

/**
 * HDLC frames as IEC 62056-46 uses them: flag 0x7E, frame format (type 0xA, segmentation bit, 11-bit
 * length), destination and source address, control, HCS (only when an information field follows),
 * information, FCS, flag. There is no byte stuffing: the length field alone delimits the frame.
 */

export const FLAG = 0x7e;
/** The 11-bit length counts format..FCS, so this is the largest frame between the flags. */
export const MAX_FRAME_LENGTH = 0x7ff;

export type HdlcFrameType = 'I' | 'RR' | 'RNR' | 'SNRM' | 'DISC' | 'UA' | 'DM' | 'FRMR' | 'UI';

export interface HdlcControl {
  type: HdlcFrameType;
  /** Poll (command) / final (response) bit. */
  pf: boolean;
  /** Send sequence number, I-frames only (0..7). */
  ns?: number;
  /** Receive sequence number, I, RR and RNR frames (0..7). */
  nr?: number;
}

export interface HdlcFrame extends HdlcControl {
  dest: HdlcAddress;
  src: HdlcAddress;
  /** The segmentation bit: more of this message follows in later frames. */
  segmented: boolean;
  /** Information field; empty when the frame has none. */
  info: Uint8Array;
}

const UNNUMBERED: Record<string, number> = { SNRM: 0x83, DISC: 0x43, UA: 0x63, DM: 0x0f, FRMR: 0x87, UI: 0x03 };
const UNNUMBERED_BY_CODE = new Map<number, HdlcFrameType>(Object.entries(UNNUMBERED).map(([k, v]) => [v, k as HdlcFrameType]));

function seq(v: number | undefined, what: string): number {
  const n = v ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 7) throw new ProtocolError('FRAMING', `${what} ${String(v)} is not in 0..7.`);
  return n;
}

export function encodeControl(c: HdlcControl): number {
  const pf = c.pf ? 0x10 : 0;
  switch (c.type) {
    case 'I':
      return (seq(c.nr, 'N(R)') << 5) | pf | (seq(c.ns, 'N(S)') << 1);
    case 'RR':
      return (seq(c.nr, 'N(R)') << 5) | pf | 0x01;
    case 'RNR':
      return (seq(c.nr, 'N(R)') << 5) | pf | 0x05;
    default: {
      const code = UNNUMBERED[c.type];
      if (code === undefined) throw new ProtocolError('FRAMING', `Unknown HDLC frame type ${String(c.type)}.`);
      return code | pf;
    }
  }
}

export function decodeControl(b: number): HdlcControl {
  const pf = (b & 0x10) !== 0;
  if ((b & 1) === 0) return { type: 'I', pf, ns: (b >>> 1) & 7, nr: b >>> 5 };
  if ((b & 0x0f) === 0x01) return { type: 'RR', pf, nr: b >>> 5 };
  if ((b & 0x0f) === 0x05) return { type: 'RNR', pf, nr: b >>> 5 };
  const type = UNNUMBERED_BY_CODE.get(b & 0xef);
  if (!type) throw new ProtocolError('FRAMING', `Unknown HDLC control field 0x${b.toString(16).padStart(2, '0')}.`);
  return { type, pf };
}

/** What encodeFrame needs; sequence numbers only where the type has them. */
export interface HdlcFrameInput extends HdlcControl {
  dest: HdlcAddress;
  src: HdlcAddress;
  segmented?: boolean;
  info?: Uint8Array;
}

/** Encode a frame including both flags. */
export function encodeFrame(f: HdlcFrameInput): Uint8Array {
  const dest = encodeAddress(f.dest);
  const src = encodeAddress(f.src);
  const info = f.info ?? new Uint8Array(0);
  const header = 2 + dest.length + src.length + 1;
  const length = header + (info.length > 0 ? 2 + info.length : 0) + 2;
  if (length > MAX_FRAME_LENGTH) throw new ProtocolError('LENGTH', `HDLC frame of ${length} bytes exceeds ${MAX_FRAME_LENGTH}.`);
  const out = new Uint8Array(length + 2);
  out[0] = FLAG;
  out[1] = 0xa0 | (f.segmented ? 0x08 : 0) | (length >>> 8);
  out[2] = length & 0xff;
  out.set(dest, 3);
  out.set(src, 3 + dest.length);
  out[1 + header - 1] = encodeControl(f);
  let p = 1 + header;
  if (info.length > 0) {
    putCrc(out, p, crc16x25(out, 1, p));
    p += 2;
    out.set(info, p);
    p += info.length;
  }
  putCrc(out, p, crc16x25(out, 1, p));
  out[p + 2] = FLAG;
  return out;
}

/**
 * Decode one frame. Accepts it with or without the surrounding flags. Throws ProtocolError:
 * FRAMING (structure), LENGTH (length field disagrees with the bytes), CHECKSUM (HCS or FCS).
 */
export function decodeFrame(bytes: Uint8Array): HdlcFrame {
  let start = 0;
  let end = bytes.length;
  if (end >= 2 && bytes[0] === FLAG && bytes[end - 1] === FLAG) {
    start = 1;
    end -= 1;
  }
  const n = end - start;
  if (n < 7) throw new ProtocolError('FRAMING', `HDLC frame too short (${n} bytes).`, { frame: bytes });
  const f0 = bytes[start];
  if (f0 >>> 4 !== 0xa) throw new ProtocolError('FRAMING', `HDLC frame format type ${(f0 >>> 4).toString(16)} is not A.`, { frame: bytes });
  const length = ((f0 & 0x07) << 8) | bytes[start + 1];
  if (length !== n) throw new ProtocolError('LENGTH', `HDLC length field says ${length}, frame has ${n} bytes.`, { frame: bytes });
  const segmented = (f0 & 0x08) !== 0;
  // Addresses may not reach into the FCS.
  const limit = end - 2;
  const d = decodeAddress(bytes, start + 2, limit);
  const s = decodeAddress(bytes, d.next, limit);
  if (s.next >= limit) throw new ProtocolError('FRAMING', 'HDLC frame has no control field.', { frame: bytes });
  const control = decodeControl(bytes[s.next]);
  const afterControl = s.next + 1;
  if (getCrc(bytes, end - 2) !== crc16x25(bytes, start, end - 2)) {
    throw new ProtocolError('CHECKSUM', 'HDLC FCS mismatch.', { frame: bytes });
  }
  let info: Uint8Array = new Uint8Array(0);
  if (afterControl < end - 2) {
    // An information field is present: an HCS must sit right after the control byte.
    if (afterControl + 2 > end - 2) throw new ProtocolError('FRAMING', 'HDLC frame too short for its HCS.', { frame: bytes });
    if (getCrc(bytes, afterControl) !== crc16x25(bytes, start, afterControl)) {
      throw new ProtocolError('CHECKSUM', 'HDLC HCS mismatch.', { frame: bytes });
    }
    info = bytes.slice(afterControl + 2, end - 2);
  }
  return { dest: d.address, src: s.address, segmented, ...control, info };
}

/** A one-line description for traces: `I N(S)=0 N(R)=1 P 0x91/2->0x10/1 29 bytes`. */
export function describeFrame(f: HdlcFrame): string {
  const parts: string[] = [f.type];
  if (f.ns !== undefined) parts.push(`N(S)=${f.ns}`);
  if (f.nr !== undefined) parts.push(`N(R)=${f.nr}`);
  if (f.pf) parts.push('P/F');
  if (f.segmented) parts.push('SEG');
  parts.push(`${formatAddress(f.src)}->${formatAddress(f.dest)}`);
  if (f.info.length) parts.push(`info ${f.info.length}`);
  return parts.join(' ');
}
