/** Control characters of IEC 62056-21 (ISO 646 / ASCII) and byte <-> text helpers. */
import { concatBytes as concatAll } from '../../core/bytes';
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;
export const CR = 0x0d;
export const LF = 0x0a;
export const NUL = 0x00;

/**
 * Bytes to text, one char per byte (latin1). Meter text is 7-bit ASCII, but garbage and 8-bit DSMR
 * bytes must survive a round trip unchanged, which UTF-8 decoding would not guarantee.
 */
export function bytesToText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  // Chunked so a long readout does not hit the engine's argument-count limit.
  for (let i = start; i < end; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
  }
  return out;
}

/** Text to bytes, one byte per char; chars above 0xFF are replaced by '?'. */
export function textToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c > 0xff ? 0x3f : c;
  }
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** Printable representation for logs and error details: control characters as <STX>, <CR> etc. */
const NAMES: Record<number, string> = {
  [SOH]: '<SOH>',
  [STX]: '<STX>',
  [ETX]: '<ETX>',
  [EOT]: '<EOT>',
  [ACK]: '<ACK>',
  [NAK]: '<NAK>',
  [CR]: '<CR>',
  [LF]: '<LF>',
  [NUL]: '<NUL>',
};

export function showBytes(bytes: Uint8Array, max = 120): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    const name = NAMES[b];
    if (name) out += name;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `<${b.toString(16).padStart(2, '0')}>`;
  }
  if (bytes.length > max) out += `... (${bytes.length} bytes)`;
  return out;
}
