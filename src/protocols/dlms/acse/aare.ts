import { MeterError, ProtocolError, type ErrorCode } from '../../../core/errors';
import { describeConfirmedServiceError } from '../apdu/service-errors';
import { concat, encodeSmallInteger, readChildren, readExplicit, readSmallInteger, readTlv, tlv, tlvValue } from './ber';
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
import type { InitiateResponse } from './initiate';
import { mechanismIdOf } from './names';
import { decodeUserInformation, encodeUserInformation, type UserInformation } from './user-information';

/** AARE, the association response ([APPLICATION 1], 0x61). */
export interface Aare {
  protocolVersion?: Uint8Array;
  applicationContextName: string;
  /** 0 accepted, 1 rejected-permanent, 2 rejected-transient */
  result: number;
  /** result-source-diagnostic: acse-service-user [1] or acse-service-provider [2] and its value. */
  diagnostic: { source: 'user' | 'provider'; value: number };
  /** responding-AP-title: the server system title. */
  respondingApTitle?: Uint8Array;
  respondingAeQualifier?: Uint8Array;
  authentication?: boolean;
  mechanismName?: string;
  /** HLS server challenge (StoC). */
  respondingAuthenticationValue?: Uint8Array;
  userInformation?: UserInformation;
}

export const AARE_TAG = 0x61;

export const ASSOCIATION_RESULT_NAMES: Record<number, string> = { 0: 'accepted', 1: 'rejected-permanent', 2: 'rejected-transient' };

export const ACSE_USER_DIAGNOSTIC_NAMES: Record<number, string> = {
  0: 'null',
  1: 'no-reason-given',
  2: 'application-context-name-not-supported',
  3: 'calling-AP-title-not-recognized',
  4: 'calling-AP-invocation-identifier-not-recognized',
  5: 'calling-AE-qualifier-not-recognized',
  6: 'calling-AE-invocation-identifier-not-recognized',
  7: 'called-AP-title-not-recognized',
  8: 'called-AP-invocation-identifier-not-recognized',
  9: 'called-AE-qualifier-not-recognized',
  10: 'called-AE-invocation-identifier-not-recognized',
  11: 'authentication-mechanism-name-not-recognised',
  12: 'authentication-mechanism-name-required',
  13: 'authentication-failure',
  14: 'authentication-required',
};

export const ACSE_PROVIDER_DIAGNOSTIC_NAMES: Record<number, string> = { 0: 'null', 1: 'no-reason-given', 2: 'no-common-acse-version' };

export function diagnosticName(d: Aare['diagnostic']): string {
  const names = d.source === 'user' ? ACSE_USER_DIAGNOSTIC_NAMES : ACSE_PROVIDER_DIAGNOSTIC_NAMES;
  return names[d.value] ?? `${d.source} diagnostic ${d.value}`;
}

export function encodeAare(a: Aare): Uint8Array {
  const parts: Uint8Array[] = [];
  if (a.protocolVersion) parts.push(tlv(0x80, a.protocolVersion));
  parts.push(encodeExplicitOid(0xa1, a.applicationContextName));
  parts.push(tlv(0xa2, tlv(0x02, encodeSmallInteger(a.result))));
  parts.push(tlv(0xa3, tlv(a.diagnostic.source === 'user' ? 0xa1 : 0xa2, tlv(0x02, encodeSmallInteger(a.diagnostic.value)))));
  if (a.respondingApTitle) parts.push(encodeExplicitOctets(0xa4, a.respondingApTitle));
  if (a.respondingAeQualifier) parts.push(encodeExplicitOctets(0xa5, a.respondingAeQualifier));
  if (a.authentication !== undefined) parts.push(encodeAcseRequirements(0x88, a.authentication));
  if (a.mechanismName) parts.push(encodeImplicitOid(0x89, a.mechanismName));
  if (a.respondingAuthenticationValue) parts.push(encodeAuthenticationValue(0xaa, a.respondingAuthenticationValue));
  if (a.userInformation) parts.push(encodeUserInformation(a.userInformation));
  return tlv(AARE_TAG, concat(parts));
}

