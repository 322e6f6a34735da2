import { AxdrReader } from './reader';
import { AxdrWriter } from './writer';

/**
 * Standalone A-XDR variable-length length/count helpers (short form below 0x80, else 0x81..0x84 and
 * that many big-endian bytes), for code that walks A-XDR without a reader, e.g. reassembled blocks.
 */
export function decodeAxdrLength(bytes: Uint8Array, offset = 0): { length: number; next: number } {
  const r = new AxdrReader(bytes, offset);
  const length = r.length();
  return { length, next: r.pos };
}

export function encodeAxdrLength(length: number): Uint8Array {
  return new AxdrWriter(5).length(length).toBytes();
}
