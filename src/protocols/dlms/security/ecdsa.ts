import { MeterError, ProtocolError } from '../../../core/errors';
import { buf, concatBytes, subtle } from './bytes';
import type { SecuritySuite } from './gcm';

/**
 * ECDSA for HLS mechanism 7 and the suite 1/2 key material: suite 1 = P-256 with SHA-256, suite 2 =
 * P-384 with SHA-384. Signatures are raw r || s (what WebCrypto produces, and what DLMS sends).
 *
 * Keys are accepted as
 *  - PEM: PKCS#8 "PRIVATE KEY", SEC 1 "EC PRIVATE KEY" (not supported: convert to PKCS#8), SPKI "PUBLIC KEY";
 *  - hex: a PKCS#8 or SPKI DER, a raw private scalar (32 / 48 bytes), or a raw public point
 *    (04 || x || y, or x || y).
 */

export function curveOf(suite: SecuritySuite): { namedCurve: 'P-256' | 'P-384'; hash: 'SHA-256' | 'SHA-384'; bytes: number } {
  if (suite === 2) return { namedCurve: 'P-384', hash: 'SHA-384', bytes: 48 };
  return { namedCurve: 'P-256', hash: 'SHA-256', bytes: 32 };
}

function pemBody(text: string, label: string): Uint8Array | undefined {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`);
  const m = re.exec(text);
  if (!m) return undefined;
  const b64 = m[1].replace(/\s+/g, '');
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new MeterError('CONFIG_INVALID', `The ${label} PEM block is not valid base64.`);
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function hexBytes(text: string, what: string): Uint8Array {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean.length === 0 || clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) {
    throw new MeterError('CONFIG_INVALID', `The ${what} is neither PEM nor hex.`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// PKCS#8 wrappers for a bare private scalar (ECPrivateKey without the optional public key).
const PKCS8_P256_PREFIX = Uint8Array.from([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
  0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
]);
const PKCS8_P384_PREFIX = Uint8Array.from([
  0x30, 0x4e, 0x02, 0x01, 0x00, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22,
  0x04, 0x37, 0x30, 0x35, 0x02, 0x01, 0x01, 0x04, 0x30,
]);

export type EcUsage = 'sign' | 'verify' | 'deriveBits';

function algorithm(suite: SecuritySuite, usage: EcUsage): EcKeyImportParams {
  return { name: usage === 'deriveBits' ? 'ECDH' : 'ECDSA', namedCurve: curveOf(suite).namedCurve };
}

/** Imports a private key (PEM or hex) for signing (ECDSA) or key agreement (ECDH). */
export async function importPrivateKey(text: string, suite: SecuritySuite, usage: 'sign' | 'deriveBits' = 'sign'): Promise<CryptoKey> {
  if (/-----BEGIN EC PRIVATE KEY-----/.test(text)) {
    throw new MeterError('CONFIG_INVALID', 'SEC 1 "EC PRIVATE KEY" PEM is not supported: convert it to PKCS#8 ("PRIVATE KEY").');
  }
  const { bytes } = curveOf(suite);
  let der = pemBody(text, 'PRIVATE KEY');
  if (!der) {
    const raw = hexBytes(text, 'ECDSA private key');
    if (raw.length === bytes) der = concatBytes(suite === 2 ? PKCS8_P384_PREFIX : PKCS8_P256_PREFIX, raw);
    else if (raw[0] === 0x30) der = raw;
    else throw new MeterError('CONFIG_INVALID', `An ECDSA private key for suite ${suite} has ${bytes} bytes (or is PKCS#8).`);
  }
  try {
    return await subtle().importKey('pkcs8', buf(der), algorithm(suite, usage), false, [usage]);
  } catch {
    throw new MeterError('CONFIG_INVALID', `The private key is not a valid ${curveOf(suite).namedCurve} key for suite ${suite}.`);
  }
}

/** Imports a public key (PEM SPKI, hex SPKI, or a raw point) for verifying (ECDSA) or key agreement (ECDH). */
export async function importPublicKey(text: string | Uint8Array, suite: SecuritySuite, usage: 'verify' | 'deriveBits' = 'verify'): Promise<CryptoKey> {
  const { bytes } = curveOf(suite);
  let format: 'spki' | 'raw' = 'raw';
  let data: Uint8Array;
  if (typeof text !== 'string') data = text;
  else {
    const spki = pemBody(text, 'PUBLIC KEY');
    if (spki) {
      format = 'spki';
      data = spki;
    } else data = hexBytes(text, 'ECDSA public key');
  }
  if (format === 'raw') {
    if (data.length === 2 * bytes) data = concatBytes(Uint8Array.of(0x04), data);
    else if (data[0] === 0x30) format = 'spki';
    else if (data.length !== 2 * bytes + 1 || data[0] !== 0x04) {
      throw new MeterError('CONFIG_INVALID', `An uncompressed ${curveOf(suite).namedCurve} public key has ${2 * bytes + 1} bytes.`);
    }
  }
  try {
    return await subtle().importKey(format, buf(data), algorithm(suite, usage), true, usage === 'deriveBits' ? [] : [usage]);
  } catch {
    throw new MeterError('CONFIG_INVALID', `The public key is not a valid ${curveOf(suite).namedCurve} key for suite ${suite}.`);
  }
}

/** The raw uncompressed point (04 || x || y) of a public key. */
export async function exportPublicPoint(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('raw', key));
}

export async function ecdsaSign(key: CryptoKey, suite: SecuritySuite, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: curveOf(suite).hash }, key, buf(data)));
}

/** Verifies a raw r || s signature; a signature of the wrong size is a ProtocolError. */
export async function ecdsaVerify(key: CryptoKey, suite: SecuritySuite, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== 2 * curveOf(suite).bytes) throw new ProtocolError('LENGTH', `An ECDSA signature for suite ${suite} has ${2 * curveOf(suite).bytes} bytes.`);
  return subtle().verify({ name: 'ECDSA', hash: curveOf(suite).hash }, key, buf(signature), buf(data));
}

/** A fresh key pair (simulator and tests). */
export async function generateEcKeyPair(suite: SecuritySuite, usage: 'ecdsa' | 'ecdh' = 'ecdsa'): Promise<CryptoKeyPair> {
  const { namedCurve } = curveOf(suite);
  if (usage === 'ecdh') return subtle().generateKey({ name: 'ECDH', namedCurve }, true, ['deriveBits']);
  return subtle().generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
}
