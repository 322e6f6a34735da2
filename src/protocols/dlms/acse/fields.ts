import { ProtocolError } from '../../../core/errors';
import { concat, decodeOid, encodeOid, readExplicit, tlv, type Tlv } from './ber';

/** Encoders/decoders for the ACSE field shapes AARQ and AARE share. */

/** An explicitly tagged OBJECT IDENTIFIER (application-context-name). */
export function decodeExplicitOid(t: Tlv, what: string): string {
  const inner = readExplicit(t, 0x06, what);
  return decodeOid(t.bytes.subarray(inner.start, inner.end));
}
export function encodeExplicitOid(tag: number, oid: string): Uint8Array {
  return tlv(tag, tlv(0x06, encodeOid(oid)));
}

/** An implicitly tagged OBJECT IDENTIFIER (mechanism-name). */
export function decodeImplicitOid(t: Tlv): string {
  return decodeOid(t.bytes.subarray(t.start, t.end));
}
export function encodeImplicitOid(tag: number, oid: string): Uint8Array {
  return tlv(tag, encodeOid(oid));
}

/** AP-title / AE-qualifier in their DLMS form: an explicit tag around an OCTET STRING. */
export function decodeExplicitOctets(t: Tlv, what: string): Uint8Array {
  const inner = readExplicit(t, 0x04, what);
  return t.bytes.slice(inner.start, inner.end);
}
export function encodeExplicitOctets(tag: number, value: Uint8Array): Uint8Array {
  return tlv(tag, tlv(0x04, value));
}

/** acse-requirements BIT STRING: only bit 0 (authentication) is defined. */
export function decodeAcseRequirements(t: Tlv): boolean {
  const n = t.end - t.start;
  if (n < 1) throw new ProtocolError('LENGTH', 'Empty acse-requirements.');
  return n >= 2 && (t.bytes[t.start + 1] & 0x80) !== 0;
}
export function encodeAcseRequirements(tag: number, authentication: boolean): Uint8Array {
  return tlv(tag, authentication ? Uint8Array.of(0x07, 0x80) : Uint8Array.of(0x07, 0x00));
}

/**
 * Authentication-value CHOICE, charstring [0] form (what DLMS uses for passwords and challenges).
 * Messages never include the value: it may be a password.
 */
export function decodeAuthenticationValue(t: Tlv, what: string): Uint8Array {
  const inner = readExplicit(t, 0x80, what);
  return t.bytes.slice(inner.start, inner.end);
}
export function encodeAuthenticationValue(tag: number, value: Uint8Array): Uint8Array {
  return tlv(tag, tlv(0x80, value));
}

export { concat };
