import { ProtocolError } from '../../../core/errors';
import { concat, readChildren, readTlv, tlv, tlvValue } from './ber';
import {
  decodeAcseRequirements,
  decodeAuthenticationValue,
  decodeExplicitOctets,
  decodeExplicitOid,
  decodeImplicitOid,
  encodeAcseRequirements,
  encodeAuthenticationValue,
  encodeExplicitOctets,
  encodeExplicitOid,
  encodeImplicitOid,
} from './fields';
import { decodeUserInformation, encodeUserInformation, type UserInformation } from './user-information';

/** AARQ, the association request ([APPLICATION 0], 0x60). */
export interface Aarq {
  /** protocol-version BIT STRING value bytes, when sent (rarely; the default is version1). */
  protocolVersion?: Uint8Array;
  applicationContextName: string;
  /** calling-AP-title: the client system title (ciphered contexts, HLS-GMAC). */
  callingApTitle?: Uint8Array;
  /** calling-AE-qualifier: the client's public key certificate (suite 1/2). */
  callingAeQualifier?: Uint8Array;
  /** sender-acse-requirements with the authentication functional unit. */
  authentication?: boolean;
  mechanismName?: string;
  /** LLS password or HLS client challenge (CtoS). Secret: never put it in messages. */
  callingAuthenticationValue?: Uint8Array;
  userInformation?: UserInformation;
}

export const AARQ_TAG = 0x60;

export function encodeAarq(a: Aarq): Uint8Array {
  const parts: Uint8Array[] = [];
  if (a.protocolVersion) parts.push(tlv(0x80, a.protocolVersion));
  parts.push(encodeExplicitOid(0xa1, a.applicationContextName));
  if (a.callingApTitle) parts.push(encodeExplicitOctets(0xa6, a.callingApTitle));
  if (a.callingAeQualifier) parts.push(encodeExplicitOctets(0xa7, a.callingAeQualifier));
  if (a.authentication !== undefined) parts.push(encodeAcseRequirements(0x8a, a.authentication));
  if (a.mechanismName) parts.push(encodeImplicitOid(0x8b, a.mechanismName));
  if (a.callingAuthenticationValue) parts.push(encodeAuthenticationValue(0xac, a.callingAuthenticationValue));
  if (a.userInformation) parts.push(encodeUserInformation(a.userInformation));
  return tlv(AARQ_TAG, concat(parts));
}

export function decodeAarq(bytes: Uint8Array): Aarq {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== AARQ_TAG) throw new ProtocolError('FRAMING', `AARQ expected (0x60), got 0x${outer.tag.toString(16)}.`);
  if (outer.end !== bytes.length) throw new ProtocolError('LENGTH', `${bytes.length - outer.end} byte(s) after the AARQ.`);
  let context: string | undefined;
  const out: Partial<Aarq> = {};
  for (const t of readChildren(bytes, outer.start, outer.end)) {
    switch (t.tag) {
      case 0x80:
        out.protocolVersion = tlvValue(t);
        break;
      case 0xa1:
        context = decodeExplicitOid(t, 'application-context-name');
        break;
      case 0xa6:
        out.callingApTitle = decodeExplicitOctets(t, 'calling-AP-title');
        break;
      case 0xa7:
        out.callingAeQualifier = decodeExplicitOctets(t, 'calling-AE-qualifier');
        break;
      case 0x8a:
        out.authentication = decodeAcseRequirements(t);
        break;
      case 0x8b:
        out.mechanismName = decodeImplicitOid(t);
        break;
      case 0xac:
        out.callingAuthenticationValue = decodeAuthenticationValue(t, 'calling-authentication-value');
        break;
      case 0xbe:
        out.userInformation = decodeUserInformation(t);
        break;
      default:
        // called-AP-title, invocation ids, implementation-information: not used by DLMS, skipped.
        break;
    }
  }
  if (context === undefined) throw new ProtocolError('FRAMING', 'AARQ without application-context-name.');
  return { ...out, applicationContextName: context };
}
