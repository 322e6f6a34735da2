import type { Aarq } from './aarq';
import { LN_CLIENT_CONFORMANCE, SN_CLIENT_CONFORMANCE } from './conformance';
import { APPLICATION_CONTEXT, MECHANISM, mechanismOid } from './names';

/** The usual client AARQ from a handful of settings. */
export interface AarqParams {
  referencing: 'LN' | 'SN';
  /** Ciphered application context (.3 / .4); the user-information then needs the security layer. */
  ciphered?: boolean;
  /** Authentication mechanism id (MECHANISM.none .. MECHANISM.ecdsa). Default none. */
  mechanism?: number;
  /** LLS: the password; HLS: the client challenge CtoS. */
  authenticationValue?: Uint8Array;
  /** Client system title (calling-AP-title), needed by ciphered contexts and HLS-GMAC/ECDSA. */
  clientSystemTitle?: Uint8Array;
  /** Proposed conformance; default LN_CLIENT_CONFORMANCE or SN_CLIENT_CONFORMANCE. */
  conformance?: number;
  /** client-max-receive-pdu-size; default 0xFFFF. */
  maxReceivePduSize?: number;
  dlmsVersion?: number;
  dedicatedKey?: Uint8Array;
}

export function buildAarq(p: AarqParams): Aarq {
  const context = p.referencing === 'LN' ? (p.ciphered ? 'LN-ciphered' : 'LN') : p.ciphered ? 'SN-ciphered' : 'SN';
  const aarq: Aarq = { applicationContextName: APPLICATION_CONTEXT[context] };
  if (p.clientSystemTitle) aarq.callingApTitle = p.clientSystemTitle;
  const mechanism = p.mechanism ?? MECHANISM.none;
  if (mechanism !== MECHANISM.none) {
    aarq.authentication = true;
    aarq.mechanismName = mechanismOid(mechanism);
    if (p.authenticationValue) aarq.callingAuthenticationValue = p.authenticationValue;
  }
  aarq.userInformation = {
    type: 'initiate-request',
    value: {
      ...(p.dedicatedKey ? { dedicatedKey: p.dedicatedKey } : {}),
      proposedDlmsVersion: p.dlmsVersion ?? 6,
      proposedConformance: p.conformance ?? (p.referencing === 'LN' ? LN_CLIENT_CONFORMANCE : SN_CLIENT_CONFORMANCE),
      clientMaxReceivePduSize: p.maxReceivePduSize ?? 0xffff,
    },
  };
  return aarq;
}
