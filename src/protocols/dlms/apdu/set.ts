import { ProtocolError } from '../../../core/errors';
import { readData, writeData } from '../axdr/data';
import type { AxdrReader } from '../axdr/reader';
import type { AxdrWriter } from '../axdr/writer';
import {
  checkU32,
  checkU8,
  readAttributeDescriptor,
  readAttributeList,
  readBoolean,
  readDataList,
  readSelectiveAccess,
  writeAttributeDescriptor,
  writeAttributeList,
  writeSelectiveAccess,
} from './common';
import {
  ApduTag,
  type SetRequestNormal,
  type SetRequestWithDatablock,
  type SetRequestWithFirstDatablock,
  type SetRequestWithList,
  type SetRequestWithListAndFirstDatablock,
  type SetResponseLastDatablockWithList,
  type SetResponseDatablock,
  type SetResponseLastDatablock,
  type SetResponseNormal,
  type SetResponseWithList,
} from './types';

/** SET service: normal, first/with datablock (long SET), with-list. */

export type SetRequest =
  | SetRequestNormal
  | SetRequestWithFirstDatablock
  | SetRequestWithDatablock
  | SetRequestWithList
  | SetRequestWithListAndFirstDatablock;
export type SetResponse = SetResponseNormal | SetResponseDatablock | SetResponseLastDatablock | SetResponseLastDatablockWithList | SetResponseWithList;

function unsupported(what: string, choice: number): never {
  throw new ProtocolError('UNSUPPORTED', `${what} choice ${choice} is not one this codec knows.`);
}

/** DataBlock-SA: last-block, block-number, raw-data. */
function readBlockSA(r: AxdrReader): { lastBlock: boolean; blockNumber: number; rawData: Uint8Array } {
  const lastBlock = readBoolean(r, 'last-block');
  const blockNumber = r.u32('block-number');
  return { lastBlock, blockNumber, rawData: r.octets('raw-data') };
}

function writeBlockSA(w: AxdrWriter, b: { lastBlock: boolean; blockNumber: number; rawData: Uint8Array }): void {
  w.u8(b.lastBlock ? 1 : 0).u32(checkU32(b.blockNumber, 'block-number')).octets(b.rawData);
}

export function readSetRequest(r: AxdrReader): SetRequest {
  const choice = r.u8('Set-Request choice');
  const invokeIdAndPriority = r.u8('invoke-id-and-priority');
  switch (choice) {
    case 1: {
      const attribute = readAttributeDescriptor(r);
      const access = readSelectiveAccess(r);
      const value = readData(r);
      return access
        ? { type: 'set-request-normal', invokeIdAndPriority, attribute, access, value }
        : { type: 'set-request-normal', invokeIdAndPriority, attribute, value };
    }
    case 2: {
      const attribute = readAttributeDescriptor(r);
      const access = readSelectiveAccess(r);
      const block = readBlockSA(r);
      return access
        ? { type: 'set-request-with-first-datablock', invokeIdAndPriority, attribute, access, ...block }
        : { type: 'set-request-with-first-datablock', invokeIdAndPriority, attribute, ...block };
    }
    case 3:
      return { type: 'set-request-with-datablock', invokeIdAndPriority, ...readBlockSA(r) };
    case 4: {
      const attributes = readAttributeList(r);
      const values = readDataList(r, 'value list');
      return { type: 'set-request-with-list', invokeIdAndPriority, attributes, values };
    }
    case 5: {
      const attributes = readAttributeList(r);
      return { type: 'set-request-with-list-and-first-datablock', invokeIdAndPriority, attributes, ...readBlockSA(r) };
    }
    default:
      return unsupported('Set-Request', choice);
  }
}

export function writeSetRequest(w: AxdrWriter, a: SetRequest): void {
  w.u8(ApduTag['set-request']);
  const iip = checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority');
  switch (a.type) {
    case 'set-request-normal':
      w.u8(1).u8(iip);
      writeAttributeDescriptor(w, a.attribute);
      writeSelectiveAccess(w, a.access);
      writeData(w, a.value);
      return;
    case 'set-request-with-first-datablock':
      w.u8(2).u8(iip);
      writeAttributeDescriptor(w, a.attribute);
      writeSelectiveAccess(w, a.access);
      writeBlockSA(w, a);
      return;
    case 'set-request-with-datablock':
      w.u8(3).u8(iip);
      writeBlockSA(w, a);
      return;
    case 'set-request-with-list':
      w.u8(4).u8(iip);
      writeAttributeList(w, a.attributes);
      w.length(a.values.length);
      for (const v of a.values) writeData(w, v);
      return;
    case 'set-request-with-list-and-first-datablock':
      w.u8(5).u8(iip);
      writeAttributeList(w, a.attributes);
      writeBlockSA(w, a);
      return;
  }
}

export function readSetResponse(r: AxdrReader): SetResponse {
  const choice = r.u8('Set-Response choice');
  const invokeIdAndPriority = r.u8('invoke-id-and-priority');
  switch (choice) {
    case 1:
      return { type: 'set-response-normal', invokeIdAndPriority, result: r.u8('data-access-result') };
    case 2:
      return { type: 'set-response-datablock', invokeIdAndPriority, blockNumber: r.u32('block-number') };
    case 3: {
      const result = r.u8('data-access-result');
      return { type: 'set-response-last-datablock', invokeIdAndPriority, result, blockNumber: r.u32('block-number') };
    }
    case 4: {
      const n = r.lengthFor(1, 'result list');
      const results: number[] = new Array(n);
      for (let i = 0; i < n; i++) results[i] = r.u8('data-access-result');
      return { type: 'set-response-last-datablock-with-list', invokeIdAndPriority, results, blockNumber: r.u32('block-number') };
    }
    case 5: {
      const n = r.lengthFor(1, 'result list');
      const results: number[] = new Array(n);
      for (let i = 0; i < n; i++) results[i] = r.u8('data-access-result');
      return { type: 'set-response-with-list', invokeIdAndPriority, results };
    }
    default:
      return unsupported('Set-Response', choice);
  }
}

export function writeSetResponse(w: AxdrWriter, a: SetResponse): void {
  w.u8(ApduTag['set-response']);
  const iip = checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority');
  switch (a.type) {
    case 'set-response-normal':
      w.u8(1).u8(iip).u8(checkU8(a.result, 'data-access-result'));
      return;
    case 'set-response-datablock':
      w.u8(2).u8(iip).u32(checkU32(a.blockNumber, 'block-number'));
      return;
    case 'set-response-last-datablock':
      w.u8(3).u8(iip).u8(checkU8(a.result, 'data-access-result')).u32(checkU32(a.blockNumber, 'block-number'));
      return;
    case 'set-response-last-datablock-with-list':
      w.u8(4).u8(iip).length(a.results.length);
      for (const res of a.results) w.u8(checkU8(res, 'data-access-result'));
      w.u32(checkU32(a.blockNumber, 'block-number'));
      return;
    case 'set-response-with-list':
      w.u8(5).u8(iip).length(a.results.length);
      for (const res of a.results) w.u8(checkU8(res, 'data-access-result'));
      return;
  }
}
