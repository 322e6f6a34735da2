import { decodeRlrq, encodeInitiateResponse, encodeRlre, INITIATE_REQUEST_TAG } from '../../protocols/dlms/acse';
import { encodeApdu } from '../../protocols/dlms/apdu';
import { protectApdu, unprotectApdu, type CipherKeys } from '../../protocols/dlms/security';
import type { HdlcServerOptions } from '../../protocols/hdlc/server-session';
import type { SimSecurityState } from './security';

/**
 * Behaviours of real DLMS/COSEM servers that the simulator reproduces on request (issues 11 and 20), and
 * the simulator's RLRQ handling they change.
 */

/** The HdlcServer options that reproduce real meters' link-layer mistakes. */
export type SimHdlcQuirks = Pick<HdlcServerOptions, 'nrNeverAdvances' | 'dropLinkOnRR' | 'omitFinalBitOnSegments' | 'answerFromAddressSize'>;

export interface SimAssociationQuirks {
  /** The AARE grants everything this meter offers, not the intersection with the client's proposal. */
  overGrantConformance?: boolean;
  /** In a ciphered association, an RLRQ whose user-information is not protected gets an exception-response. */
  exceptionOnPlainRlrq?: boolean;
  /** How every RLRQ is answered instead of RLRE: an exception-response, nothing at all, or a dropped connection. */
  rlrq?: 'exception' | 'silence' | 'hang-up';
  /** The diagnostic a wrong password or secret is refused with. Default 13 (authentication-failure); many meters say 1 (no-reason-given). */
  authFailureDiagnostic?: number;
  /**
   * The last GET data block goes out twice in one APDU, the copy after a 00 byte, as the recorded Gurux
   * server does (../shared/fixtures/dlms-peer/README.md). LN block transfer only.
   */
  duplicateLastBlock?: boolean;
}

/** The answer as a meter with `duplicateLastBlock` sends it: a last get-response-with-datablock, 00, the same again. */
export function withDuplicatedLastBlock(answer: Uint8Array): Uint8Array {
  // C4 02 invoke last-block(1): the only answer this meter repeats.
  if (answer[0] !== 0xc4 || answer[1] !== 0x02 || answer[3] !== 0x01) return answer;
  const out = new Uint8Array(2 * answer.length + 1);
  out.set(answer);
  out.set(answer, answer.length + 1);
  return out;
}

/** Thrown by the meter's handler to make the serving loop drop the connection. */
export class HangUp extends Error {}

export interface RlrqContext {
  quirks: SimAssociationQuirks;
  /** The client's association, when it has one. */
  association?: { ciphered: boolean; clientSystemTitle?: Uint8Array };
  security?: SimSecurityState;
  keys: () => CipherKeys;
  referencing: 'LN' | 'SN';
  maxPdu: number;
}

/** What the meter does with an RLRQ: `answer` undefined means no answer at all (`hangUp`: and the line drops). */
export interface RlrqOutcome {
  answer?: Uint8Array;
  released: boolean;
  hangUp?: boolean;
  decipherFailure?: boolean;
}

/**
 * RLRQ. In a ciphered association a protected RLRQ carries a glo-initiate-request under the global key,
 * and the RLRE then carries the ciphered InitiateResponse; a plain one is accepted unless the meter is
 * told to refuse it (`exceptionOnPlainRlrq`).
 */
export async function answerRlrq(apdu: Uint8Array, c: RlrqContext): Promise<RlrqOutcome> {
  const rlrq = decodeRlrq(apdu);
  const exception = encodeApdu({ type: 'exception-response', stateError: 1, serviceError: 1 });
  if (c.quirks.rlrq === 'silence') return { released: true };
  if (c.quirks.rlrq === 'hang-up') return { released: true, hangUp: true };
  if (c.quirks.rlrq === 'exception') return { answer: exception, released: false };
  const sec = c.security;
  const a = c.association;
  if (!a?.ciphered || !sec || !a.clientSystemTitle) return { answer: encodeRlre({ reason: 0 }), released: true };
  const ui = rlrq.userInformation;
  if (ui?.type !== 'raw') return c.quirks.exceptionOnPlainRlrq ? { answer: exception, released: false } : { answer: encodeRlre({ reason: 0 }), released: true };
  let securityControl: number;
  try {
    const { plain, header } = await unprotectApdu(ui.bytes, a.clientSystemTitle, c.keys());
    if (plain[0] !== INITIATE_REQUEST_TAG || header.invocationCounter <= sec.lastClientCounter) return { answer: exception, released: false, decipherFailure: true };
    sec.lastClientCounter = header.invocationCounter;
    securityControl = header.securityControl;
  } catch {
    return { answer: exception, released: false, decipherFailure: true };
  }
  const response = { negotiatedDlmsVersion: 6, negotiatedConformance: 0, serverMaxReceivePduSize: c.maxPdu, vaaName: c.referencing === 'LN' ? 0x0007 : 0xfa00 };
  const bytes = await protectApdu(
    { kind: 'glo', securityControl, invocationCounter: sec.nextOwnCounter(), systemTitle: sec.opts.systemTitle, keys: c.keys() },
    encodeInitiateResponse(response),
  );
  return { answer: encodeRlre({ reason: 0, userInformation: { type: 'raw', bytes } }), released: true };
}
