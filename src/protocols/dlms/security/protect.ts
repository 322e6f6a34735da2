import { ProtocolError } from '../../../core/errors';
import { cipheredTagFor, decodeCipheredApdu, encodeCipheredApdu, GENERAL_DED_CIPHERING, GENERAL_GLO_CIPHERING, plainTagOf, type CipheredApdu, type CipheringKind } from './ciphered-apdu';
import { gcmProtect, gcmUnprotect } from './gcm';

/** Keys of one side of a secured association. Secrets: never logged. */
export interface CipherKeys {
  /** Global unicast encryption key (block cipher key). */
  blockCipherKey: Uint8Array;
  authenticationKey?: Uint8Array;
  /** Dedicated key of the association (ded- and general-ded-ciphering). */
  dedicatedKey?: Uint8Array;
}

export interface ProtectParams {
  kind: CipheringKind;
  securityControl: number;
  invocationCounter: number;
  /** The sender's system title. */
  systemTitle: Uint8Array;
  keys: CipherKeys;
}

function keyFor(kind: CipheringKind, keys: CipherKeys): Uint8Array {
  if (kind === 'ded' || kind === 'general-ded') {
    if (!keys.dedicatedKey) throw new ProtocolError('PROTOCOL', 'Dedicated ciphering without a dedicated key.');
    return keys.dedicatedKey;
  }
  return keys.blockCipherKey;
}

/** Plain APDU in, ciphered APDU out (glo-/ded- service-specific or general-glo/ded). */
export async function protectApdu(p: ProtectParams, plain: Uint8Array): Promise<Uint8Array> {
  if (plain.length === 0) throw new ProtocolError('LENGTH', 'Nothing to cipher.');
  let tag: number | undefined;
  if (p.kind === 'general-glo') tag = GENERAL_GLO_CIPHERING;
  else if (p.kind === 'general-ded') tag = GENERAL_DED_CIPHERING;
  else tag = cipheredTagFor(plain[0], p.kind);
  if (tag === undefined) throw new ProtocolError('UNSUPPORTED', `APDU 0x${plain[0].toString(16)} has no ${p.kind}-ciphered form.`);
  const payload = await gcmProtect(
    {
      securityControl: p.securityControl,
      systemTitle: p.systemTitle,
      invocationCounter: p.invocationCounter,
      encryptionKey: keyFor(p.kind, p.keys),
      ...(p.keys.authenticationKey ? { authenticationKey: p.keys.authenticationKey } : {}),
    },
    plain,
  );
  const c: CipheredApdu = {
    kind: p.kind,
    tag,
    ...(p.kind === 'general-glo' || p.kind === 'general-ded' ? { systemTitle: p.systemTitle } : {}),
    securityControl: p.securityControl,
    invocationCounter: p.invocationCounter,
    payload,
  };
  return encodeCipheredApdu(c);
}

export interface Unprotected {
  plain: Uint8Array;
  header: CipheredApdu;
}

/**
 * Ciphered APDU in, plain APDU out. `senderSystemTitle` is the peer's (the general forms carry their
 * own, which must match when one is known). For the service-specific forms the plain APDU's tag must
 * be the one the ciphered tag stands for.
 */
export async function unprotectApdu(bytes: Uint8Array, senderSystemTitle: Uint8Array | undefined, keys: CipherKeys): Promise<Unprotected> {
  const header = decodeCipheredApdu(bytes);
  const title = header.systemTitle ?? senderSystemTitle;
  if (!title) throw new ProtocolError('PROTOCOL', 'The peer system title is unknown: cannot decipher.');
  if (header.systemTitle && senderSystemTitle && !sameBytes(header.systemTitle, senderSystemTitle)) {
    throw new ProtocolError('AUTH_FAILED', 'A ciphered APDU carries another system title than the peer announced.');
  }
  const plain = await gcmUnprotect(
    {
      securityControl: header.securityControl,
      systemTitle: title,
      invocationCounter: header.invocationCounter,
      encryptionKey: keyFor(header.kind, keys),
      ...(keys.authenticationKey ? { authenticationKey: keys.authenticationKey } : {}),
    },
    header.payload,
  );
  if (plain.length === 0) throw new ProtocolError('LENGTH', 'Empty deciphered APDU.');
  const expected = plainTagOf(header.tag);
  if (expected && plain[0] !== expected.plainTag) {
    throw new ProtocolError('PROTOCOL', `Deciphered APDU 0x${plain[0].toString(16)} does not match its envelope 0x${header.tag.toString(16)}.`);
  }
  return { plain, header };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