export function decodeAare(bytes: Uint8Array): Aare {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== AARE_TAG) throw new ProtocolError('FRAMING', `AARE expected (0x61), got 0x${outer.tag.toString(16)}.`);
  if (outer.end !== bytes.length) throw new ProtocolError('LENGTH', `${bytes.length - outer.end} byte(s) after the AARE.`);
  let context: string | undefined;
  let result: number | undefined;
  let diagnostic: Aare['diagnostic'] | undefined;
  const out: Partial<Aare> = {};
  for (const t of readChildren(bytes, outer.start, outer.end)) {
    switch (t.tag) {
      case 0x80:
        out.protocolVersion = tlvValue(t);
        break;
      case 0xa1:
        context = decodeExplicitOid(t, 'application-context-name');
        break;
      case 0xa2:
        result = readSmallInteger(readExplicit(t, 0x02, 'result'), 'result');
        break;
      case 0xa3: {
        const choice = readTlv(t.bytes, t.start, t.end);
        if (choice.end !== t.end || (choice.tag !== 0xa1 && choice.tag !== 0xa2)) {
          throw new ProtocolError('FRAMING', 'result-source-diagnostic is neither acse-service-user nor acse-service-provider.');
        }
        const value = readSmallInteger(readExplicit(choice, 0x02, 'result-source-diagnostic'), 'result-source-diagnostic');
        diagnostic = { source: choice.tag === 0xa1 ? 'user' : 'provider', value };
        break;
      }
      case 0xa4:
        out.respondingApTitle = decodeExplicitOctets(t, 'responding-AP-title');
        break;
      case 0xa5:
        out.respondingAeQualifier = decodeExplicitOctets(t, 'responding-AE-qualifier');
        break;
      case 0x88:
        out.authentication = decodeAcseRequirements(t);
        break;
      case 0x89:
        out.mechanismName = decodeImplicitOid(t);
        break;
      case 0xaa:
        out.respondingAuthenticationValue = decodeAuthenticationValue(t, 'responding-authentication-value');
        break;
      case 0xbe:
        out.userInformation = decodeUserInformation(t);
        break;
      default:
        break;
    }
  }
  if (context === undefined) throw new ProtocolError('FRAMING', 'AARE without application-context-name.');
  if (result === undefined) throw new ProtocolError('FRAMING', 'AARE without result.');
  if (diagnostic === undefined) throw new ProtocolError('FRAMING', 'AARE without result-source-diagnostic.');
  return { ...out, applicationContextName: context, result, diagnostic };
}

/** What an AARE means for the client. */
export type AssociationOutcome =
  | { status: 'accepted'; initiateResponse?: InitiateResponse; serverSystemTitle?: Uint8Array; userInformation?: UserInformation }
  | {
      /** HLS: the association is accepted pending reply_to_HLS_authentication with f(StoC). */
      status: 'challenge';
      mechanism: number;
      challenge: Uint8Array;
      serverSystemTitle?: Uint8Array;
      initiateResponse?: InitiateResponse;
      userInformation?: UserInformation;
    }
  | { status: 'rejected'; error: MeterError; diagnostic: string };

export function aareOutcome(a: Aare): AssociationOutcome {
  const initiateResponse = a.userInformation?.type === 'initiate-response' ? a.userInformation.value : undefined;
  const extras = {
    ...(initiateResponse ? { initiateResponse } : {}),
    ...(a.respondingApTitle ? { serverSystemTitle: a.respondingApTitle } : {}),
    ...(a.userInformation ? { userInformation: a.userInformation } : {}),
  };
  const diag = diagnosticName(a.diagnostic);
  if (a.result === 0) {
    if (a.diagnostic.source === 'user' && a.diagnostic.value === 14) {
      const mechanism = a.mechanismName ? mechanismIdOf(a.mechanismName) : undefined;
      if (mechanism === undefined || !a.respondingAuthenticationValue) {
        return {
          status: 'rejected',
          diagnostic: diag,
          error: new MeterError('PROTOCOL', 'The meter asked for HLS authentication but sent no mechanism or challenge.'),
        };
      }
      return { status: 'challenge', mechanism, challenge: a.respondingAuthenticationValue, ...extras };
    }
    return { status: 'accepted', ...extras };
  }
  const resultName = ASSOCIATION_RESULT_NAMES[a.result] ?? `result ${a.result}`;
  let code: ErrorCode = 'REJECTED';
  if (a.diagnostic.source === 'user' && a.diagnostic.value >= 11 && a.diagnostic.value <= 14) code = 'AUTH_FAILED';
  let detail = `Association ${resultName}: ${diag}`;
  if (a.userInformation?.type === 'confirmed-service-error') detail += `; ${describeConfirmedServiceError(a.userInformation.value)}`;
  if (a.diagnostic.source === 'user' && a.diagnostic.value === 2) detail += ' (check LN/SN referencing and ciphering)';
  return { status: 'rejected', diagnostic: diag, error: new MeterError(code, `${detail}.`) };
}
