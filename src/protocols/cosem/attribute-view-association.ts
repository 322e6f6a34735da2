/**
 * Association LN attributes that are neither numbers nor text: the xDLMS conformance block as named
 * services, and the application context / authentication mechanism names (BER object identifiers).
 * Each returns undefined for a shape it does not take, and the caller decides how to show that.
 */
import { conformanceNames } from '../dlms/acse/conformance';
import type { DlmsData } from '../dlms/axdr/types';
import type { ViewNode } from './attribute-view-types';
import { toHex } from './values';

/** The 24 conformance bits by name (bit 0 = most significant bit of the first byte). */
export function conformanceView(d: DlmsData): ViewNode | undefined {
  if (d.type !== 'bit-string' || d.bitLength !== 24 || d.bytes.length < 3) return undefined;
  const value = (d.bytes[0]! << 16) | (d.bytes[1]! << 8) | d.bytes[2]!;
  const flags = conformanceNames(value);
  const bits = value.toString(2).padStart(24, '0');
  return { kind: 'flags', text: flags.length ? flags.join(', ') : 'no service', value: bits, flags };
}

const CONTEXT_NAMES: Readonly<Record<number, string>> = {
  1: 'LN referencing, no ciphering',
  2: 'SN referencing, no ciphering',
  3: 'LN referencing with ciphering',
  4: 'SN referencing with ciphering',
};
const MECHANISM_NAMES: Readonly<Record<number, string>> = {
  0: 'lowest level (no authentication)',
  1: 'low level (LLS password)',
  2: 'high level (HLS, manufacturer specific)',
  3: 'high level MD5',
  4: 'high level SHA-1',
  5: 'high level GMAC',
  6: 'high level SHA-256',
  7: 'high level ECDSA',
};
/** {joint-iso-ctt(2) country(16) country-name(756) identified-organization(5) DLMS-UA(8)} as BER: 60 85 74 05 08. */
const DLMS_UA_OID = [0x60, 0x85, 0x74, 0x05, 0x08];

/**
 * An application context (arc 1) or authentication mechanism (arc 2) name in its octet-string form:
 * the DLMS UA arc, the kind, the id. Other octet-strings are shown as bytes; other types (the
 * structure-of-integers form of older meters) are left to the generic view (undefined).
 */
export function oidView(d: DlmsData, kind: 'context' | 'mechanism'): ViewNode | undefined {
  if (d.type !== 'octet-string') return undefined;
  const b = d.value;
  const hex = toHex(b);
  const arc = kind === 'context' ? 1 : 2;
  if (b.length !== 7 || DLMS_UA_OID.some((x, i) => b[i] !== x) || b[5] !== arc) return { kind: 'bytes', text: hex || '(empty)', raw: hex };
  const id = b[6]!;
  const name = (kind === 'context' ? CONTEXT_NAMES : MECHANISM_NAMES)[id];
  if (name === undefined) return { kind: 'error', text: `${kind === 'context' ? 'Application context' : 'Authentication mechanism'} ${id} is not one the standard defines.`, raw: hex };
  return { kind: 'enum', text: `${name} (${id})`, value: id, raw: hex };
}
