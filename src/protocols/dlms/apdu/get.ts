import { ProtocolError } from '../../../core/errors';
import type { AxdrReader } from '../axdr/reader';
import type { AxdrWriter } from '../axdr/writer';
import {
  checkU32,
  checkU8,
  readAttributeDescriptor,
  readAttributeList,
  readBoolean,
  readGetDataResult,
  readSelectiveAccess,
  writeAttributeDescriptor,
  writeAttributeList,
  writeGetDataResult,
  writeSelectiveAccess,
} from './common';
import {
  ApduTag,
  type GetDataResult,
  type GetRequestNext,
  type GetRequestNormal,
  type GetRequestWithList,
  type GetResponseNormal,
  type GetResponseWithDatablock,
  type GetResponseWithList,
} from './types';

/** GET service (IEC 62056-5-3): Get-Request / Get-Response with their normal, next/datablock and list forms. */

export type GetRequest = GetRequestNormal | GetRequestNext | GetRequestWithList;
export type GetResponse = GetResponseNormal | GetResponseWithDatablock | GetResponseWithList;

function badChoice(what: string, choice: number): never {
  throw new ProtocolError('UNSUPPORTED', `${what} choice ${choice} is not one this codec knows.`);
}

export function readGetRequest(r: AxdrReader): GetRequest {
  const choice = r.u8('Get-Request choice');
  const invokeIdAndPriority = r.u8('invoke-id-and-priority');
  switch (choice) {
    case 1: {
      const attribute = readAttributeDescriptor(r);
      const access = readSelectiveAccess(r);
      return access
        ? { type: 'get-request-normal', invokeIdAndPriority, attribute, access }
        : { type: 'get-request-normal', invokeIdAndPriority, attribute };
    }
    case 2:
      return { type: 'get-request-next', invokeIdAndPriority, blockNumber: r.u32('block-number') };
    case 3:
      return { type: 'get-request-with-list', invokeIdAndPriority, attributes: readAttributeList(r) };
    default:
      return badChoice('Get-Request', choice);
  }
}

export function writeGetRequest(w: AxdrWriter, a: GetRequest): void {
  w.u8(ApduTag['get-request']);
  switch (a.type) {
    case 'get-request-normal':
      w.u8(1).u8(checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority'));
      writeAttributeDescriptor(w, a.attribute);
      writeSelectiveAccess(w, a.access);
      return;
    case 'get-request-next':
      w.u8(2).u8(checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority')).u32(checkU32(a.blockNumber, 'block-number'));
      return;
    case 'get-request-with-list':
      w.u8(3).u8(checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority'));
      writeAttributeList(w, a.attributes);
      return;
  }
}

export function readGetResponse(r: AxdrReader): GetResponse {
  const choice = r.u8('Get-Response choice');
  const invokeIdAndPriority = r.u8('invoke-id-and-priority');
  switch (choice) {
    case 1:
      return { type: 'get-response-normal', invokeIdAndPriority, result: readGetDataResult(r) };
    case 2: {
      const lastBlock = readBoolean(r, 'last-block');
      const blockNumber = r.u32('block-number');
      const at = r.pos;
      const kind = r.u8('DataBlock-G result');
      if (kind === 0) {
        return { type: 'get-response-with-datablock', invokeIdAndPriority, lastBlock, blockNumber, result: { type: 'raw', bytes: r.octets('raw-data') } };
      }
      if (kind === 1) {
        return { type: 'get-response-with-datablock', invokeIdAndPriority, lastBlock, blockNumber, result: { type: 'error', result: r.u8('data-access-result') } };
      }
      throw new ProtocolError('FRAMING', `DataBlock-G result choice ${kind} at offset ${at} is neither raw-data (0) nor data-access-result (1).`);
    }
    case 3: {
      const n = r.lengthFor(2, 'Get-Data-Result list');
      const results: GetDataResult[] = new Array(n);
      for (let i = 0; i < n; i++) results[i] = readGetDataResult(r);
      return { type: 'get-response-with-list', invokeIdAndPriority, results };
    }
    default:
      return badChoice('Get-Response', choice);
  }
}

export function writeGetResponse(w: AxdrWriter, a: GetResponse): void {
  w.u8(ApduTag['get-response']);
  switch (a.type) {
    case 'get-response-normal':
      w.u8(1).u8(checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority'));
      writeGetDataResult(w, a.result);
      return;
    case 'get-response-with-datablock':
      w.u8(2).u8(checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority'));
      w.u8(a.lastBlock ? 1 : 0).u32(checkU32(a.blockNumber, 'block-number'));
      if (a.result.type === 'raw') w.u8(0).octets(a.result.bytes);
      else w.u8(1).u8(checkU8(a.result.result, 'data-access-result'));
      return;
    case 'get-response-with-list':
      w.u8(3).u8(checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority')).length(a.results.length);
      for (const res of a.results) writeGetDataResult(w, res);
      return;
  }
}
