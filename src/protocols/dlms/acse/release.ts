import { ProtocolError } from '../../../core/errors';
import { concat, encodeSmallInteger, readChildren, readSmallInteger, readTlv, tlv } from './ber';
import { decodeUserInformation, encodeUserInformation, type UserInformation } from './user-information';

/**
 * RLRQ ([APPLICATION 2], 0x62) and RLRE ([APPLICATION 3], 0x63). Reason: RLRQ 0 normal, 1 urgent,
 * 30 user-defined; RLRE 0 normal, 1 not-finished, 30 user-defined.
 */
export interface ReleaseMessage {
  reason?: number;
  userInformation?: UserInformation;
}

export const RLRQ_TAG = 0x62;
export const RLRE_TAG = 0x63;

function encodeRelease(tag: number, m: ReleaseMessage): Uint8Array {
  const parts: Uint8Array[] = [];
  if (m.reason !== undefined) parts.push(tlv(0x80, encodeSmallInteger(m.reason)));
  if (m.userInformation) parts.push(encodeUserInformation(m.userInformation));
  return tlv(tag, concat(parts));
}

function decodeRelease(tag: number, name: string, bytes: Uint8Array): ReleaseMessage {
  const outer = readTlv(bytes, 0);
  if (outer.tag !== tag) throw new ProtocolError('FRAMING', `${name} expected (0x${tag.toString(16)}), got 0x${outer.tag.toString(16)}.`);
  if (outer.end !== bytes.length) throw new ProtocolError('LENGTH', `${bytes.length - outer.end} byte(s) after the ${name}.`);
  const out: ReleaseMessage = {};
  for (const t of readChildren(bytes, outer.start, outer.end)) {
    if (t.tag === 0x80) out.reason = readSmallInteger(t, 'reason');
    else if (t.tag === 0xbe) out.userInformation = decodeUserInformation(t);
  }
  return out;
}

export const encodeRlrq = (m: ReleaseMessage): Uint8Array => encodeRelease(RLRQ_TAG, m);
export const encodeRlre = (m: ReleaseMessage): Uint8Array => encodeRelease(RLRE_TAG, m);
export const decodeRlrq = (bytes: Uint8Array): ReleaseMessage => decodeRelease(RLRQ_TAG, 'RLRQ', bytes);
export const decodeRlre = (bytes: Uint8Array): ReleaseMessage => decodeRelease(RLRE_TAG, 'RLRE', bytes);
