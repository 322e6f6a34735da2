import { ProtocolError } from '../../../core/errors';
import { AxdrReader } from '../axdr/reader';
import { readConfirmedServiceError, writeConfirmedServiceError } from '../apdu/service-errors';
import type { ConfirmedServiceError } from '../apdu/types';
import { AxdrWriter } from '../axdr/writer';
import { readExplicit, tlv, type Tlv } from './ber';
import {
  decodeInitiateRequest,
  decodeInitiateResponse,
  encodeInitiateRequest,
  encodeInitiateResponse,
  INITIATE_REQUEST_TAG,
  INITIATE_RESPONSE_TAG,
  type InitiateRequest,
  type InitiateResponse,
} from './initiate';

/**
 * ACSE user-information ([30] EXPLICIT, holding an OCTET STRING with an xDLMS APDU). Plain
 * InitiateRequest / InitiateResponse / ConfirmedServiceError are decoded; anything else (the ciphered
 * glo-/ded-initiate forms) is kept as raw bytes for the security layer.
 */
export type UserInformation =
  | { type: 'initiate-request'; value: InitiateRequest }
  | { type: 'initiate-response'; value: InitiateResponse }
  | { type: 'confirmed-service-error'; value: ConfirmedServiceError }
  | { type: 'raw'; bytes: Uint8Array };

export const USER_INFORMATION_TAG = 0xbe;

export function decodeUserInformation(t: Tlv): UserInformation {
  const inner = readExplicit(t, 0x04, 'user-information');
  const bytes = t.bytes.slice(inner.start, inner.end);
  if (bytes.length === 0) throw new ProtocolError('LENGTH', 'Empty user-information.');
  switch (bytes[0]) {
    case INITIATE_REQUEST_TAG:
      return { type: 'initiate-request', value: decodeInitiateRequest(bytes) };
    case INITIATE_RESPONSE_TAG:
      return { type: 'initiate-response', value: decodeInitiateResponse(bytes) };
    case 0x0e: {
      const r = new AxdrReader(bytes, 1);
      const value = readConfirmedServiceError(r);
      r.expectEnd('ConfirmedServiceError');
      return { type: 'confirmed-service-error', value };
    }
    default:
      return { type: 'raw', bytes };
  }
}

export function encodeUserInformation(u: UserInformation): Uint8Array {
  let body: Uint8Array;
  switch (u.type) {
    case 'initiate-request':
      body = encodeInitiateRequest(u.value);
      break;
    case 'initiate-response':
      body = encodeInitiateResponse(u.value);
      break;
    case 'confirmed-service-error': {
      const w = new AxdrWriter(8);
      writeConfirmedServiceError(w, u.value);
      body = w.toBytes();
      break;
    }
    case 'raw':
      body = u.bytes;
      break;
  }
  return tlv(USER_INFORMATION_TAG, tlv(0x04, body));
}
