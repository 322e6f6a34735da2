import { MeterError } from '../../core/errors';
import { hlsProof, hlsVerify, type HlsMechanism, type HlsParty } from '../dlms/security';
import type { CipherContext } from './cipher-context';
import type { DlmsServices } from './services';

/** LN: the current association object and its method 1. */
export const ASSOCIATION_LN_OBIS = Uint8Array.from([0, 0, 40, 0, 0, 255]);
/** SN: reply_to_HLS_authentication is method 8 of Association SN; methods start at base + 0x20. */
export function snMethodName(baseName: number, method: number): number {
  return baseName + 0x20 + 8 * (method - 1);
}

/**
 * HLS pass 3 and 4: send f(StoC) with reply_to_HLS_authentication (LN: ACTION on 0.0.40.0.0.255 method 1;
 * SN: READ with parameterized access of the method's short name), then check the meter's f(CtoS).
 * Any failure is AUTH_FAILED; the caller releases the association and closes the link.
 */
export async function replyToHls(
  services: DlmsServices,
  p: {
    referencing: 'LN' | 'SN';
    vaaName: number;
    mechanism: HlsMechanism;
    ctos: Uint8Array;
    stoc: Uint8Array;
    party: Omit<HlsParty, 'mechanism'>;
    cipher?: CipherContext;
  },
): Promise<void> {
  const party: HlsParty = { ...p.party, mechanism: p.mechanism };
  const ic = p.mechanism === 5 ? await p.cipher!.nextCounter() : 0;
  const receivedBefore = p.cipher ? await p.cipher.lastReceivedCounter() : -1;
  const proof = await hlsProof(party, p.stoc, p.ctos, ic);
  let answer;
  try {
    if (p.referencing === 'LN') {
      answer = await services.action({ classId: 15, obis: ASSOCIATION_LN_OBIS, methodId: 1 }, { type: 'octet-string', value: proof });
    } else {
      const [r] = await services.read([
        { type: 'parameterized-access', name: snMethodName(p.vaaName || 0xfa00, 8), selector: 0, parameter: { type: 'octet-string', value: proof } },
      ]);
      if (r?.type === 'error') throw new MeterError('AUTH_FAILED', 'The meter refused reply_to_HLS_authentication.');
      answer = r?.type === 'data' ? r.value : undefined;
    }
  } catch (e) {
    if (e instanceof MeterError && (e.code === 'ACCESS_DENIED' || e.code === 'REJECTED' || e.code === 'OBJECT_UNDEFINED' || e.code === 'TYPE_MISMATCH')) {
      throw new MeterError('AUTH_FAILED', 'The meter refused our answer to its challenge (wrong HLS secret or key).');
    }
    throw e;
  }
  if (!answer || answer.type !== 'octet-string') throw new MeterError('AUTH_FAILED', 'The meter did not return its answer to our challenge.');
  const { invocationCounter } = await hlsVerify(party, answer.value, p.ctos, p.stoc);
  // The meter's f(CtoS) (GMAC) carries its own frame counter: it must be newer than anything seen before
  // the ACTION (the ciphered ACTION response may carry a later one).
  if (invocationCounter !== undefined && invocationCounter <= receivedBefore) {
    throw new MeterError('AUTH_FAILED', 'The meter answered the challenge with a replayed invocation counter.');
  }
  if (invocationCounter !== undefined && p.cipher && invocationCounter > (await p.cipher.lastReceivedCounter())) {
    await p.cipher.acceptServerCounter(invocationCounter);
  }
}
