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
import { getCrc, crc16x25 } from '../protocols/hdlc/crc';
import { decodeAddress, splitServerAddress, type HdlcAddress } from '../protocols/hdlc/address';
import { decodeControl, FLAG } from '../protocols/hdlc/frame';
import { decodeParameters } from '../protocols/hdlc/params';
import { decodeApdu } from '../protocols/dlms/apdu/apdu';
import { dataAccessResultName, actionResultName } from '../protocols/dlms/apdu/results';
import { decodeAarq } from '../protocols/dlms/acse/aarq';
import { decodeAare, ASSOCIATION_RESULT_NAMES, diagnosticName } from '../protocols/dlms/acse/aare';
import { decodeRlrq, decodeRlre } from '../protocols/dlms/acse/release';
import { conformanceNames } from '../protocols/dlms/acse/conformance';
import { MECHANISM_NAMES, mechanismIdOf, applicationContextOf } from '../protocols/dlms/acse/names';
import { DataTag, type DlmsData, type CosemDateTime } from '../protocols/dlms/axdr/types';
import { decodeBlock, decodeIdentification, decodeOptionSelect, decodeRequest } from '../protocols/iec62056-21/messages';

/** One node of a decoded frame: a label, an optional value, optional children. */
export interface DecodedNode {
  label: string;
  value?: string;
  children?: DecodedNode[];
}

/** Bounds that keep a hostile or huge frame from producing a huge tree. */
const MAX_NODES = 2000;
const MAX_HEX_BYTES = 64;
const MAX_DEPTH = 24;

const node = (label: string, value?: string, children?: DecodedNode[]): DecodedNode => {
  const n: DecodedNode = { label };
  if (value !== undefined) n.value = value;
  if (children && children.length > 0) n.children = children;
  return n;
};

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
const hexNum = (n: number, width = 2) => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;

function showHex(bytes: Uint8Array, hidden?: (i: number) => boolean): string {
  const shown = Array.from(bytes.subarray(0, MAX_HEX_BYTES), (b, i) => (hidden?.(i) ? '**' : hex2(b))).join(' ');
  return bytes.length > MAX_HEX_BYTES ? `${shown} … (${bytes.length} bytes)` : shown;
}

interface ParsedHex {
  bytes: Uint8Array;
  /** Positions the logger masked (`**`): secret bytes we must not pretend to know. */
  masked: boolean[];
}

/** `7E A0 07 …` (any spacing, `**` for masked bytes) to bytes; undefined for anything else. */
export function parseTraceHex(hex: string): ParsedHex | undefined {
  const tokens = hex.trim().split(/\s+/).filter(Boolean);
  // Unspaced hex ("7EA007…") is accepted too.
  const parts = tokens.length === 1 && tokens[0]!.length > 2 ? (tokens[0]!.match(/.{1,2}/g) ?? []) : tokens;
  if (parts.length === 0) return undefined;
  const bytes = new Uint8Array(parts.length);
  const masked: boolean[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '**') {
      masked.push(true);
      continue;
    }
    if (!/^[0-9a-fA-F]{2}$/.test(p)) return undefined;
    bytes[i] = parseInt(p, 16);
    masked.push(false);
  }
  return { bytes, masked };
}

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

