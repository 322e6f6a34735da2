import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAare, decodeAarq, decodeRlre, decodeRlrq, encodeAare, encodeAarq, encodeRlre, encodeRlrq } from './acse';
import { decodeInitiateRequest, decodeInitiateResponse, encodeInitiateRequest, encodeInitiateResponse } from './acse/initiate';
import { decodeApdu, encodeApdu } from './apdu';
import { fromHex, toHex } from './hex';

/**
 * Sweep over every byte literal of the reference test-suite: each one that is a whole plain APDU or
 * ACSE message (by its first byte, and not a deliberately broken vector) must decode and re-encode to
 * the same bytes.
 */
const rows = readFileSync(new URL('../../../../shared/fixtures/dlms/all-byte-literals-from-tests.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));

type Codec = [(b: Uint8Array) => unknown, (v: never) => Uint8Array];
const byFirstByte: Record<number, Codec> = {
  0x60: [decodeAarq, encodeAarq as (v: never) => Uint8Array],
  0x61: [decodeAare, encodeAare as (v: never) => Uint8Array],
  0x62: [decodeRlrq, encodeRlrq as (v: never) => Uint8Array],
  0x63: [decodeRlre, encodeRlre as (v: never) => Uint8Array],
};
for (const tag of [0xc0, 0xc1, 0xc3, 0xc4, 0xc5, 0xc7, 0x0f]) byFirstByte[tag] = [decodeApdu, encodeApdu as (v: never) => Uint8Array];

const INITIATE_FILE = 'tests/test_xdlms/test_initiate.py';

describe('reference test-suite byte literals', () => {
  const candidates = rows.filter(([file, , test, hex]) => {
    if (/wrong|raises|invalid|not_parsed/.test(test)) return false;
    if (/test_security|test_hdlc|test_udp|conftest|general_global_cipher/.test(file)) return false; // keys, frames, ciphered
    if (file === INITIATE_FILE) return false;
    return fromHex(hex).length > 3 && byFirstByte[fromHex(hex)[0]] !== undefined;
  });

  it('found the literals', () => {
    expect(candidates.length).toBeGreaterThanOrEqual(35);
  });

  for (const [file, line, test, hex] of candidates) {
    it(`${file}:${line} ${test}`, () => {
      const bytes = fromHex(hex);
      const [decode, encode] = byFirstByte[bytes[0]];
      const value = decode(bytes) as never;
      expect(toHex(encode(value))).toBe(hex.toUpperCase());
    });
  }

  it('InitiateRequest / InitiateResponse literals', () => {
    for (const [file, , , hex] of rows) {
      if (file !== INITIATE_FILE) continue;
      const b = fromHex(hex);
      if (b[0] === 0x01 && b.length > 8) expect(toHex(encodeInitiateRequest(decodeInitiateRequest(b)))).toBe(hex);
      if (b[0] === 0x08) expect(toHex(encodeInitiateResponse(decodeInitiateResponse(b)))).toBe(hex);
    }
  });
});
