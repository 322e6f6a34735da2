import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError } from '../../../core/errors';
import { fromHex, toHex } from '../hex';
import { aesEcbEncrypt, highSecretKey, hlsProof, hlsVerify, MAX_HIGH_SECRET_BYTES } from './hls';

/**
 * High (mechanism 2) with a short secret, as recorded between another stack's client and server
 * (../shared/fixtures/dlms-peer/ln-wrapper-high-short-secret.txt): the 5-character secret "Gurux" is
 * used as an AES-128 key zero-padded to 16 bytes.
 */
const recording = readFileSync(new URL('../../../../../shared/fixtures/dlms-peer/ln-wrapper-high-short-secret.txt', import.meta.url), 'utf8');

/** The bytes of every TX or RX line, as one hex string without spaces. */
function lines(dir: 'TX' | 'RX'): string[] {
  return recording
    .split('\n')
    .filter((l) => l.startsWith(`${dir}:`))
    .map((l) => l.slice(3).replace(/\s+/g, ''));
}

function after(hex: string, marker: string, bytes: number): Uint8Array {
  const i = hex.indexOf(marker);
  if (i < 0 || i % 2) throw new Error(`marker ${marker} not found`);
  return fromHex(hex.slice(i + marker.length, i + marker.length + 2 * bytes));
}

const tx = lines('TX');
const rx = lines('RX');
// AARQ calling-authentication-value (CtoS) and AARE responding-authentication-value (StoC): [AC|AA] 12 80 10 + 16 bytes.
const ctos = after(tx[0], 'AC128010', 16);
const stoc = after(rx[0], 'AA128010', 16);
// reply_to_HLS_authentication: ACTION 0.0.40.0.0.255 method 1 with octet-string(16) f(StoC); the answer carries f(CtoS).
const clientProof = after(tx[1], '0F0000280000FF01010910', 16);
const serverProof = after(rx[1], 'C701C100010009', 17).subarray(1);
const secret = new TextEncoder().encode('Gurux');

describe('High (mechanism 2) with a short secret: known answers of another stack', () => {
  it('the recording is what we think it is', () => {
    expect(rx[0]).toContain('A305A10302010E'); // authentication-required: HLS pending
    expect(tx[1]).toContain('C301C1000F0000280000FF0101'); // ACTION on the association, method 1
    expect(toHex(stoc).length).toBe(32);
  });

  it("our f(StoC) with the secret 'Gurux' is the recorded client's byte for byte", async () => {
    const proof = await hlsProof({ mechanism: 2, suite: 0, secret }, stoc, ctos);
    expect(toHex(proof)).toBe(toHex(clientProof));
  });

  it("the recorded server's f(CtoS) verifies with the same secret, and fails with the unpadded reading of any other", async () => {
    await expect(hlsVerify({ mechanism: 2, suite: 0, secret }, serverProof, ctos, stoc)).resolves.toEqual({});
    await expect(hlsVerify({ mechanism: 2, suite: 0, secret: new TextEncoder().encode('Guruy') }, serverProof, ctos, stoc)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
  });

  it('pads 1..16 bytes to an AES-128 key and 17..32 to AES-256; 0 and 33+ bytes are CONFIG_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 40 }), async (s) => {
        if (s.length === 0 || s.length > MAX_HIGH_SECRET_BYTES) {
          expect(() => highSecretKey(s)).toThrow(MeterError);
          return;
        }
        const key = highSecretKey(s);
        expect(key.length).toBe(s.length <= 16 ? 16 : 32);
        expect(toHex(key.subarray(0, s.length))).toBe(toHex(s));
        expect(key.subarray(s.length).every((b) => b === 0)).toBe(true);
        // The proof is AES-ECB under exactly that key.
        const c = fromHex('00112233445566778899AABBCCDDEEFF');
        expect(toHex(await hlsProof({ mechanism: 2, suite: 0, secret: s }, c, c))).toBe(toHex(await aesEcbEncrypt(key, c)));
      }),
      { numRuns: 60 },
    );
  });
});
