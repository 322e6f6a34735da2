/**
 * OBIS codes (IEC 62056-6-1): six value groups A..F, each 0..255. Users type them in several notations,
 * the protocol carries them as a 6-byte logical name.
 */
import { ProtocolError } from '../../core/errors';

export interface ParsedObis {
  obis: Uint8Array;
  /** Present when the text ended in `:n` (the COSEM attribute index). */
  attribute?: number;
}

/** Letters allowed in value groups C and D (IEC 62056-21 style, e.g. `C.1.0`, `F.F.0`). */
const LETTER_C: Record<string, number> = { C: 96, F: 97, L: 98, P: 99 };

// A.B.C.D.E.F with optional :attribute; C and D may be letters.
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3}|[CFLP])\.(\d{1,3}|[CFLP])\.(\d{1,3})\.(\d{1,3})(?::(\d{1,3}))?$/i;
// A-B:C.D.E*F (F optional, `&` accepted as the F separator too), then optional :attribute.
const IEC = /^(\d{1,3})-(\d{1,3}):(\d{1,3}|[CFLP])\.(\d{1,3}|[CFLP])\.(\d{1,3})(?:[*&](\d{1,3}))?(?::(\d{1,3}))?$/i;
const HEX = /^([0-9a-f]{12})(?::(\d{1,3}))?$/i;

function bad(text: string, why: string): ProtocolError {
  return new ProtocolError('FRAMING', `"${text}" is not an OBIS code: ${why}.`);
}

function group(text: string, raw: string, name: string): number {
  const letter = LETTER_C[raw.toUpperCase()];
  if (letter !== undefined) return letter;
  const n = Number(raw);
  if (n > 255) throw bad(text, `value group ${name} is ${n}, the largest allowed is 255`);
  return n;
}

function attributeOf(text: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  // Attribute ids are A-XDR integer (int8); standard attributes are 1..127.
  if (n < 1 || n > 127) throw bad(text, `attribute ${n} is outside 1..127`);
  return n;
}

/**
 * Parse `1.0.1.8.0.255`, `1.0.1.8.0.255:2`, `1-0:1.8.0*255`, `1-0:1.8.0` (F = 255), `0-0:C.1.0*255`
 * (letters C=96, F=97, L=98, P=99 in groups C and D) or 12 hex digits (`0100010800FF`). Throws ProtocolError('FRAMING').
 */
export function parseObis(text: string): ParsedObis {
  if (typeof text !== 'string') throw new ProtocolError('FRAMING', 'An OBIS code must be text.');
  const t = text.trim();
  let m = DOTTED.exec(t);
  const groups = ['A', 'B', 'C', 'D', 'E', 'F'];
  if (m) {
    const obis = new Uint8Array(6);
    for (let i = 0; i < 6; i++) obis[i] = group(text, m[i + 1], groups[i]);
    const attribute = attributeOf(text, m[7]);
    return attribute === undefined ? { obis } : { obis, attribute };
  }
  m = IEC.exec(t);
  if (m) {
    const obis = new Uint8Array(6);
    for (let i = 0; i < 5; i++) obis[i] = group(text, m[i + 1], groups[i]);
    obis[5] = m[6] === undefined ? 255 : group(text, m[6], 'F');
    const attribute = attributeOf(text, m[7]);
    return attribute === undefined ? { obis } : { obis, attribute };
  }
  m = HEX.exec(t);
  if (m) {
    const obis = new Uint8Array(6);
    for (let i = 0; i < 6; i++) obis[i] = parseInt(m[1].slice(i * 2, i * 2 + 2), 16);
    const attribute = attributeOf(text, m[2]);
    return attribute === undefined ? { obis } : { obis, attribute };
  }
  if (t === '') throw bad(text, 'it is empty');
  throw bad(text, 'expected A.B.C.D.E.F (e.g. 1.0.1.8.0.255), A-B:C.D.E*F (e.g. 1-0:1.8.0*255) or 12 hex digits');
}

export type ObisStyle = 'dotted' | 'iec';

function checkBytes(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 6) {
    throw new ProtocolError('FRAMING', `A logical name has 6 bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}.`);
  }
}

/** `1.0.1.8.0.255` (dotted, the default) or `1-0:1.8.0*255` (iec). */
export function formatObis(bytes: Uint8Array, style: ObisStyle = 'dotted'): string {
  checkBytes(bytes);
  const b = bytes;
  if (style === 'iec') return `${b[0]}-${b[1]}:${b[2]}.${b[3]}.${b[4]}*${b[5]}`;
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}.${b[4]}.${b[5]}`;
}

/** Map key for a logical name; equal to the dotted format so keys stay readable in traces. */
export function obisKey(bytes: Uint8Array): string {
  const b = bytes;
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}.${b[4]}.${b[5]}`;
}

/** Bytes from either form callers tend to hold. */
export function toObisBytes(obis: Uint8Array | string): Uint8Array {
  if (typeof obis === 'string') return parseObis(obis).obis;
  checkBytes(obis);
  return obis;
}

/** Key from bytes or text (text is parsed so `1-0:1.8.0` and `1.0.1.8.0.255` give the same key). */
export function toObisKey(obis: Uint8Array | string): string {
  return obisKey(toObisBytes(obis));
}

export function obisEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === 6 && b.length === 6 && a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4] && a[5] === b[5];
}
