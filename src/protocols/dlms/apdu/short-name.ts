import { ProtocolError } from '../../../core/errors';
import { readData, writeData } from '../axdr/data';
import type { AxdrReader } from '../axdr/reader';
import type { AxdrWriter } from '../axdr/writer';
import { checkU16, checkU8, readBoolean, readDataList } from './common';
import { ApduTag, type ReadRequest, type ReadResponse, type ReadResult, type VariableAccess, type WriteRequest, type WriteResponse, type WriteResult } from './types';

/**
 * Short-name referencing services (IEC 62056-5-3 "SN"): ReadRequest/ReadResponse,
 * WriteRequest/WriteResponse and UnconfirmedWriteRequest. Object names are 16-bit base names
 * (+ 8 * (attribute - 1)), kept unsigned here.
 */

function readVariableAccess(r: AxdrReader): VariableAccess {
  const at = r.pos;
  const choice = r.u8('Variable-Access-Specification');
  switch (choice) {
    case 2:
      return { type: 'variable-name', name: r.u16('variable-name') };
    case 4: {
      const name = r.u16('variable-name');
      const selector = r.u8('selector');
      return { type: 'parameterized-access', name, selector, parameter: readData(r) };
    }
    case 5:
      return { type: 'block-number-access', blockNumber: r.u16('block-number') };
    case 6: {
      const lastBlock = readBoolean(r, 'last-block');
      const blockNumber = r.u16('block-number');
      return { type: 'read-data-block-access', lastBlock, blockNumber, rawData: r.octets('raw-data') };
    }
    case 7: {
      const lastBlock = readBoolean(r, 'last-block');
      return { type: 'write-data-block-access', lastBlock, blockNumber: r.u16('block-number') };
    }
    default:
      throw new ProtocolError('UNSUPPORTED', `Variable-Access-Specification choice ${choice} at offset ${at} is not supported.`);
  }
}

function writeVariableAccess(w: AxdrWriter, v: VariableAccess): void {
  switch (v.type) {
    case 'variable-name':
      w.u8(2).u16(checkU16(v.name, 'variable-name'));
      return;
    case 'parameterized-access':
      w.u8(4).u16(checkU16(v.name, 'variable-name')).u8(checkU8(v.selector, 'selector'));
      writeData(w, v.parameter);
      return;
    case 'block-number-access':
      w.u8(5).u16(checkU16(v.blockNumber, 'block-number'));
      return;
    case 'read-data-block-access':
      w.u8(6).u8(v.lastBlock ? 1 : 0).u16(checkU16(v.blockNumber, 'block-number')).octets(v.rawData);
      return;
    case 'write-data-block-access':
      w.u8(7).u8(v.lastBlock ? 1 : 0).u16(checkU16(v.blockNumber, 'block-number'));
      return;
  }
}

function readVariableAccessList(r: AxdrReader): VariableAccess[] {
  const n = r.lengthFor(3, 'variable access list');
  const items: VariableAccess[] = new Array(n);
  for (let i = 0; i < n; i++) items[i] = readVariableAccess(r);
  return items;
}

export function readReadRequest(r: AxdrReader): ReadRequest {
  return { type: 'read-request', items: readVariableAccessList(r) };
}

export function writeReadRequest(w: AxdrWriter, a: ReadRequest): void {
  w.u8(ApduTag['read-request']).length(a.items.length);
  for (const item of a.items) writeVariableAccess(w, item);
}

export function readReadResponse(r: AxdrReader): ReadResponse {
  const n = r.lengthFor(2, 'read result list');
  const items: ReadResult[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const choice = r.u8('read result choice');
    if (choice === 0) items[i] = { type: 'data', value: readData(r) };
    else if (choice === 1) items[i] = { type: 'error', result: r.u8('data-access-result') };
    else if (choice === 2) {
      const lastBlock = readBoolean(r, 'last-block');
      const blockNumber = r.u16('block-number');
      items[i] = { type: 'data-block-result', lastBlock, blockNumber, rawData: r.octets('raw-data') };
    } else if (choice === 3) items[i] = { type: 'block-number', blockNumber: r.u16('block-number') };
    else throw new ProtocolError('FRAMING', `Read result choice ${choice} at offset ${at} is not defined.`);
  }
  return { type: 'read-response', items };
}

export function writeReadResponse(w: AxdrWriter, a: ReadResponse): void {
  w.u8(ApduTag['read-response']).length(a.items.length);
  for (const item of a.items) {
    switch (item.type) {
      case 'data':
        w.u8(0);
        writeData(w, item.value);
        break;
      case 'error':
        w.u8(1).u8(checkU8(item.result, 'data-access-result'));
        break;
      case 'data-block-result':
        w.u8(2).u8(item.lastBlock ? 1 : 0).u16(checkU16(item.blockNumber, 'block-number')).octets(item.rawData);
        break;
      case 'block-number':
        w.u8(3).u16(checkU16(item.blockNumber, 'block-number'));
        break;
    }
  }
}

export function readWriteRequest(r: AxdrReader, type: WriteRequest['type']): WriteRequest {
  const items = readVariableAccessList(r);
  const values = readDataList(r, 'list-of-data');
  return { type, items, values };
}

export function writeWriteRequest(w: AxdrWriter, a: WriteRequest): void {
  w.u8(ApduTag[a.type]).length(a.items.length);
  for (const item of a.items) writeVariableAccess(w, item);
  w.length(a.values.length);
  for (const v of a.values) writeData(w, v);
}

export function readWriteResponse(r: AxdrReader): WriteResponse {
  const n = r.lengthFor(1, 'write result list');
  const items: WriteResult[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const choice = r.u8('write result choice');
    if (choice === 0) items[i] = { type: 'success' };
    else if (choice === 1) items[i] = { type: 'error', result: r.u8('data-access-result') };
    else if (choice === 2) items[i] = { type: 'block-number', blockNumber: r.u16('block-number') };
    else throw new ProtocolError('FRAMING', `Write result choice ${choice} at offset ${at} is not defined.`);
  }
  return { type: 'write-response', items };
}

export function writeWriteResponse(w: AxdrWriter, a: WriteResponse): void {
  w.u8(ApduTag['write-response']).length(a.items.length);
  for (const item of a.items) {
    if (item.type === 'success') w.u8(0);
    else if (item.type === 'error') w.u8(1).u8(checkU8(item.result, 'data-access-result'));
    else w.u8(2).u16(checkU16(item.blockNumber, 'block-number'));
  }
}
