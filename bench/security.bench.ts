import { fromHex } from '../src/protocols/dlms/hex';
import { protectApdu, unprotectApdu, hlsProof, generateEcKeyPair } from '../src/protocols/dlms/security';
import type { BenchRow } from './types';

/**
 * Cost of the security layer per APDU: AES-GCM (suite 0, authenticated and encrypted) protect +
 * unprotect of a 1,000-byte GET response, and HLS proofs. These are added to every exchange of a
 * secured association; a 9600-baud HDLC exchange of the same APDU takes about 1 s on the wire.
 */
const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = fromHex('4D4D4D0000BC614E');

async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (performance.now() - t0) / n;
}

export async function run(): Promise<BenchRow[]> {
  const plain = new Uint8Array(1000);
  plain[0] = 0xc4;
  const keys = { blockCipherKey: EK, authenticationKey: AK };
  const N = 2000;
  const protectMs = await timeIt(N, (i) => protectApdu({ kind: 'glo', securityControl: 0x30, invocationCounter: i + 1, systemTitle: ST, keys }, plain));
  const sample = await protectApdu({ kind: 'glo', securityControl: 0x30, invocationCounter: 1, systemTitle: ST, keys }, plain);
  const unprotectMs = await timeIt(N, () => unprotectApdu(sample, ST, keys));
  const challenge = fromHex('503677524A323146503677524A323146');
  const gmacMs = await timeIt(N, (i) => hlsProof({ mechanism: 5, suite: 0, ownSystemTitle: ST, blockCipherKey: EK, authenticationKey: AK }, challenge, challenge, i + 1));
  const pair = await generateEcKeyPair(1);
  const ecdsaMs = await timeIt(200, () => hlsProof({ mechanism: 7, suite: 1, ownSystemTitle: ST, peerSystemTitle: ST, signingKey: pair.privateKey }, challenge, challenge));
  return [
    { name: 'security: protect 1,000-byte APDU (GCM-128, SC 0x30)', value: protectMs * 1000, unit: 'µs', note: 'WebCrypto, per APDU' },
    { name: 'security: unprotect 1,000-byte APDU', value: unprotectMs * 1000, unit: 'µs', note: 'tag verified' },
    { name: 'security: HLS-GMAC proof', value: gmacMs * 1000, unit: 'µs' },
    { name: 'security: HLS-ECDSA P-256 signature', value: ecdsaMs * 1000, unit: 'µs' },
  ];
}
