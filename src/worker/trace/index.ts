/**
 * Turns one traced frame (the hex of a TraceLine) into a readable tree for the Trace page: HDLC
 * fields, LLC, xDLMS APDUs with their A-XDR values, ACSE (AARQ/AARE/RLRQ/RLRE), wrapper headers and
 * IEC 62056-21 messages. Worker side only: it uses the protocol codecs, which the UI must not load.
 *
 * The tree is plain data (structured-clone safe) so it can ride in `TraceLine.decoded`. Nothing here
 * throws: a frame that is not understood gives `undefined` (or a partial tree saying what failed),
 * because a trace view must never break the engine that feeds it.
 *
 * Secrets: the logger masks secret bytes as `**` before we see them, and we never render an ACSE
 * calling-authentication-value (the LLS password or HLS challenge) even when it is not masked.
 */
import { FLAG } from '../../protocols/hdlc/frame';
import { apduNode, isApduTag } from './apdu';
import { decodeHdlc } from './hdlc';
import { decodeIec } from './iec';
import { type DecodedNode, limit, type ParsedHex, parseTraceHex } from './tree';
import { decodeWrapperNode } from './wrapper';

/**
 * Decode one traced frame. `port` is only context (a port name, e.g. DEMO or PORT1); recognition is
 * by content: HDLC (7E A…), wrapper (00 01 …), IEC 62056-21 messages, else a bare APDU.
 */
export function decodeTraceFrame(hex: string, port: string): DecodedNode | undefined {
  const parsed = parseTraceHex(hex);
  if (!parsed) return undefined;
  try {
    return limit(decodeBytes(parsed, port));
  } catch {
    // The codecs throw ProtocolError on bad input, which decodeBytes catches; anything else is a bug
    // in this file, and a trace view must still not take the engine down with it.
    return undefined;
  }
}

export function decodeBytes(p: ParsedHex, port: string): DecodedNode | undefined {
  const b = p.bytes;
  if (b.length >= 9 && b[0] === FLAG && b[b.length - 1] === FLAG && b[1]! >> 4 === 0xa) return decodeHdlc(p, port);
  if (b.length >= 8 && b[0] === 0x00 && b[1] === 0x01) {
    const w = decodeWrapperNode(b);
    if (w) return w;
  }
  const iec = decodeIec(b);
  if (iec) return iec;
  // A bare APDU (some loggers trace the application layer alone).
  if (b.length >= 2 && isApduTag(b[0]!)) {
    const a = apduNode(b, p.masked.some(Boolean));
    if (!a.label.startsWith('Not decoded')) return a;
  }
  return undefined;
}

export { parseTraceHex, type DecodedNode } from './tree';
export { resetTraceDecoder } from './hdlc';
