import { MeterError } from '../../../core/errors';
import { buf, concatBytes, subtle, u32be } from './bytes';
import { curveOf, type EcUsage } from './ecdsa';
import type { SecuritySuite } from './gcm';

/**
 * Key agreement for suites 1 and 2 (Green Book, "key agreement"): ECDH on P-256 / P-384 (the
 * Ephemeral Unified Model, One-Pass Diffie-Hellman and Static Unified Model schemes all end in a shared
 * secret Z), then the NIST SP 800-56A concatenation KDF built on the suite's hash:
 *
 *   DKM = H(00000001 || Z || OtherInfo) || H(00000002 || Z || OtherInfo) || ...   (truncated to keyBits)
 *   OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo [|| SuppPubInfo || SuppPrivInfo]
 *
 * In DLMS the AlgorithmID is the DER value bytes of the ciphering algorithm's OID and PartyUInfo /
 * PartyVInfo are the system titles of the initiator and the responder.
 */

/** AlgorithmID values (OID value bytes of 2.16.756.5.8.3.x). */
export const KDF_ALGORITHM_ID = {
  'aes-gcm-128': Uint8Array.from([0x60, 0x85, 0x74, 0x05, 0x08, 0x03, 0x00]),
  'aes-gcm-256': Uint8Array.from([0x60, 0x85, 0x74, 0x05, 0x08, 0x03, 0x01]),
  'aes-wrap-128': Uint8Array.from([0x60, 0x85, 0x74, 0x05, 0x08, 0x03, 0x02]),
  'aes-wrap-256': Uint8Array.from([0x60, 0x85, 0x74, 0x05, 0x08, 0x03, 0x03]),
} as const;

export async function concatKdf(hash: 'SHA-256' | 'SHA-384', z: Uint8Array, otherInfo: Uint8Array, keyBits: number): Promise<Uint8Array> {
  if (keyBits <= 0 || keyBits % 8 !== 0 || keyBits > 1024) throw new MeterError('INTERNAL', 'KDF output length must be whole bytes, at most 1024 bits.');
  const out = new Uint8Array(keyBits / 8);
  let filled = 0;
  for (let counter = 1; filled < out.length; counter++) {
    const block = new Uint8Array(await subtle().digest(hash, buf(concatBytes(u32be(counter), z, otherInfo))));
    const n = Math.min(block.length, out.length - filled);
    out.set(block.subarray(0, n), filled);
    filled += n;
  }
  return out;
}

export function dlmsOtherInfo(algorithm: keyof typeof KDF_ALGORITHM_ID, partyUSystemTitle: Uint8Array, partyVSystemTitle: Uint8Array, suppPubInfo = new Uint8Array(0)): Uint8Array {
  return concatBytes(KDF_ALGORITHM_ID[algorithm], partyUSystemTitle, partyVSystemTitle, suppPubInfo);
}

/** ECDH shared secret Z (the x coordinate) between an own private key and the peer's public key, both imported for 'deriveBits'. */
export async function ecdhSharedSecret(own: CryptoKey, peer: CryptoKey, suite: SecuritySuite): Promise<Uint8Array> {
  return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: peer }, own, curveOf(suite).bytes * 8));
}

/** Z → a ciphering key of the suite's size, per the DLMS KDF. */
export async function deriveSuiteKey(z: Uint8Array, suite: SecuritySuite, initiatorSystemTitle: Uint8Array, responderSystemTitle: Uint8Array): Promise<Uint8Array> {
  const algorithm = suite === 2 ? 'aes-gcm-256' : 'aes-gcm-128';
  return concatKdf(curveOf(suite).hash, z, dlmsOtherInfo(algorithm, initiatorSystemTitle, responderSystemTitle), suite === 2 ? 256 : 128);
}

export type { EcUsage };
