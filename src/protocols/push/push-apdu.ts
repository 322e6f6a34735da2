import { MeterError, ProtocolError } from '../../core/errors';
import { toHex } from '../cosem/values';
import { readDataNotification } from '../dlms/apdu/push';
import { AxdrReader } from '../dlms/axdr/reader';
import { GENERAL_GLO_CIPHERING, decodeCipheredApdu } from '../dlms/security/ciphered-apdu';
import { SC_AUTHENTICATION } from '../dlms/security/gcm';
import { unprotectApdu } from '../dlms/security/protect';
import type { DataNotification } from '../dlms/apdu/types';
import type { PushBadReason } from './types';

/**
 * One push APDU, plain (data-notification, 0x0F) or ciphered (general-glo-ciphering, 0xDB: system
 * title, security control byte, invocation counter, then the protected data-notification), to its
 * data-notification. The Green Book has no service-specific glo- form of data-notification, so a push
 * is ciphered with the general form. The security control byte says authentication, encryption or
 * both; the counter must be above the last one accepted (checked before any cryptography, so a replay
 * costs nothing, and stored by the caller only after the push decoded).
 */

export interface PushSecurity {
  blockCipherKey?: Uint8Array;
  authenticationKey?: Uint8Array;
  systemTitle?: Uint8Array;
}

export type OpenedPush =
  | { ok: true; notification: DataNotification; systemTitle?: string; invocationCounter?: number }
  | { ok: false; reason: PushBadReason; error: ProtocolError };

const DATA_NOTIFICATION = 0x0f;

function bad(reason: PushBadReason, error: ProtocolError): OpenedPush {
  return { ok: false, reason, error };
}

export function parseNotification(plain: Uint8Array): DataNotification {
  const r = new AxdrReader(plain);
  if (r.u8('APDU tag') !== DATA_NOTIFICATION) throw new ProtocolError('FRAMING', `APDU 0x${plain[0].toString(16)} is not a data-notification.`);
  const n = readDataNotification(r);
  r.expectEnd('data-notification');
  if (n.dateTime && n.dateTime.length !== 12) throw new ProtocolError('LENGTH', `A data-notification date-time of ${n.dateTime.length} bytes.`);
  return n;
}

function asProtocolError(e: unknown, fallback: 'FRAMING' | 'AUTH_FAILED'): ProtocolError {
  if (e instanceof ProtocolError) return e;
  if (e instanceof MeterError) return new ProtocolError(fallback, e.message.replace(/^.*?\.\s/, ''));
  return new ProtocolError(fallback, e instanceof Error ? e.message : String(e));
}

export async function openPush(apdu: Uint8Array, sec: PushSecurity, lastInvocationCounter: number | undefined): Promise<OpenedPush> {
  if (apdu.length === 0) return bad('apdu', new ProtocolError('LENGTH', 'An empty push.'));
  const tag = apdu[0];
  if (tag === DATA_NOTIFICATION) {
    if (sec.blockCipherKey) {
      return bad('gcm', new ProtocolError('AUTH_FAILED', 'A push arrived unciphered although a block cipher key is configured.'));
    }
    try {
      return { ok: true, notification: parseNotification(apdu) };
    } catch (e) {
      return bad('apdu', asProtocolError(e, 'FRAMING'));
    }
  }
  if (tag !== GENERAL_GLO_CIPHERING) {
    return bad('apdu', new ProtocolError('UNSUPPORTED', `APDU 0x${tag.toString(16).padStart(2, '0')} is not a data-notification or general-glo-ciphering.`));
  }
  let header;
  try {
    header = decodeCipheredApdu(apdu);
  } catch (e) {
    return bad('apdu', asProtocolError(e, 'FRAMING'));
  }
  const title = header.systemTitle!;
  const titleHex = toHex(title);
  if (sec.systemTitle && !sameBytes(sec.systemTitle, title)) {
    return bad('gcm', new ProtocolError('AUTH_FAILED', `A push from system title ${titleHex}, not the configured one.`));
  }
  if (!sec.blockCipherKey) return bad('gcm', new ProtocolError('AUTH_FAILED', 'A ciphered push, and no block cipher key is configured.'));
  if (lastInvocationCounter !== undefined && header.invocationCounter <= lastInvocationCounter) {
    return bad(
      'counter',
      new ProtocolError('PROTOCOL', `Invocation counter ${header.invocationCounter} is not above the last accepted ${lastInvocationCounter}: a replayed or older push.`),
    );
  }
  let plain: Uint8Array;
  try {
    plain = (await unprotectApdu(apdu, title, { blockCipherKey: sec.blockCipherKey, ...(sec.authenticationKey ? { authenticationKey: sec.authenticationKey } : {}) })).plain;
  } catch (e) {
    const err = asProtocolError(e, 'AUTH_FAILED');
    return bad(err.code === 'AUTH_FAILED' || err.code === 'CONFIG_INVALID' ? 'gcm' : 'apdu', err.code === 'CONFIG_INVALID' ? new ProtocolError('AUTH_FAILED', err.message) : err);
  }
  let notification;
  try {
    notification = parseNotification(plain);
  } catch (e) {
    // Encryption without authentication has no tag: a wrong key shows only as bytes that do not parse.
    if ((header.securityControl & SC_AUTHENTICATION) === 0) {
      return bad('gcm', new ProtocolError('AUTH_FAILED', 'The deciphered push is not a data-notification: most likely a wrong block cipher key.'));
    }
    return bad('apdu', asProtocolError(e, 'FRAMING'));
  }
  return { ok: true, notification, systemTitle: titleHex, invocationCounter: header.invocationCounter };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
