import { MeterError } from '../../core/errors';
import {
  MECHANISM,
  aareOutcome,
  buildAarq,
  conformanceNames,
  decodeAare,
  decodeRlre,
  encodeAarq,
  encodeRlrq,
  type ConformanceName,
} from '../dlms/acse';
import type { ApduExchange } from './services';

/** What an application association is opened with. High levels arrive with the security work. */
export interface AssociationParams {
  referencing: 'LN' | 'SN';
  auth: 'None' | 'Low';
  /** LLS password (auth Low). A secret: never put into messages. */
  password?: string;
  /** Largest APDU this client accepts; default 0xFFFF (HDLC segments it anyway). */
  clientMaxPdu?: number;
  /** Conformance to propose instead of the usual client set. */
  proposedConformance?: number;
}

export interface AssociationResult {
  conformance: Set<ConformanceName>;
  serverMaxPdu: number;
  dlmsVersion: number;
  /** LN: 0x0007; SN: the association object's base name (usually 0xFA00). */
  vaaName: number;
}

/**
 * AARQ → AARE for authentication None and Low (LLS). A refusal is a typed error: AUTH_FAILED when the
 * meter says the password or mechanism is wrong, REJECTED otherwise, with the standard's diagnostic.
 */
export async function associate(transport: ApduExchange, p: AssociationParams): Promise<AssociationResult> {
  if (p.auth === 'Low' && !p.password) throw new MeterError('CONFIG_INVALID', 'Authentication Low needs a password.');
  const aarq = buildAarq({
    referencing: p.referencing,
    mechanism: p.auth === 'Low' ? MECHANISM.low : MECHANISM.none,
    ...(p.auth === 'Low' && p.password ? { authenticationValue: new TextEncoder().encode(p.password) } : {}),
    ...(p.clientMaxPdu ? { maxReceivePduSize: p.clientMaxPdu } : {}),
    ...(p.proposedConformance !== undefined ? { conformance: p.proposedConformance } : {}),
  });
  const answer = await transport.request(encodeAarq(aarq));
  const outcome = aareOutcome(decodeAare(answer));
  if (outcome.status === 'rejected') throw outcome.error;
  if (outcome.status === 'challenge') {
    throw new MeterError('UNSUPPORTED', `The meter asks for high-level authentication (mechanism ${outcome.mechanism}); configure the matching auth level.`);
  }
  const init = outcome.initiateResponse;
  if (!init) throw new MeterError('PROTOCOL', 'The association was accepted without an InitiateResponse.');
  return {
    conformance: new Set(conformanceNames(init.negotiatedConformance)),
    serverMaxPdu: init.serverMaxReceivePduSize,
    dlmsVersion: init.negotiatedDlmsVersion,
    vaaName: init.vaaName,
  };
}

/** RLRQ → RLRE (normal release). */
export async function release(transport: ApduExchange): Promise<void> {
  const answer = await transport.request(encodeRlrq({ reason: 0 }));
  decodeRlre(answer);
}
