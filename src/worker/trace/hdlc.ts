/** HDLC frames in a trace: fields, checks, and segments joined per port and direction. */
import { decodeAarq } from '../../protocols/dlms/acse/aarq';
import { decodeAddress, type HdlcAddress, splitServerAddress } from '../../protocols/hdlc/address';
import { crc16x25, getCrc } from '../../protocols/hdlc/crc';
import { decodeControl } from '../../protocols/hdlc/frame';
import { decodeParameters } from '../../protocols/hdlc/params';
import { apduNode } from './apdu';
import { type DecodedNode, hex2, hexNum, message, node, type ParsedHex, showHex } from './tree';

// ---------------------------------------------------------------- HDLC

export function addressNode(label: string, a: HdlcAddress, server: boolean): DecodedNode {
  const children: DecodedNode[] = [node('size', `${a.size} byte${a.size === 1 ? '' : 's'}`)];
  if (server) {
    const parts = splitServerAddress(a);
    children.push(node('logical (upper)', String(parts.logical)), node('physical (lower)', String(parts.physical)));
  }
  return node(label, `${hexNum(a.value)} (${a.value})`, children);
}

// ---------------------------------------------------------------- segment reassembly

/**
 * A long APDU travels in several HDLC frames (segmentation bit set on all but the last); only the
 * first carries the LLC header. Each frame is traced on its own, so the decoder keeps the pieces per
 * port and direction (the address pair) and decodes the whole APDU on the last segment. Bounded:
 * a few ports, 64 KiB each; anything odd simply drops the pending pieces.
 */
export interface Pending {
  parts: Uint8Array[];
  size: number;
  lastHex: string;
  masked: boolean;
}
export const MAX_PENDING_BYTES = 64 * 1024;
export const MAX_PENDING_STREAMS = 16;
export const pending = new Map<string, Pending>();

/** Forget every pending message of a port (its link was (re)connected or closed). */
export function resetPort(port: string): void {
  for (const k of [...pending.keys()]) if (k.startsWith(`${port}|`)) pending.delete(k);
}

/** For tests: start from a clean state. */
export function resetTraceDecoder(): void {
  pending.clear();
}

export function concatParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function decodeHdlc(p: ParsedHex, port: string): DecodedNode | undefined {
  const all = p.bytes;
  const b = all.subarray(1, all.length - 1); // between the flags
  const anyMasked = p.masked.some(Boolean);
  const f0 = b[0]!;
  const length = ((f0 & 0x07) << 8) | b[1]!;
  const segmented = (f0 & 0x08) !== 0;
  const children: DecodedNode[] = [
    node('frame format', hexNum(f0 & 0xf8), [node('type', 'A (3)'), node('segmentation', segmented ? 'yes: more follows' : 'no')]),
    node('length', `${length}${length === b.length ? '' : ` (frame has ${b.length} bytes: length mismatch)`}`),
  ];
  let next: number;
  let dest: HdlcAddress;
  let src: HdlcAddress;
  try {
    const d = decodeAddress(b, 2, b.length - 2);
    const s = decodeAddress(b, d.next, b.length - 2);
    dest = d.address;
    src = s.address;
    next = s.next;
  } catch (e) {
    children.push(node('error', message(e)));
    return node('HDLC frame (damaged)', undefined, children);
  }
  if (next >= b.length - 2) {
    children.push(node('error', 'no control field'));
    return node('HDLC frame (damaged)', undefined, children);
  }
  const controlByte = b[next]!;
  let control;
  try {
    control = decodeControl(controlByte);
  } catch (e) {
    children.push(node('control', hexNum(controlByte), [node('error', message(e))]));
    return node('HDLC frame (damaged)', undefined, children);
  }
  // Clients use one-byte addresses; a server address is usually 2 or 4 bytes. With two one-byte
  // addresses, commands (SNRM, DISC) and LLC requests tell that the frame goes to the server.
  const llcRequest = b[next + 3] === 0xe6 && b[next + 4] === 0xe6;
  const toServer = dest.size > 1 || (src.size === 1 && (control.type === 'SNRM' || control.type === 'DISC' || llcRequest || (control.type !== 'UA' && control.type !== 'DM')));
  children.push(addressNode('destination', dest, toServer), addressNode('source', src, !toServer));
  const cChildren: DecodedNode[] = [node('type', control.type), node(control.type === 'I' || control.type === 'RR' || control.type === 'RNR' ? 'P/F' : 'poll/final', control.pf ? '1' : '0')];
  if (control.ns !== undefined) cChildren.push(node('N(S)', String(control.ns)));
  if (control.nr !== undefined) cChildren.push(node('N(R)', String(control.nr)));
  children.push(node('control', `${hexNum(controlByte)} ${control.type}`, cChildren));
  const afterControl = next + 1;
  const fcsAt = b.length - 2;
  const check = (at: number, end: number) => {
    if (p.masked.slice(1, end + 3).some(Boolean)) return 'not checked (masked bytes)';
    return getCrc(b, at) === crc16x25(b, 0, end) ? 'ok' : 'MISMATCH';
  };
  let info = new Uint8Array(0);
  if (afterControl < fcsAt) {
    if (afterControl + 2 > fcsAt) {
      children.push(node('error', 'too short for its HCS'));
      return node('HDLC frame (damaged)', undefined, children);
    }
    children.push(node('HCS', `${hexNum(getCrc(b, afterControl), 4)} ${check(afterControl, afterControl)}`));
    info = b.slice(afterControl + 2, fcsAt);
  }
  const fcs = check(fcsAt, fcsAt);
  if (control.type === 'SNRM' || control.type === 'DISC' || control.type === 'UA' || control.type === 'DM') resetPort(port);
  const key = `${port}|${src.value}/${src.size}>${dest.value}/${dest.size}`;
  // Index of the information field in the traced bytes (after the opening flag, header and HCS).
  const infoAt = 1 + afterControl + 2;
  const maskedInInfo = (i: number) => p.masked[infoAt + i] === true;
  if (info.length > 0) children.push(infoNode(control.type, info, segmented, anyMasked, key, p.bytes, maskedInInfo));
  children.push(node('FCS', `${hexNum(getCrc(b, fcsAt), 4)} ${fcs}`));
  const summary: string[] = [control.type];
  if (control.ns !== undefined) summary.push(`N(S)=${control.ns}`);
  if (control.nr !== undefined) summary.push(`N(R)=${control.nr}`);
  summary.push(`${hexNum(src.value)}→${hexNum(dest.value)}`);
  const apduLabel = children.find((c) => c.label === 'information')?.children?.find((c) => c.label.startsWith('APDU') || c.label.startsWith('AARQ') || c.label.startsWith('AARE'));
  return node(`HDLC ${summary.join(' ')}`, apduLabel ? apduLabel.label : undefined, children);
}

