import { ProtocolError } from '../../../core/errors';
import { readData, writeData } from '../axdr/data';
import type { AxdrReader } from '../axdr/reader';
import type { AxdrWriter } from '../axdr/writer';
import {
  DESCRIPTOR_SIZE,
  checkU32,
  checkU8,
  readBoolean,
  readDataList,
  readGetDataResult,
  readMethodDescriptor,
  readPresence,
  writeGetDataResult,
  writeMethodDescriptor,
} from './common';
import {
  ApduTag,
  type ActionRequestNextPblock,
  type ActionRequestNormal,
  type ActionRequestWithFirstPblock,
  type ActionRequestWithList,
  type ActionRequestWithListAndFirstPblock,
  type ActionRequestWithPblock,
  type ActionResponseNextPblock,
  type ActionResponseNormal,
  type ActionResponseWithList,
  type ActionResponseWithPblock,
  type ActionResult,
  type DataBlockSA,
  type MethodDescriptor,
} from './types';

/** ACTION service: normal, with-list and the pblock (long parameter / long result) forms. */

export type ActionRequest =
  | ActionRequestNormal
  | ActionRequestNextPblock
  | ActionRequestWithList
  | ActionRequestWithFirstPblock
  | ActionRequestWithListAndFirstPblock
  | ActionRequestWithPblock;
export type ActionResponse = ActionResponseNormal | ActionResponseWithPblock | ActionResponseWithList | ActionResponseNextPblock;

function unsupported(what: string, choice: number): never {
  throw new ProtocolError('UNSUPPORTED', `${what} choice ${choice} is not one this codec knows.`);
}

function readPblock(r: AxdrReader): DataBlockSA {
  const lastBlock = readBoolean(r, 'last-block');
  const blockNumber = r.u32('block-number');
  return { lastBlock, blockNumber, rawData: r.octets('raw-data') };
}

function writePblock(w: AxdrWriter, b: DataBlockSA): void {
  w.u8(b.lastBlock ? 1 : 0).u32(checkU32(b.blockNumber, 'block-number')).octets(b.rawData);
}

function readActionResult(r: AxdrReader): ActionResult {
  const result = r.u8('action-result');
  if (!readPresence(r, 'return-parameters')) return { result };
  return { result, returnParameters: readGetDataResult(r) };
}

function writeActionResult(w: AxdrWriter, a: ActionResult): void {
  w.u8(checkU8(a.result, 'action-result'));
  if (a.returnParameters === undefined) {
    w.u8(0);
  } else {
    w.u8(1);
    writeGetDataResult(w, a.returnParameters);
  }
}

export function readActionRequest(r: AxdrReader): ActionRequest {
  const choice = r.u8('Action-Request choice');
  const invokeIdAndPriority = r.u8('invoke-id-and-priority');
  switch (choice) {
    case 1: {
      const method = readMethodDescriptor(r);
      if (!readPresence(r, 'method-invocation-parameters')) return { type: 'action-request-normal', invokeIdAndPriority, method };
      return { type: 'action-request-normal', invokeIdAndPriority, method, parameters: readData(r) };
    }
    case 2:
      return { type: 'action-request-next-pblock', invokeIdAndPriority, blockNumber: r.u32('block-number') };
    case 3: {
      const n = r.lengthFor(DESCRIPTOR_SIZE, 'method descriptor list');
      const methods: MethodDescriptor[] = new Array(n);
      for (let i = 0; i < n; i++) methods[i] = readMethodDescriptor(r);
      return { type: 'action-request-with-list', invokeIdAndPriority, methods, parameters: readDataList(r, 'method parameter list') };
    }
    case 4: {
      const method = readMethodDescriptor(r);
      return { type: 'action-request-with-first-pblock', invokeIdAndPriority, method, pblock: readPblock(r) };
    }
    case 5: {
      const n = r.lengthFor(DESCRIPTOR_SIZE, 'method descriptor list');
      const methods: MethodDescriptor[] = new Array(n);
      for (let i = 0; i < n; i++) methods[i] = readMethodDescriptor(r);
      return { type: 'action-request-with-list-and-first-pblock', invokeIdAndPriority, methods, pblock: readPblock(r) };
    }
    case 6:
      return { type: 'action-request-with-pblock', invokeIdAndPriority, pblock: readPblock(r) };
    default:
      return unsupported('Action-Request', choice);
  }
}

export function writeActionRequest(w: AxdrWriter, a: ActionRequest): void {
  w.u8(ApduTag['action-request']);
  const iip = checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority');
  switch (a.type) {
    case 'action-request-normal':
      w.u8(1).u8(iip);
      writeMethodDescriptor(w, a.method);
      if (a.parameters === undefined) {
        w.u8(0);
      } else {
        w.u8(1);
        writeData(w, a.parameters);
      }
      return;
    case 'action-request-next-pblock':
      w.u8(2).u8(iip).u32(checkU32(a.blockNumber, 'block-number'));
      return;
    case 'action-request-with-list':
      w.u8(3).u8(iip).length(a.methods.length);
      for (const m of a.methods) writeMethodDescriptor(w, m);
      w.length(a.parameters.length);
      for (const p of a.parameters) writeData(w, p);
      return;
    case 'action-request-with-first-pblock':
      w.u8(4).u8(iip);
      writeMethodDescriptor(w, a.method);
      writePblock(w, a.pblock);
      return;
    case 'action-request-with-list-and-first-pblock':
      w.u8(5).u8(iip).length(a.methods.length);
      for (const m of a.methods) writeMethodDescriptor(w, m);
      writePblock(w, a.pblock);
      return;
    case 'action-request-with-pblock':
      w.u8(6).u8(iip);
      writePblock(w, a.pblock);
      return;
  }
}

export function readActionResponse(r: AxdrReader): ActionResponse {
  const choice = r.u8('Action-Response choice');
  const invokeIdAndPriority = r.u8('invoke-id-and-priority');
  switch (choice) {
    case 1:
      return { type: 'action-response-normal', invokeIdAndPriority, ...readActionResult(r) };
    case 2:
      return { type: 'action-response-with-pblock', invokeIdAndPriority, pblock: readPblock(r) };
    case 3: {
      const n = r.lengthFor(2, 'action result list');
      const results: ActionResult[] = new Array(n);
      for (let i = 0; i < n; i++) results[i] = readActionResult(r);
      return { type: 'action-response-with-list', invokeIdAndPriority, results };
    }
    case 4:
      return { type: 'action-response-next-pblock', invokeIdAndPriority, blockNumber: r.u32('block-number') };
    default:
      return unsupported('Action-Response', choice);
  }
}

export function writeActionResponse(w: AxdrWriter, a: ActionResponse): void {
  w.u8(ApduTag['action-response']);
  const iip = checkU8(a.invokeIdAndPriority, 'invoke-id-and-priority');
  switch (a.type) {
    case 'action-response-normal':
      w.u8(1).u8(iip);
      writeActionResult(w, a);
      return;
    case 'action-response-with-pblock':
      w.u8(2).u8(iip);
      writePblock(w, a.pblock);
      return;
    case 'action-response-with-list':
      w.u8(3).u8(iip).length(a.results.length);
      for (const res of a.results) writeActionResult(w, res);
      return;
    case 'action-response-next-pblock':
      w.u8(4).u8(iip).u32(checkU32(a.blockNumber, 'block-number'));
      return;
  }
}
