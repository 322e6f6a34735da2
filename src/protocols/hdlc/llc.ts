import { ProtocolError } from '../../core/errors';

/** LLC header (IEC 62056-46 / ISO 8802-2) before every APDU in an HDLC I- or UI-frame. */
export const LLC_REQUEST = Uint8Array.of(0xe6, 0xe6, 0x00);
export const LLC_RESPONSE = Uint8Array.of(0xe6, 0xe7, 0x00);

export function addLlc(apdu: Uint8Array, dir: 'request' | 'response'): Uint8Array {
  const out = new Uint8Array(apdu.length + 3);
  out.set(dir === 'request' ? LLC_REQUEST : LLC_RESPONSE, 0);
  out.set(apdu, 3);
  return out;
}

/**
 * Strip the LLC header. `expect` names the direction the caller wants; a header of the other
 * direction is accepted unless `strict` is set (some meters mirror the request header).
 */
export function stripLlc(bytes: Uint8Array, expect: 'request' | 'response', strict = false): Uint8Array {
  if (bytes.length < 3 || bytes[0] !== 0xe6 || bytes[2] !== 0x00 || (bytes[1] !== 0xe6 && bytes[1] !== 0xe7)) {
    throw new ProtocolError('FRAMING', 'Missing LLC header (E6 E6 00 / E6 E7 00).', { frame: bytes.slice(0, 16) });
  }
  const isRequest = bytes[1] === 0xe6;
  if (strict && isRequest !== (expect === 'request')) {
    throw new ProtocolError('PROTOCOL', `LLC header is for a ${isRequest ? 'request' : 'response'}, expected a ${expect}.`);
  }
  return bytes.slice(3);
}
