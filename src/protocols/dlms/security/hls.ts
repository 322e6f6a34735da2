import { md5 } from '@noble/hashes/legacy.js';
import { MeterError, ProtocolError } from '../../../core/errors';
import { buf, bytesEqual, concatBytes, readU32be, subtle, u32be } from './bytes';
import { ecdsaSign, ecdsaVerify } from './ecdsa';
import { gmacTag, SC_AUTHENTICATION, type SecuritySuite } from './gcm';

/**
 * High-level security authentication (HLS), pass 3 and pass 4 (Green Book "HLS authentication
 * mechanisms"). After AARQ (CtoS) and AARE (StoC) each side proves it knows the secret by sending
 * f(challenge of the other side) in reply_to_HLS_authentication:
 *
 *  mechanism 2 (High): manufacturer specific. Implemented as the common interpretation:
 *                      AES-ECB of the challenge (zero-padded to whole blocks) with the HLS secret as key,
 *                      a short secret zero-padded to 16 bytes (17..32 bytes: to 32), see highSecretKey().
 *  mechanism 3 (MD5):     MD5(challenge || secret)
 *  mechanism 4 (SHA-1):   SHA-1(challenge || secret)
 *  mechanism 6 (SHA-256): SHA-256(secret || ST own || ST peer || challenge || own challenge)
 *  mechanism 5 (GMAC):    SC || IC || GMAC(SC || AK || challenge), IV = ST own || IC, SC = 0x10 | suite
 *  mechanism 7 (ECDSA):   ECDSA(ST own || ST peer || challenge || own challenge), raw r || s
 *
 * "challenge" is the one the other side sent (the client answers StoC, the server CtoS).
 */

export const HLS_MECHANISMS = [2, 3, 4, 5, 6, 7] as const;
export type HlsMechanism = (typeof HLS_MECHANISMS)[number];

export function isHlsMechanism(m: number): m is HlsMechanism {
  return (HLS_MECHANISMS as readonly number[]).includes(m);
}

/** One party's view of an HLS exchange. All byte fields are secrets or inputs; none is ever logged. */
export interface HlsParty {
  mechanism: HlsMechanism;
  suite: SecuritySuite;
  /** Mechanisms 2, 3, 4, 6: the HLS secret (the configured password, as bytes). */
  secret?: Uint8Array;
  ownSystemTitle?: Uint8Array;
  peerSystemTitle?: Uint8Array;
  /** Mechanism 5. */
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  /** Mechanism 7: own private key (sign) and the peer's public key (verify). */
  signingKey?: CryptoKey;
  peerPublicKey?: CryptoKey;
}

/** Suggested challenge length per mechanism (8..64 bytes allowed; ECDSA wants 32..64). */
export function challengeLength(m: HlsMechanism): number {
  return m === 7 ? 32 : 16;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new MeterError('CONFIG_INVALID', `HLS needs ${what}.`);
  return v;
}

async function digest(alg: 'SHA-1' | 'SHA-256', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(alg, buf(data)));
}

/** AES-ECB of whole blocks, built from AES-CBC with a zero IV one block at a time (WebCrypto has no ECB). */
export async function aesEcbEncrypt(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  if (key.length !== 16 && key.length !== 32) {
    throw new MeterError('CONFIG_INVALID', `The High (mechanism 2) secret must be 16 or 32 bytes long, not ${key.length}.`);
  }
  const k = await subtle().importKey('raw', buf(key), { name: 'AES-CBC' }, false, ['encrypt']);
  const padded = new Uint8Array(Math.max(16, Math.ceil(data.length / 16) * 16));
  padded.set(data);
  const out = new Uint8Array(padded.length);
  for (let i = 0; i < padded.length; i += 16) {
    const c = new Uint8Array(await subtle().encrypt({ name: 'AES-CBC', iv: new ArrayBuffer(16) }, k, buf(padded.subarray(i, i + 16))));
    out.set(c.subarray(0, 16), i);
  }
  return out;
}

/** Longest High (mechanism 2) secret: an AES-256 key. */
export const MAX_HIGH_SECRET_BYTES = 32;

/**
 * The AES key a High (mechanism 2) secret stands for. The widely deployed stack takes the configured
 * password itself as the key and fills it up with zero bytes, so a five-character password is a valid
 * secret there; meters set up with such tools expect exactly that key. 1..16 bytes give an AES-128 key,
 * 17..32 bytes an AES-256 key; anything else cannot be a key and is refused.
 */
