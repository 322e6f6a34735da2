import { ProtocolError } from '../../../core/errors';
import { AxdrReader } from '../axdr/reader';
import { AxdrWriter } from '../axdr/writer';
import { readActionRequest, readActionResponse, writeActionRequest, writeActionResponse } from './action';
import { readGetRequest, readGetResponse, writeGetRequest, writeGetResponse } from './get';
import {
  readDataNotification,
  readEventNotification,
  readGeneralBlockTransfer,
  writeDataNotification,
  writeEventNotification,
  writeGeneralBlockTransfer,
} from './push';
import { readConfirmedServiceError, readExceptionResponse, writeConfirmedServiceError, writeExceptionResponse } from './service-errors';
import { readSetRequest, readSetResponse, writeSetRequest, writeSetResponse } from './set';
import {
  readReadRequest,
  readReadResponse,
  readWriteRequest,
  readWriteResponse,
  writeReadRequest,
  writeReadResponse,
  writeWriteRequest,
  writeWriteResponse,
} from './short-name';
import type { Apdu } from './types';
import { isCipheredTag } from '../security/ciphered-apdu';

/**
 * Decodes one plain (unciphered) xDLMS APDU; the whole buffer must be that APDU. Ciphered APDUs
 * (glo-/ded-/general-ciphering) are refused with UNSUPPORTED here: the security layer
 * (`../security`, decodeCipheredApdu / unprotectApdu) deciphers them into a plain APDU first.
 */
export function decodeApdu(bytes: Uint8Array): Apdu {
  const r = new AxdrReader(bytes);
  const tag = r.u8('APDU tag');
  let apdu: Apdu;
  switch (tag) {
    case 0xc0:
      apdu = readGetRequest(r);
      break;
    case 0xc4:
      apdu = readGetResponse(r);
      break;
    case 0xc1:
      apdu = readSetRequest(r);
      break;
    case 0xc5:
      apdu = readSetResponse(r);
      break;
    case 0xc3:
      apdu = readActionRequest(r);
      break;
    case 0xc7:
      apdu = readActionResponse(r);
      break;
    case 0xd8:
      apdu = readExceptionResponse(r);
      break;
    case 0x0e:
      apdu = readConfirmedServiceError(r);
      break;
    case 0x05:
      apdu = readReadRequest(r);
      break;
    case 0x0c:
      apdu = readReadResponse(r);
      break;
    case 0x06:
      apdu = readWriteRequest(r, 'write-request');
      break;
    case 0x16:
      apdu = readWriteRequest(r, 'unconfirmed-write-request');
      break;
    case 0x0d:
      apdu = readWriteResponse(r);
      break;
    case 0x0f:
      apdu = readDataNotification(r);
      break;
    case 0xc2:
      apdu = readEventNotification(r);
      break;
    case 0xe0:
      apdu = readGeneralBlockTransfer(r);
      break;
    default:
      throw unknownTag(tag);
  }
  // A server seen in the field (docs/interop.md) sends its last, empty GET block twice in one frame,
  // the copy after a 00 byte (the tail of the LLC header it copied from). An exact copy adds nothing
  // and hides nothing, so it is read once; any other trailing byte is still an error.
  if (isRepeat(bytes, r.pos)) return apdu;
  r.expectEnd('APDU');
  return apdu;
}

/** True when the bytes after the first `n` are those `n` again, optionally after one 00 byte. */
function isRepeat(bytes: Uint8Array, n: number): boolean {
  const skip = bytes.length - 2 * n;
  if (n === 0 || (skip !== 0 && skip !== 1) || (skip === 1 && bytes[n] !== 0)) return false;
  for (let i = 0; i < n; i++) if (bytes[i] !== bytes[n + skip + i]) return false;
  return true;
}

function unknownTag(tag: number): ProtocolError {
  const hex = `0x${tag.toString(16)}`;
  const ciphered = isCipheredTag(tag) || (tag >= 0x21 && tag <= 0x3f) || (tag >= 0xc8 && tag <= 0xd7) || (tag >= 0xdb && tag <= 0xdf);
  if (ciphered) return new ProtocolError('UNSUPPORTED', `Ciphered APDU ${hex}: decipher it with the security layer first (unprotectApdu).`);
  if (tag === 0xd9 || tag === 0xda) return new ProtocolError('UNSUPPORTED', `Access service APDU ${hex} is not implemented.`);
  if (tag === 0x18) return new ProtocolError('UNSUPPORTED', 'InformationReportRequest (0x18) is not implemented.');
  if (tag === 0x01 || tag === 0x08) return new ProtocolError('PROTOCOL', `Initiate APDU ${hex} belongs in ACSE user-information, not on its own.`);
  return new ProtocolError('FRAMING', `Unknown APDU tag ${hex}.`);
}

export function encodeApdu(apdu: Apdu): Uint8Array {
  const w = new AxdrWriter(64);
  switch (apdu.type) {
    case 'get-request-normal':
    case 'get-request-next':
    case 'get-request-with-list':
      writeGetRequest(w, apdu);
      break;
    case 'get-response-normal':
    case 'get-response-with-datablock':
    case 'get-response-with-list':
      writeGetResponse(w, apdu);
      break;
    case 'set-request-normal':
    case 'set-request-with-first-datablock':
    case 'set-request-with-datablock':
    case 'set-request-with-list':
    case 'set-request-with-list-and-first-datablock':
      writeSetRequest(w, apdu);
      break;
    case 'set-response-normal':
    case 'set-response-datablock':
    case 'set-response-last-datablock':
    case 'set-response-last-datablock-with-list':
    case 'set-response-with-list':
      writeSetResponse(w, apdu);
      break;
    case 'action-request-normal':
    case 'action-request-next-pblock':
    case 'action-request-with-list':
    case 'action-request-with-first-pblock':
    case 'action-request-with-list-and-first-pblock':
    case 'action-request-with-pblock':
      writeActionRequest(w, apdu);
      break;
    case 'action-response-normal':
    case 'action-response-with-pblock':
    case 'action-response-with-list':
    case 'action-response-next-pblock':
      writeActionResponse(w, apdu);
      break;
    case 'exception-response':
      writeExceptionResponse(w, apdu);
      break;
    case 'confirmed-service-error':
      writeConfirmedServiceError(w, apdu);
      break;
    case 'read-request':
      writeReadRequest(w, apdu);
      break;
    case 'read-response':
      writeReadResponse(w, apdu);
      break;
    case 'write-request':
    case 'unconfirmed-write-request':
      writeWriteRequest(w, apdu);
      break;
    case 'write-response':
      writeWriteResponse(w, apdu);
      break;
    case 'data-notification':
      writeDataNotification(w, apdu);
      break;
    case 'event-notification-request':
      writeEventNotification(w, apdu);
      break;
    case 'general-block-transfer':
      writeGeneralBlockTransfer(w, apdu);
      break;
    default: {
      const never: never = apdu;
      throw new ProtocolError('UNSUPPORTED', `Cannot encode APDU ${String((never as { type: unknown }).type)}.`);
    }
  }
  return w.toBytes();
}
