import { ProtocolError } from '../../../core/errors';
import { readData, writeData } from '../axdr/data';
import type { AxdrReader } from '../axdr/reader';
import type { DlmsData } from '../axdr/types';
import type { AxdrWriter } from '../axdr/writer';
import type { AttributeDescriptor, AttributeWithSelection, GetDataResult, MethodDescriptor, SelectiveAccess } from './types';

/** Shared A-XDR pieces of the xDLMS services: descriptors, selective access, Get-Data-Result. */

/** Encoded size of a Cosem-Attribute-Descriptor: class-id(2) + instance-id(6) + attribute-id(1). */
export const DESCRIPTOR_SIZE = 9;

export function checkU8(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new ProtocolError('TYPE_MISMATCH', `${what} ${v} is not 0..255.`);
  return v;
}
export function checkU16(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new ProtocolError('TYPE_MISMATCH', `${what} ${v} is not 0..65535.`);
  return v;
}
export function checkU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new ProtocolError('TYPE_MISMATCH', `${what} ${v} is not a 32-bit unsigned.`);
  return v;
}

function writeObis(w: AxdrWriter, obis: Uint8Array): void {
  if (obis.length !== 6) throw new ProtocolError('TYPE_MISMATCH', `A logical name has 6 bytes, got ${obis.length}.`);
  w.bytes(obis);
}

export function readAttributeDescriptor(r: AxdrReader): AttributeDescriptor {
  const classId = r.u16('class-id');
  const obis = r.take(6, 'instance-id');
  const attributeId = r.i8('attribute-id');
  return { classId, obis, attributeId };
}

export function writeAttributeDescriptor(w: AxdrWriter, d: AttributeDescriptor): void {
  w.u16(checkU16(d.classId, 'class-id'));
  writeObis(w, d.obis);
  if (!Number.isInteger(d.attributeId) || d.attributeId < -128 || d.attributeId > 127) {
    throw new ProtocolError('TYPE_MISMATCH', `attribute-id ${d.attributeId} is not an Integer8.`);
  }
  w.u8(d.attributeId);
}

export function readMethodDescriptor(r: AxdrReader): MethodDescriptor {
  const classId = r.u16('class-id');
  const obis = r.take(6, 'instance-id');
  const methodId = r.i8('method-id');
  return { classId, obis, methodId };
}

export function writeMethodDescriptor(w: AxdrWriter, d: MethodDescriptor): void {
  w.u16(checkU16(d.classId, 'class-id'));
  writeObis(w, d.obis);
  if (!Number.isInteger(d.methodId) || d.methodId < -128 || d.methodId > 127) {
    throw new ProtocolError('TYPE_MISMATCH', `method-id ${d.methodId} is not an Integer8.`);
  }
  w.u8(d.methodId);
}

/** A-XDR OPTIONAL presence flag: 0 absent, 1 present; anything else is malformed. */
export function readPresence(r: AxdrReader, what: string): boolean {
  const at = r.pos;
  const flag = r.u8(what);
  if (flag > 1) throw new ProtocolError('FRAMING', `Optional ${what} flag is ${flag} at offset ${at}, not 0 or 1.`);
  return flag === 1;
}

export function readBoolean(r: AxdrReader, what: string): boolean {
  return r.u8(what) !== 0;
}

export function readSelectiveAccess(r: AxdrReader): SelectiveAccess | undefined {
  if (!readPresence(r, 'access-selection')) return undefined;
  const selector = r.u8('access-selector');
  const parameters = readData(r);
  return { selector, parameters };
}

export function writeSelectiveAccess(w: AxdrWriter, access: SelectiveAccess | undefined): void {
  if (!access) {
    w.u8(0);
    return;
  }
  w.u8(1).u8(checkU8(access.selector, 'access-selector'));
  writeData(w, access.parameters);
}

export function readAttributeList(r: AxdrReader): AttributeWithSelection[] {
  const n = r.lengthFor(DESCRIPTOR_SIZE + 1, 'attribute descriptor list');
  const out: AttributeWithSelection[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const attribute = readAttributeDescriptor(r);
    const access = readSelectiveAccess(r);
    out[i] = access ? { attribute, access } : { attribute };
  }
  return out;
}

export function writeAttributeList(w: AxdrWriter, list: AttributeWithSelection[]): void {
  w.length(list.length);
  for (const item of list) {
    writeAttributeDescriptor(w, item.attribute);
    writeSelectiveAccess(w, item.access);
  }
}

export function readGetDataResult(r: AxdrReader): GetDataResult {
  const at = r.pos;
  const choice = r.u8('Get-Data-Result');
  if (choice === 0) return { type: 'data', value: readData(r) };
  if (choice === 1) return { type: 'error', result: r.u8('data-access-result') };
  throw new ProtocolError('FRAMING', `Get-Data-Result choice ${choice} at offset ${at} is neither data (0) nor data-access-result (1).`);
}

export function writeGetDataResult(w: AxdrWriter, result: GetDataResult): void {
  if (result.type === 'data') {
    w.u8(0);
    writeData(w, result.value);
  } else {
    w.u8(1).u8(checkU8(result.result, 'data-access-result'));
  }
}

export function readDataList(r: AxdrReader, what: string): DlmsData[] {
  const n = r.lengthFor(1, what);
  const out: DlmsData[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readData(r);
  return out;
}