export function highSecretKey(secret: Uint8Array): Uint8Array {
  const n = secret.length;
  if (n < 1 || n > MAX_HIGH_SECRET_BYTES) {
    throw new MeterError('CONFIG_INVALID', `The High (mechanism 2) secret must be 1 to ${MAX_HIGH_SECRET_BYTES} bytes long, not ${n}.`);
  }
  if (n === 16 || n === 32) return secret;
  const key = new Uint8Array(n <= 16 ? 16 : 32);
  key.set(secret);
  return key;
}

/**
 * f(peerChallenge) as this party sends it. `ownChallenge` is the challenge this party sent earlier;
 * `invocationCounter` (mechanism 5) is this party's next frame counter value.
 */
export async function hlsProof(self: HlsParty, peerChallenge: Uint8Array, ownChallenge: Uint8Array, invocationCounter = 0): Promise<Uint8Array> {
  switch (self.mechanism) {
    case 2:
      return aesEcbEncrypt(highSecretKey(need(self.secret, 'the HLS secret (password)')), peerChallenge);
    case 3:
      return md5(concatBytes(peerChallenge, need(self.secret, 'the HLS secret (password)')));
    case 4:
      return digest('SHA-1', concatBytes(peerChallenge, need(self.secret, 'the HLS secret (password)')));
    case 6:
      return digest(
        'SHA-256',
        concatBytes(
          need(self.secret, 'the HLS secret (password)'),
          need(self.ownSystemTitle, 'the own system title'),
          need(self.peerSystemTitle, "the peer's system title"),
          peerChallenge,
          ownChallenge,
        ),
      );
    case 5: {
      const sc = SC_AUTHENTICATION | self.suite;
      const tag = await gmacTag(
        {
          securityControl: sc,
          systemTitle: need(self.ownSystemTitle, 'the own system title'),
          invocationCounter,
          encryptionKey: need(self.blockCipherKey, 'the block cipher key'),
          authenticationKey: need(self.authenticationKey, 'the authentication key'),
        },
        peerChallenge,
      );
      return concatBytes(Uint8Array.of(sc), u32be(invocationCounter), tag);
    }
    case 7:
      return ecdsaSign(
        need(self.signingKey, 'an ECDSA private key'),
        self.suite,
        concatBytes(need(self.ownSystemTitle, 'the own system title'), need(self.peerSystemTitle, "the peer's system title"), peerChallenge, ownChallenge),
      );
  }
}

/**
 * Checks the peer's f(ownChallenge). Returns the peer's invocation counter for mechanism 5 (so the
 * caller can check it against replay), else undefined. A wrong proof is AUTH_FAILED.
 */
export async function hlsVerify(self: HlsParty, proof: Uint8Array, ownChallenge: Uint8Array, peerChallenge: Uint8Array): Promise<{ invocationCounter?: number }> {
  const fail = (): never => {
    throw new MeterError('AUTH_FAILED', 'The meter did not prove that it knows the HLS secret or keys (pass 4 failed); the association was released.');
  };
  // The peer computed with its own and our titles swapped.
  const peer: HlsParty = { ...self };
  if (self.ownSystemTitle) peer.peerSystemTitle = self.ownSystemTitle;
  else delete peer.peerSystemTitle;
  if (self.peerSystemTitle) peer.ownSystemTitle = self.peerSystemTitle;
  else delete peer.ownSystemTitle;
  switch (self.mechanism) {
    case 5: {
      if (proof.length !== 17) fail();
      const sc = proof[0];
      if ((sc & 0x0f) !== self.suite || (sc & SC_AUTHENTICATION) === 0) fail();
      const ic = readU32be(proof, 1);
      const expected = await hlsProof(peer, ownChallenge, peerChallenge, ic);
      if (!bytesEqual(expected, proof)) fail();
      return { invocationCounter: ic };
    }
    case 7: {
      const data = concatBytes(need(self.peerSystemTitle, "the meter's system title"), need(self.ownSystemTitle, 'the own system title'), ownChallenge, peerChallenge);
      const ok = await ecdsaVerify(need(self.peerPublicKey, "the meter's ECDSA public key"), self.suite, data, proof).catch((e: unknown) => {
        if (e instanceof ProtocolError) return false;
        throw e;
      });
      if (!ok) fail();
      return {};
    }
    default: {
      const expected = await hlsProof(peer, ownChallenge, peerChallenge);
      if (!bytesEqual(expected, proof)) fail();
      return {};
    }
  }
}