/**
 * Where an AARQ's calling-authentication-value (the password) sits in `bytes`, so a hex dump can
 * hide it even if the logger did not know the secret.
 */
export function secretRange(bytes: Uint8Array, apduAt: number): [number, number] | undefined {
  if (bytes[apduAt] !== 0x60) return undefined;
  try {
    const v = decodeAarq(bytes.subarray(apduAt)).callingAuthenticationValue;
    if (!v || v.length === 0) return undefined;
    outer: for (let i = apduAt; i + v.length <= bytes.length; i++) {
      for (let j = 0; j < v.length; j++) if (bytes[i + j] !== v[j]) continue outer;
      return [i, i + v.length];
    }
  } catch {
    // Not a readable AARQ: nothing decoded, nothing to hide beyond what the logger masked.
  }
  return undefined;
}

export function infoNode(
  type: string,
  info: Uint8Array,
  segmented: boolean,
  masked: boolean,
  key: string,
  frame: Uint8Array,
  maskedAt: (i: number) => boolean,
): DecodedNode {
  const secret = secretRange(info, 3);
  const children: DecodedNode[] = [node('bytes', showHex(info, (i) => maskedAt(i) || (secret !== undefined && i >= secret[0] && i < secret[1])))];
  if ((type === 'SNRM' || type === 'UA') && info[0] === 0x81) {
    try {
      const prm = decodeParameters(info);
      children.push(
        node('negotiation parameters', undefined, [
          node('max info field TX', String(prm.maxInfoTx)),
          node('max info field RX', String(prm.maxInfoRx)),
          node('window TX', String(prm.windowTx)),
          node('window RX', String(prm.windowRx)),
        ]),
      );
    } catch (e) {
      children.push(node('parameters', `not decoded: ${message(e)}`));
    }
  } else if (type === 'I' || type === 'UI') {
    const hexKey = Array.from(frame, hex2).join('');
    const prev = pending.get(key);
    if (prev && prev.lastHex === hexKey) {
      // The same frame traced twice (e.g. at level 5 and as a level-7 chunk): not a new segment.
      children.push(node('segment', 'repeated trace of the previous frame'));
    } else if (prev) {
      prev.parts.push(info);
      prev.size += info.length;
      prev.lastHex = hexKey;
      prev.masked ||= masked;
      if (prev.size > MAX_PENDING_BYTES) {
        pending.delete(key);
        children.push(node('segment', `${info.length} bytes; message too long to reassemble here`));
      } else if (segmented) {
        children.push(node('segment', `${prev.parts.length} of a longer APDU (${info.length} bytes); more follows`));
      } else {
        pending.delete(key);
        const whole = concatParts(prev.parts, prev.size);
        children.push(node('segment', `last of ${prev.parts.length} (${info.length} bytes)`));
        const apdu = apduNode(whole, prev.masked);
        apdu.label = `${apdu.label} (reassembled from ${prev.parts.length} frames)`;
        children.push(apdu);
      }
    } else if (info.length >= 3 && info[0] === 0xe6 && (info[1] === 0xe6 || info[1] === 0xe7) && info[2] === 0) {
      children.push(node('LLC', `E6 ${hex2(info[1]!)} 00 (${info[1] === 0xe6 ? 'request' : 'response'})`));
      const apdu = info.subarray(3);
      if (segmented) {
        if (pending.size >= MAX_PENDING_STREAMS) pending.clear();
        pending.set(key, { parts: [apdu], size: apdu.length, lastHex: hexKey, masked });
        children.push(node('APDU (first segment)', `${apdu.length} bytes; decoded with the last segment`));
      } else if (apdu.length > 0) children.push(apduNode(apdu, masked));
    } else {
      children.push(node('segment', `${info.length} bytes continuing a frame not seen here${segmented ? '; more follows' : ''}`));
    }
  } else if (type === 'FRMR' || type === 'DM') {
    children.push(node('reason', showHex(info)));
  }
  return node('information', `${info.length} bytes`, children);
}
