import { MeterError, ProtocolError } from '../../../core/errors';
import { buf, concatBytes, subtle, u32be } from './bytes';

/**
 * DLMS security suites 0..2 symmetric part (Green Book, "cryptographic algorithms"): AES-GCM with a
 * 12-byte authentication tag. Suite 0 and 1 use 128-bit keys, suite 2 256-bit keys.
 *
 * Security header = security control byte (SC) || invocation counter (IC, 4 bytes, big-endian).
 * SC bits: 0..3 suite id, 4 authentication, 5 encryption, 6 key set (broadcast), 7 compression.
 * IV = system title of the sender (8) || IC (4).
 *  - authentication only: AAD = SC || AK || plaintext, nothing encrypted; sent: plaintext || tag
 *  - encryption only: no AAD and no tag; sent: ciphertext
 *  - both: AAD = SC || AK; sent: ciphertext || tag
 */

export type SecuritySuite = 0 | 1 | 2;
export type SecurityPolicy = 'none' | 'authenticated' | 'encrypted' | 'authenticated_encrypted';

export const SC_AUTHENTICATION = 0x10;
export const SC_ENCRYPTION = 0x20;
export const SC_BROADCAST_KEY = 0x40;
export const SC_COMPRESSION = 0x80;
export const GCM_TAG_BYTES = 12;

export function securityControlFor(policy: SecurityPolicy, suite: SecuritySuite): number {
  let sc = suite & 0x0f;
  if (policy === 'authenticated' || policy === 'authenticated_encrypted') sc |= SC_AUTHENTICATION;
  if (policy === 'encrypted' || policy === 'authenticated_encrypted') sc |= SC_ENCRYPTION;
  return sc;
}

export function keyBytesForSuite(suite: SecuritySuite): number {
  return suite === 2 ? 32 : 16;
}

export interface GcmParams {
  securityControl: number;
  /** The sender's system title (8 bytes). */
  systemTitle: Uint8Array;
  invocationCounter: number;
  /** Block cipher key (global unicast, broadcast or dedicated). */
  encryptionKey: Uint8Array;
  /** Authentication key (needed when SC has the authentication bit). */
  authenticationKey?: Uint8Array;
}

function check(p: GcmParams): void {
  if (p.systemTitle.length !== 8) throw new MeterError('CONFIG_INVALID', `A system title has 8 bytes, not ${p.systemTitle.length}.`);
  if (p.encryptionKey.length !== 16 && p.encryptionKey.length !== 32) {
    throw new MeterError('CONFIG_INVALID', `A block cipher key has 16 or 32 bytes, not ${p.encryptionKey.length}.`);
  }
  if (!Number.isInteger(p.invocationCounter) || p.invocationCounter < 0 || p.invocationCounter > 0xffffffff) {
    throw new MeterError('PROTOCOL', 'Invocation counter out of range (the key must be renewed).');
  }
  if (p.securityControl & SC_COMPRESSION) throw new ProtocolError('UNSUPPORTED', 'Compressed ciphered APDUs are not supported.');
  if (p.securityControl & SC_AUTHENTICATION && !p.authenticationKey) {
    throw new MeterError('CONFIG_INVALID', 'Authenticated ciphering needs the authentication key.');
  }
}

export function gcmIv(systemTitle: Uint8Array, invocationCounter: number): Uint8Array {
  return concatBytes(systemTitle, u32be(invocationCounter));
}

async function gcmKey(key: Uint8Array, usage: KeyUsage[]): Promise<CryptoKey> {
  return subtle().importKey('raw', buf(key), { name: 'AES-GCM' }, false, usage);
}

/** GCM ciphertext without a tag is CTR mode started at counter block IV || 00000002. */
async function ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', buf(key), { name: 'AES-CTR' }, false, ['encrypt']);
  const counter = concatBytes(iv, u32be(2));
  return new Uint8Array(await subtle().encrypt({ name: 'AES-CTR', counter: buf(counter), length: 32 }, k, buf(data)));
}

/** Protects `plaintext` per SC; returns the bytes that follow the security header. */
export async function gcmProtect(p: GcmParams, plaintext: Uint8Array): Promise<Uint8Array> {
  check(p);
  const auth = (p.securityControl & SC_AUTHENTICATION) !== 0;
  const enc = (p.securityControl & SC_ENCRYPTION) !== 0;
  const iv = gcmIv(p.systemTitle, p.invocationCounter);
  const sc = Uint8Array.of(p.securityControl);
  if (!auth && !enc) return plaintext.slice();
  if (!auth) return ctr(p.encryptionKey, iv, plaintext);
  const key = await gcmKey(p.encryptionKey, ['encrypt']);
  if (!enc) {
    const aad = concatBytes(sc, p.authenticationKey!, plaintext);
    const tag = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: 96 }, key, new ArrayBuffer(0)));
    return concatBytes(plaintext, tag);
  }
  const aad = concatBytes(sc, p.authenticationKey!);
  return new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: 96 }, key, buf(plaintext)));
}

/**
 * Reverses gcmProtect. A tag that does not verify is AUTH_FAILED (wrong key or altered message); the
 * message never says more.
 */
export async function gcmUnprotect(p: GcmParams, protectedBytes: Uint8Array): Promise<Uint8Array> {
  check(p);
  const auth = (p.securityControl & SC_AUTHENTICATION) !== 0;
  const enc = (p.securityControl & SC_ENCRYPTION) !== 0;
  const iv = gcmIv(p.systemTitle, p.invocationCounter);
  const sc = Uint8Array.of(p.securityControl);
  if (!auth && !enc) return protectedBytes.slice();
  if (!auth) return ctr(p.encryptionKey, iv, protectedBytes);
  if (protectedBytes.length < GCM_TAG_BYTES) throw new ProtocolError('LENGTH', 'Ciphered APDU shorter than its authentication tag.');
  const key = await gcmKey(p.encryptionKey, ['decrypt']);
  try {
    if (!enc) {
      const plaintext = protectedBytes.slice(0, protectedBytes.length - GCM_TAG_BYTES);
      const tag = protectedBytes.slice(protectedBytes.length - GCM_TAG_BYTES);
      const aad = concatBytes(sc, p.authenticationKey!, plaintext);
      await subtle().decrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: 96 }, key, buf(tag));
      return plaintext;
    }
    const aad = concatBytes(sc, p.authenticationKey!);
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: 96 }, key, buf(protectedBytes)));
  } catch (e) {
    if (e instanceof MeterError) throw e;
    throw new ProtocolError('AUTH_FAILED', 'A ciphered APDU failed its authentication check (wrong key, or the message was altered).');
  }
}

/**
 * The GMAC tag of HLS mechanism 5: AES-GCM over nothing with AAD = SC || AK || challenge, IV = ST || IC.
 */
export async function gmacTag(p: Omit<GcmParams, 'authenticationKey'> & { authenticationKey: Uint8Array }, challenge: Uint8Array): Promise<Uint8Array> {
  check({ ...p, securityControl: p.securityControl & ~SC_COMPRESSION });
  const key = await gcmKey(p.encryptionKey, ['encrypt']);
  const aad = concatBytes(Uint8Array.of(p.securityControl), p.authenticationKey, challenge);
  const iv = gcmIv(p.systemTitle, p.invocationCounter);
  return new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: 96 }, key, new ArrayBuffer(0)));
}