function decodeBytes(p: ParsedHex, port: string): DecodedNode | undefined {
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

// ---------------------------------------------------------------- HDLC

function addressNode(label: string, a: HdlcAddress, server: boolean): DecodedNode {
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
interface Pending {
  parts: Uint8Array[];
  size: number;
  lastHex: string;
  masked: boolean;
}
const MAX_PENDING_BYTES = 64 * 1024;
const MAX_PENDING_STREAMS = 16;
const pending = new Map<string, Pending>();

/** Forget every pending message of a port (its link was (re)connected or closed). */
function resetPort(port: string): void {
  for (const k of [...pending.keys()]) if (k.startsWith(`${port}|`)) pending.delete(k);
}

/** For tests: start from a clean state. */
export function resetTraceDecoder(): void {
  pending.clear();
}

function concatParts(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function decodeHdlc(p: ParsedHex, port: string): DecodedNode | undefined {
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
function secretRange(bytes: Uint8Array, apduAt: number): [number, number] | undefined {
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

function infoNode(
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

// ---------------------------------------------------------------- wrapper

function decodeWrapperNode(b: Uint8Array): DecodedNode | undefined {
  const len = (b[6]! << 8) | b[7]!;
  if (b.length !== 8 + len) return undefined;
  const src = (b[2]! << 8) | b[3]!;
  const dst = (b[4]! << 8) | b[5]!;
  const apdu = b.subarray(8);
  const a = apduNode(apdu, false);
  return node(`Wrapper ${src}→${dst}`, a.label, [
    node('version', '1'),
    node('source wPort', String(src)),
    node('destination wPort', String(dst)),
    node('length', String(len)),
    a,
  ]);
}

// ---------------------------------------------------------------- APDU

function isApduTag(t: number): boolean {
  return [0x60, 0x61, 0x62, 0x63, 0xc0, 0xc1, 0xc3, 0xc4, 0xc5, 0xc7, 0xd8, 0x0e, 0x05, 0x06, 0x0c, 0x0d, 0x16, 0x0f, 0xc2, 0xe0].includes(t);
}

function apduNode(bytes: Uint8Array, masked: boolean): DecodedNode {
  const tag = bytes[0];
  try {
    switch (tag) {
      case 0x60:
        return aarqNode(bytes);
      case 0x61:
        return aareNode(bytes);
      case 0x62:
        return node('RLRQ (release request)', undefined, objectChildren(decodeRlrq(bytes), 0));
      case 0x63:
        return node('RLRE (release response)', undefined, objectChildren(decodeRlre(bytes), 0));
      default: {
        const apdu = decodeApdu(bytes);
        const action = apdu.type.startsWith('action');
        const children = objectChildren(apdu, 0, ['type'], action);
        // Masked secret bytes were decoded as 00: say so rather than let a zero pass for a reading.
        if (masked) children.unshift(node('note', 'some bytes were masked (**) and are shown as 00'));
        return node(`APDU ${apdu.type}`, summarizeApdu(apdu as unknown as { type: string } & Record<string, unknown>), children);
      }
    }
  } catch (e) {
    const ciphered = tag !== undefined && ((tag >= 0x21 && tag <= 0x3f) || (tag >= 0xc8 && tag <= 0xd7) || (tag >= 0xdb && tag <= 0xdf));
    const why = ciphered ? 'ciphered APDU (content is encrypted)' : masked ? 'contains masked secret bytes' : message(e);
    return node(`Not decoded APDU ${tag === undefined ? '' : hexNum(tag)}`, why, [node('bytes', showHex(bytes))]);
  }
}

function summarizeApdu(apdu: { type: string } & Record<string, unknown>): string | undefined {
  const attr = apdu.attribute as { classId: number; obis: Uint8Array; attributeId: number } | undefined;
  if (attr) return `class ${attr.classId} ${formatObis(attr.obis)} attr ${attr.attributeId}`;
  const method = apdu.method as { classId: number; obis: Uint8Array; methodId: number } | undefined;
  if (method) return `class ${method.classId} ${formatObis(method.obis)} method ${method.methodId}`;
  const result = apdu.result as { type?: string; value?: DlmsData; result?: number } | number | undefined;
  if (result && typeof result === 'object' && result.type === 'data' && result.value) return dataSummary(result.value);
  if (result && typeof result === 'object' && result.type === 'error' && typeof result.result === 'number') return dataAccessResultName(result.result);
  return undefined;
}

function aarqNode(bytes: Uint8Array): DecodedNode {
  const a = decodeAarq(bytes);
  const children: DecodedNode[] = [node('application context', contextText(a.applicationContextName))];
  if (a.callingApTitle) children.push(node('calling AP title (client system title)', showHex(a.callingApTitle)));
  if (a.authentication !== undefined) children.push(node('authentication functional unit', a.authentication ? 'yes' : 'no'));
  if (a.mechanismName) children.push(node('mechanism', mechanismText(a.mechanismName)));
  // The LLS password or HLS challenge: never shown, even when the logger did not mask it.
  if (a.callingAuthenticationValue) children.push(node('calling authentication value', `hidden (${a.callingAuthenticationValue.length} bytes)`));
  if (a.userInformation) children.push(userInfoNode(a.userInformation));
  return node('AARQ (association request)', contextText(a.applicationContextName), children);
}

function aareNode(bytes: Uint8Array): DecodedNode {
  const a = decodeAare(bytes);
  const result = ASSOCIATION_RESULT_NAMES[a.result] ?? String(a.result);
  const children: DecodedNode[] = [
    node('application context', contextText(a.applicationContextName)),
    node('result', `${a.result} ${result}`),
    node('diagnostic', `${a.diagnostic.source}: ${diagnosticName(a.diagnostic)}`),
  ];
  if (a.respondingApTitle) children.push(node('responding AP title (server system title)', showHex(a.respondingApTitle)));
  if (a.mechanismName) children.push(node('mechanism', mechanismText(a.mechanismName)));
  if (a.respondingAuthenticationValue) children.push(node('server challenge (StoC)', `${a.respondingAuthenticationValue.length} bytes`));
  if (a.userInformation) children.push(userInfoNode(a.userInformation));
  return node('AARE (association response)', result, children);
}

function contextText(oid: string): string {
  const name = applicationContextOf(oid);
  return name ? `${name} (${oid})` : oid;
}

function mechanismText(oid: string): string {
  const id = mechanismIdOf(oid);
  return id === undefined ? oid : `${MECHANISM_NAMES[id] ?? id} (${oid})`;
}

function userInfoNode(u: { type: string; value?: unknown; bytes?: Uint8Array }): DecodedNode {
  if (u.type === 'raw' && u.bytes) return node('user information', 'ciphered or unknown', [node('bytes', showHex(u.bytes))]);
  const v = (u.value ?? {}) as Record<string, unknown>;
  const children: DecodedNode[] = [];
  for (const [k, val] of Object.entries(v)) {
    if (k === 'dedicatedKey') {
      children.push(node('dedicated key', 'hidden'));
    } else if (/Conformance$/.test(k) && typeof val === 'number') {
      children.push(node(words(k), hexNum(val, 6), conformanceNames(val).map((n) => node(n))));
    } else if (k === 'vaaName' && typeof val === 'number') {
      children.push(node('VAA name', hexNum(val, 4)));
    } else children.push(valueNode(words(k), val, 1));
  }
  return node(`user information: ${u.type}`, undefined, children);
}

// ---------------------------------------------------------------- generic object walk

const DATA_TYPES: ReadonlySet<string> = new Set(Object.keys(DataTag));

function isDlmsData(v: unknown): v is DlmsData {
  if (!v || typeof v !== 'object') return false;
  const t = (v as { type?: unknown }).type;
  return typeof t === 'string' && DATA_TYPES.has(t);
}

/** camelCase field names to words: invokeIdAndPriority -> invoke id and priority. */
function words(k: string): string {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** `action`: result codes are Action-Result names rather than Data-Access-Result names. */
function objectChildren(o: object, depth: number, skip: string[] = [], action = false): DecodedNode[] {
  const out: DecodedNode[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (skip.includes(k) || v === undefined) continue;
    out.push(valueNode(words(k), v, depth + 1, k, action));
  }
  return out;
}

function valueNode(label: string, v: unknown, depth: number, key = '', action = false): DecodedNode {
  if (depth > MAX_DEPTH) return node(label, '…');
  if (/password|secret|key$|Key$|private/i.test(key)) return node(label, 'hidden');
  if (isDlmsData(v)) return dataNode(label, v, depth);
  if (v instanceof Uint8Array) {
    if (key === 'obis' && v.length === 6) return node(label, formatObis(v));
    return node(label, showHex(v));
  }
  if (Array.isArray(v)) return node(label, `${v.length} item${v.length === 1 ? '' : 's'}`, v.map((x, i) => valueNode(`[${i}]`, x, depth + 1, key, action)));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // GetDataResult / ReadResult / ActionResult: name the error code.
    if (o.type === 'error' && typeof o.result === 'number') return node(label, `error ${o.result} ${dataAccessResultName(o.result)}`);
    if (o.type === 'data' && isDlmsData(o.value)) return dataNode(label, o.value, depth);
    const typeText = typeof o.type === 'string' ? o.type : undefined;
    return node(label, typeText, objectChildren(o, depth, ['type'], action));
  }
  if (key === 'invokeIdAndPriority' && typeof v === 'number') {
    return node(label, hexNum(v), [node('invoke id', String(v & 0x0f)), node('service class', v & 0x40 ? 'confirmed' : 'unconfirmed'), node('priority', v & 0x80 ? 'high' : 'normal')]);
  }
  if (key === 'result' && typeof v === 'number') return node(label, `${v} ${action ? actionResultName(v) : dataAccessResultName(v)}`);
  if (typeof v === 'bigint') return node(label, v.toString());
  return node(label, String(v));
}

/** One A-XDR value as a node: type and content, children for structures and arrays. */
function dataNode(label: string, d: DlmsData, depth: number): DecodedNode {
  const typeLabel = `${label}: ${d.type}`;
  if (depth > MAX_DEPTH) return node(typeLabel, '…');
  switch (d.type) {
    case 'array':
    case 'structure':
    case 'compact-array':
      return node(typeLabel, `${d.items.length} item${d.items.length === 1 ? '' : 's'}`, d.items.map((x, i) => dataNode(`[${i}]`, x, depth + 1)));
    default:
      return node(typeLabel, dataSummary(d));
  }
}

function dataSummary(d: DlmsData): string {
  switch (d.type) {
    case 'null':
    case 'dont-care':
      return d.type;
    case 'array':
    case 'structure':
    case 'compact-array':
      return `${d.type} of ${d.items.length}`;
    case 'boolean':
      return d.value ? 'true' : 'false';
    case 'bit-string':
      return `${d.bitLength} bits ${showHex(d.bytes)}`;
    case 'int64':
    case 'uint64':
      return d.value.toString();
    case 'octet-string':
      return octetText(d.value);
    case 'visible-string':
    case 'utf8-string':
      return JSON.stringify(d.value);
    case 'date-time':
    case 'date':
    case 'time':
      return dateText(d.value);
    default:
      return String(d.value);
  }
}

/** Octet strings: hex, plus the text when printable and the OBIS code when it is 6 bytes. */
function octetText(v: Uint8Array): string {
  let out = showHex(v);
  if (v.length > 0 && v.length <= MAX_HEX_BYTES && v.every((c) => c >= 0x20 && c < 0x7f)) out += ` "${String.fromCharCode(...v)}"`;
  else if (v.length === 6) out += ` (OBIS ${formatObis(v)}?)`;
  return out;
}

function dateText(t: CosemDateTime): string {
  const p = (n: number | undefined, w = 2) => (n === undefined ? '*'.repeat(w) : String(n).padStart(w, '0'));
  const date = `${p(t.year, 4)}-${p(t.month)}-${p(t.day)}`;
  const time = `${p(t.hour)}:${p(t.minute)}:${p(t.second)}`;
  const dev = t.deviation === undefined ? '' : ` deviation ${t.deviation} min`;
  return `${date} ${time}${dev}`;
}

function formatObis(b: Uint8Array): string {
  return Array.from(b).join('.');
}

// ---------------------------------------------------------------- IEC 62056-21

const CTRL: Record<number, string> = { 0x06: 'ACK', 0x15: 'NAK', 0x01: 'SOH', 0x02: 'STX', 0x03: 'ETX', 0x04: 'EOT' };

function decodeIec(b: Uint8Array): DecodedNode | undefined {
  const first = b[0];
  if (b.length === 1 && (first === 0x06 || first === 0x15)) {
    return node(`IEC 62056-21 ${CTRL[first]}`, first === 0x06 ? 'acknowledge' : 'repeat request');
  }
  const text = asciiLine(b);
  if (first === 0x2f /* / */ && text !== undefined) {
    if (text.startsWith('/?')) {
      try {
        const r = decodeRequest(b);
        return node('IEC 62056-21 request', `/?${r.address}!`, [node('device address', r.address === '' ? '(none: any meter)' : r.address)]);
      } catch {
        return undefined;
      }
    }
    try {
      const id = decodeIdentification(b);
      const children = [
        node('manufacturer', id.manufacturer),
        node('reaction time', id.fastReaction ? '20 ms allowed (lowercase third letter)' : '200 ms'),
        node('baud character', `${id.baudChar} (mode ${id.baudClass}${baudRateText(id.baudChar, id.baudClass)})`),
      ];
      if (id.enhanced.length > 0) children.push(node('enhanced capability', id.enhanced.map((w) => `\\${w}`).join(' ') + (id.modeE ? ' (HDLC, mode E)' : '')));
      children.push(node('identification', id.ident));
      return node('IEC 62056-21 identification', id.raw, children);
    } catch {
      return undefined;
    }
  }
  if (first === 0x06 && b.length >= 4) {
    try {
      const o = decodeOptionSelect(b);
      const proto = { '0': 'normal', '1': 'secondary', '2': 'HDLC (mode E)' }[o.protocol];
      const mode = { '0': 'data readout', '1': 'programming', '2': 'binary (HDLC)' }[o.mode] ?? 'manufacturer specific';
      return node('IEC 62056-21 option select', `ACK ${o.protocol}${o.baudChar}${o.mode}`, [
        node('protocol control', `${o.protocol} ${proto}`),
        node('baud character', `${o.baudChar}${baudRateText(o.baudChar, 'C')}`),
        node('mode control', `${o.mode} ${mode}`),
      ]);
    } catch {
      return undefined;
    }
  }
  if (first === 0x01 || first === 0x02) {
    // Readouts may arrive with leading noise stripped already; the block runs to ETX/EOT + BCC.
    try {
      const blk = decodeBlock(b);
      if (blk.kind === 'command') {
        const children = [node('command', `${blk.command}${blk.type} ${COMMAND_NAMES[blk.command] ?? ''}`.trim())];
        // P1/P2 carry the password: never shown.
        if (blk.data !== undefined) children.push(node('data', blk.command === 'P' ? 'hidden (password)' : blk.data));
        children.push(node('end', blk.partial ? 'EOT (partial block)' : 'ETX'), node('BCC', 'ok'));
        return node('IEC 62056-21 command', `${blk.command}${blk.type}`, children);
      }
      const lines = blk.data.split(/\r?\n/).filter((l) => l.length > 0);
      return node('IEC 62056-21 data message', `${lines.length} line${lines.length === 1 ? '' : 's'}`, [
        node('data', undefined, lines.slice(0, 500).map((l) => dataLineNode(l))),
        node('end', blk.partial ? 'EOT (partial block)' : 'ETX'),
        node('BCC', 'ok'),
      ]);
    } catch (e) {
      if (b[b.length - 2] === 0x03 || b[b.length - 2] === 0x04) return node('IEC 62056-21 block (damaged)', message(e));
      return undefined;
    }
  }
  return undefined;
}

const COMMAND_NAMES: Record<string, string> = { P: 'password', W: 'write', R: 'read', E: 'execute', B: 'break' };

/** `1.8.0*24(0147238.4*kWh)` -> address, values, units. */
function dataLineNode(line: string): DecodedNode {
  const m = /^([^(]*)((?:\([^)]*\))+)$/.exec(line);
  if (!m) return node(line);
  const values = [...m[2]!.matchAll(/\(([^)]*)\)/g)].map((x) => x[1]!);
  if (values.length === 1) return node(m[1] || '(value)', values[0]);
  return node(m[1] || '(values)', values.map((v) => `(${v})`).join(''), values.map((v, i) => node(`[${i}]`, v)));
}

function baudRateText(c: string, cls: string): string {
  const C = ['300', '600', '1200', '2400', '4800', '9600', '19200'];
  const B = { A: '600', B: '1200', C: '2400', D: '4800', E: '9600', F: '19200' } as Record<string, string>;
  if (cls === 'C' && /^[0-6]$/.test(c)) return `, ${C[Number(c)]} Bd`;
  if (cls === 'B' && B[c]) return `, ${B[c]} Bd`;
  return '';
}

/** The bytes as text when they are a printable line (CRLF allowed); undefined otherwise. */
function asciiLine(b: Uint8Array): string | undefined {
  let s = '';
  for (const c of b) {
    if (c === 0x0d || c === 0x0a) continue;
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

// ---------------------------------------------------------------- helpers

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Cap the node count: a huge profile answer still gives a bounded tree. */
function limit(root: DecodedNode | undefined): DecodedNode | undefined {
  if (!root) return root;
  let count = 0;
  const walk = (n: DecodedNode): DecodedNode => {
    count++;
    if (!n.children) return n;
    const kids: DecodedNode[] = [];
    for (const c of n.children) {
      if (count >= MAX_NODES) {
        kids.push({ label: '…', value: 'more not shown' });
        break;
      }
      kids.push(walk(c));
    }
    return { ...n, children: kids };
  };
  return walk(root);
}
