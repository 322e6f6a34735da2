import { MeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import {
  LN_CLIENT_CONFORMANCE,
  MECHANISM,
  SN_CLIENT_CONFORMANCE,
  aareOutcome,
  buildAarq,
  conformanceNames,
  decodeAare,
  decodeInitiateResponse,
  decodeRlre,
  encodeAarq,
  encodeInitiateRequest,
  encodeRlrq,
  INITIATE_RESPONSE_TAG,
  type ConformanceName,
  type InitiateResponse,
} from '../dlms/acse';
import { challengeLength, webRandom, type HlsMechanism, type RandomSource } from '../dlms/security';
import type { CipherContext } from './cipher-context';
import type { ApduExchange } from './services';

/** The WCC Lite authentication levels. */
export type DlmsAuth = 'None' | 'Low' | 'High' | 'HighMd5' | 'HighSha1' | 'HighSha256' | 'HighGmac' | 'HighEcdsa';

export const AUTH_MECHANISM: Record<DlmsAuth, number> = {
  None: MECHANISM.none,
  Low: MECHANISM.low,
  High: MECHANISM.high,
  HighMd5: MECHANISM.md5,
  HighSha1: MECHANISM.sha1,
  HighGmac: MECHANISM.gmac,
  HighSha256: MECHANISM.sha256,
  HighEcdsa: MECHANISM.ecdsa,
};

/** What an application association is opened with. */
export interface AssociationParams {
  referencing: 'LN' | 'SN';
  auth: DlmsAuth;
  /** LLS password (Low) or HLS secret (High, HighMd5, HighSha1, HighSha256). A secret: never put into messages. */
  password?: string;
  /** Largest APDU this client accepts; default 0xFFFF (HDLC segments it anyway). */
  clientMaxPdu?: number;
  /** Conformance to propose instead of the usual client set. */
  proposedConformance?: number;
  /** Challenge source (default crypto.getRandomValues); tests pass a fixed one. */
  random?: RandomSource;
  log?: SessionLog;
}

export interface AssociationResult {
  conformance: Set<ConformanceName>;
  serverMaxPdu: number;
  dlmsVersion: number;
  /** LN: 0x0007; SN: the association object's base name (usually 0xFA00). */
  vaaName: number;
  /** The meter's system title from the AARE (ciphered contexts and HLS 5/6/7). */
  serverSystemTitle?: Uint8Array;
  /** HLS: pass 3/4 (reply_to_HLS_authentication) still to do. */
  pendingHls?: { mechanism: HlsMechanism; ctos: Uint8Array; stoc: Uint8Array };
}

/** Mechanisms whose exchange binds system titles: the client sends its own in the AARQ. */
function needsSystemTitle(mechanism: number): boolean {
  return mechanism === MECHANISM.gmac || mechanism === MECHANISM.sha256 || mechanism === MECHANISM.ecdsa;
}

/**
 * AARQ → AARE. None and Low finish here; HLS levels return `pendingHls` for pass 3/4 (see hls-client.ts).
 * With a cipher context whose policy ciphers, the application context is the ciphered one and the
 * InitiateRequest/Response travel as glo-initiate-request/response. A refusal is a typed error:
 * AUTH_FAILED when the meter says the password, key or mechanism is wrong, REJECTED otherwise.
 */
export async function associate(transport: ApduExchange, p: AssociationParams, cipher?: CipherContext): Promise<AssociationResult> {
  const mechanism = AUTH_MECHANISM[p.auth];
  if (mechanism === undefined) throw new MeterError('CONFIG_INVALID', `Unknown authentication level ${String(p.auth)}.`);
  if (p.auth === 'Low' && !p.password) throw new MeterError('CONFIG_INVALID', 'Authentication Low needs a password.');
  if ((mechanism === 2 || mechanism === 3 || mechanism === 4 || mechanism === 6) && !p.password) {
    throw new MeterError('CONFIG_INVALID', `Authentication ${p.auth} needs the HLS secret (password).`);
  }
  if ((needsSystemTitle(mechanism) || cipher?.ciphered) && !cipher) {
    throw new MeterError('CONFIG_INVALID', `Authentication ${p.auth} needs the security material (system title and keys).`);
  }
  const ctos = mechanism >= MECHANISM.high ? (p.random ?? webRandom)(challengeLength(mechanism as HlsMechanism)) : undefined;
  const ciphered = cipher?.ciphered ?? false;
  const aarq = buildAarq({
    referencing: p.referencing,
    ciphered,
    mechanism,
    ...(mechanism === MECHANISM.low && p.password ? { authenticationValue: new TextEncoder().encode(p.password) } : {}),
    ...(ctos ? { authenticationValue: ctos } : {}),
    ...(cipher && (ciphered || needsSystemTitle(mechanism)) ? { clientSystemTitle: cipher.opts.clientSystemTitle } : {}),
    ...(p.clientMaxPdu ? { maxReceivePduSize: p.clientMaxPdu } : {}),
    ...(p.proposedConformance !== undefined ? { conformance: p.proposedConformance } : {}),
    ...(cipher?.opts.keys.dedicatedKey && ciphered ? { dedicatedKey: cipher.opts.keys.dedicatedKey } : {}),
  });
  if (ciphered && cipher && aarq.userInformation?.type === 'initiate-request') {
    // The InitiateRequest (and any dedicated key in it) goes out as glo-initiate-request under the global key.
    const plain = encodeInitiateRequest(aarq.userInformation.value);
    const sc = aarq.userInformation.value.dedicatedKey ? cipher.securityControl | 0x30 : cipher.securityControl;
    aarq.userInformation = { type: 'raw', bytes: await cipher.protect(plain, 'glo', sc) };
  }
  const proposed = p.proposedConformance ?? (p.referencing === 'LN' ? LN_CLIENT_CONFORMANCE : SN_CLIENT_CONFORMANCE);
  const answer = await transport.request(encodeAarq(aarq));
  const aare = decodeAare(answer);
  const outcome = aareOutcome(aare);
  if (outcome.status === 'rejected') {
    // Many meters refuse a wrong password or secret with "no reason given" rather than authentication-failure.
    const e = outcome.error;
    if (e.code === 'REJECTED' && mechanism !== MECHANISM.none && aare.diagnostic.source === 'user' && aare.diagnostic.value !== 2) {
      throw new MeterError('AUTH_FAILED', `Association refused (${outcome.diagnostic}) with authentication ${p.auth}: usually a wrong password or secret.`);
    }
    throw e;
  }
  const serverSystemTitle = outcome.serverSystemTitle;
  if (cipher && serverSystemTitle) {
    if (serverSystemTitle.length !== 8) throw new MeterError('PROTOCOL', 'The meter sent a system title that is not 8 bytes long.');
    cipher.serverSystemTitle = serverSystemTitle;
  }
  let init: InitiateResponse | undefined = outcome.initiateResponse;
  if (!init && outcome.userInformation?.type === 'raw' && cipher) {
    if (!serverSystemTitle) throw new MeterError('PROTOCOL', 'A ciphered InitiateResponse came without the meter system title.');
    const plain = await cipher.unprotect(outcome.userInformation.bytes);
    if (plain[0] !== INITIATE_RESPONSE_TAG) throw new MeterError('PROTOCOL', 'The deciphered AARE user-information is not an InitiateResponse.');
    init = decodeInitiateResponse(plain);
  }
  if (!init) throw new MeterError('PROTOCOL', 'The association was accepted without an InitiateResponse.');
  // Only services both sides name: some meters grant their whole set, proposed or not.
  const usable = init.negotiatedConformance & proposed;
  if (usable !== init.negotiatedConformance) {
    const extra = conformanceNames(init.negotiatedConformance & ~proposed);
    p.log?.(3, `The meter granted services not proposed (${extra.join(', ')}); using only those both sides name.`);
  }
  const result: AssociationResult = {
    conformance: new Set(conformanceNames(usable)),
    serverMaxPdu: init.serverMaxReceivePduSize,
    dlmsVersion: init.negotiatedDlmsVersion,
    vaaName: init.vaaName,
    ...(serverSystemTitle ? { serverSystemTitle } : {}),
  };
  if (outcome.status === 'challenge') {
    if (outcome.mechanism !== mechanism || !ctos) {
      throw new MeterError('AUTH_FAILED', `The meter asks for authentication mechanism ${outcome.mechanism}; configure the matching auth level.`);
    }
    if (outcome.challenge.length < 8 || outcome.challenge.length > 64) throw new MeterError('PROTOCOL', 'The meter challenge is not 8..64 bytes long.');
    if (needsSystemTitle(mechanism) && !serverSystemTitle) throw new MeterError('PROTOCOL', 'HLS needs the meter system title, which the AARE did not carry.');
    result.pendingHls = { mechanism: mechanism as HlsMechanism, ctos, stoc: outcome.challenge };
  } else if (mechanism >= MECHANISM.high) {
    throw new MeterError('AUTH_FAILED', 'The meter accepted an HLS association without sending a challenge.');
  }
  return result;
}

export interface ReleaseOptions {
  /** The association's cipher context: in a ciphered association the RLRQ is protected as its policy asks. */
  cipher?: CipherContext;
  referencing?: 'LN' | 'SN';
  proposedConformance?: number;
  clientMaxPdu?: number;
  log?: SessionLog;
}

const EXCEPTION_RESPONSE_TAG = 0xd8;

/**
 * RLRQ → RLRE (normal release). In a ciphered association the RLRQ carries the InitiateRequest as a
 * glo-initiate-request, so the meter can tell the release comes from the associated client. An
 * exception-response or no answer at all still ends the association (the link is closed next anyway):
 * the release is done, and nothing read before it is affected.
 */
export async function release(transport: ApduExchange, o: ReleaseOptions = {}): Promise<void> {
  const rlrq: Parameters<typeof encodeRlrq>[0] = { reason: 0 };
  const cipher = o.cipher?.ciphered ? o.cipher : undefined;
  if (cipher) {
    const init = encodeInitiateRequest({
      proposedDlmsVersion: 6,
      proposedConformance: o.proposedConformance ?? (o.referencing === 'SN' ? SN_CLIENT_CONFORMANCE : LN_CLIENT_CONFORMANCE),
      clientMaxReceivePduSize: o.clientMaxPdu ?? 0xffff,
    });
    rlrq.userInformation = { type: 'raw', bytes: await cipher.protect(init, 'glo') };
  }
  let answer: Uint8Array;
  try {
    answer = await transport.request(encodeRlrq(rlrq));
  } catch (e) {
    if (e instanceof MeterError && (e.code === 'TIMEOUT' || e.code === 'NO_ANSWER')) {
      o.log?.(3, 'No answer to RLRQ; the association is considered released.');
      return;
    }
    throw e;
  }
  if (answer[0] === EXCEPTION_RESPONSE_TAG) {
    o.log?.(3, 'The meter answered RLRQ with an exception-response; the association is considered released.');
    return;
  }
  const rlre = decodeRlre(answer);
  if (cipher && rlre.userInformation?.type === 'raw') {
    try {
      const plain = await cipher.unprotect(rlre.userInformation.bytes);
      if (plain[0] !== INITIATE_RESPONSE_TAG) throw new MeterError('PROTOCOL', 'not an InitiateResponse');
    } catch (e) {
      // The association ends either way; an RLRE we cannot check is worth a trace line, not a failure.
      o.log?.(2, `The RLRE's protected user-information did not check out (${e instanceof MeterError ? e.message : 'error'}).`);
    }
  }
}
