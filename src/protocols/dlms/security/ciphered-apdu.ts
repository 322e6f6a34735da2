import { ProtocolError } from '../../../core/errors';
import { AxdrReader } from '../axdr/reader';
import { AxdrWriter } from '../axdr/writer';
import { readU32be, u32be } from './bytes';

/**
 * Ciphered xDLMS APDU envelopes (IEC 62056-5-3 / Green Book):
 *  - service-specific global (glo-) and dedicated (ded-) ciphering: tag, then an octet-string holding the
 *    security header (SC || IC) and the protected APDU;
 *  - general-glo-ciphering (0xDB) and general-ded-ciphering (0xDC): tag, the sender's system title as an
 *    octet-string, then the same octet-string as above.
 * The protected APDU is the whole plain APDU, its tag included. general-ciphering (0xDD) and
 * general-signing (0xDF) are refused with UNSUPPORTED.
 */
export type CipheringKind = 'glo' | 'ded' | 'general-glo' | 'general-ded';

export interface CipheredApdu {
  kind: CipheringKind;
  /** The ciphered tag on the wire. */
  tag: number;
  /** The general forms' system title (8 bytes for DLMS). */
  systemTitle?: Uint8Array;
  securityControl: number;
  invocationCounter: number;
  /** Ciphertext and/or plaintext and tag: everything after the security header. */
  payload: Uint8Array;
}

export const GENERAL_GLO_CIPHERING = 0xdb;
export const GENERAL_DED_CIPHERING = 0xdc;
export const GENERAL_CIPHERING = 0xdd;
export const GENERAL_SIGNING = 0xdf;

/** Plain tags with a service-specific ciphered form: initiate, SN services, confirmed-service-error, LN services. */
const LOW_PLAIN = [0x01, 0x05, 0x06, 0x08, 0x0c, 0x0d, 0x0e, 0x16, 0x18];
const HIGH_PLAIN = [0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc7];

/** The ciphered tag for a plain APDU tag (glo: +0x20 / +0x08, ded: +0x40 / +0x10), or undefined. */
export function cipheredTagFor(plainTag: number, scheme: 'glo' | 'ded'): number | undefined {
  if (LOW_PLAIN.includes(plainTag)) return plainTag + (scheme === 'glo' ? 0x20 : 0x40);
  if (HIGH_PLAIN.includes(plainTag)) return plainTag + (scheme === 'glo' ? 0x08 : 0x10);
  return undefined;
}

/** The plain tag and scheme of a service-specific ciphered tag. */
export function plainTagOf(tag: number): { plainTag: number; scheme: 'glo' | 'ded' } | undefined {
  for (const p of LOW_PLAIN) {
    if (tag === p + 0x20) return { plainTag: p, scheme: 'glo' };
    if (tag === p + 0x40) return { plainTag: p, scheme: 'ded' };
  }
  for (const p of HIGH_PLAIN) {
    if (tag === p + 0x08) return { plainTag: p, scheme: 'glo' };
    if (tag === p + 0x10) return { plainTag: p, scheme: 'ded' };
  }
  return undefined;
}

export function isCipheredTag(tag: number): boolean {
  return plainTagOf(tag) !== undefined || (tag >= GENERAL_GLO_CIPHERING && tag <= GENERAL_SIGNING && tag !== 0xde);
}

export function decodeCipheredApdu(bytes: Uint8Array): CipheredApdu {
  const r = new AxdrReader(bytes);
  const tag = r.u8('ciphered APDU tag');
  let kind: CipheringKind;
  let systemTitle: Uint8Array | undefined;
  if (tag === GENERAL_GLO_CIPHERING || tag === GENERAL_DED_CIPHERING) {
    kind = tag === GENERAL_GLO_CIPHERING ? 'general-glo' : 'general-ded';
    systemTitle = r.octets('system-title');
    if (systemTitle.length !== 8) throw new ProtocolError('LENGTH', `System title of ${systemTitle.length} bytes (8 expected).`);
  } else if (tag === GENERAL_CIPHERING || tag === GENERAL_SIGNING) {
    throw new ProtocolError('UNSUPPORTED', `${tag === GENERAL_CIPHERING ? 'general-ciphering' : 'general-signing'} APDUs are not supported.`);
  } else {
    const t = plainTagOf(tag);
    if (!t) throw new ProtocolError('FRAMING', `0x${tag.toString(16)} is not a ciphered APDU tag.`);
    kind = t.scheme;
  }
  const content = r.octets('ciphered-content');
  r.expectEnd('ciphered APDU');
  if (content.length < 5) throw new ProtocolError('LENGTH', 'Ciphered content shorter than its security header.');
  return {
    kind,
    tag,
    ...(systemTitle ? { systemTitle } : {}),
    securityControl: content[0],
    invocationCounter: readU32be(content, 1),
    payload: content.slice(5),
  };
}

export function encodeCipheredApdu(c: CipheredApdu): Uint8Array {
  const w = new AxdrWriter(c.payload.length + 24);
  w.u8(c.tag);
  if (c.kind === 'general-glo' || c.kind === 'general-ded') {
    if (!c.systemTitle) throw new ProtocolError('PROTOCOL', 'general ciphering needs the system title.');
    w.octets(c.systemTitle);
  }
  w.length(5 + c.payload.length);
  w.u8(c.securityControl & 0xff);
  w.bytes(u32be(c.invocationCounter));
  w.bytes(c.payload);
  return w.toBytes();
}
