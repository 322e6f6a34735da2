import { ProtocolError } from '../../../core/errors';
import { AxdrReader } from './reader';
import { AxdrWriter } from './writer';
import {
  DATE_LENGTH,
  DATE_TIME_LENGTH,
  TIME_LENGTH,
  decodeDate,
  decodeDateTime,
  decodeTime,
  encodeDate,
  encodeDateTime,
  encodeTime,
} from './datetime';
import { DataTag, type DataTypeName, type DlmsData, type TypeDescription } from './types';

/** Deepest structure/array nesting a decoder accepts; real COSEM values stay far below it. */
export const MAX_DATA_DEPTH = 48;

const NAME_BY_TAG: (DataTypeName | undefined)[] = [];
for (const [name, tag] of Object.entries(DataTag)) NAME_BY_TAG[tag] = name as DataTypeName;

export function dataTypeName(tag: number): DataTypeName | undefined {
  return NAME_BY_TAG[tag];
}

const latin1Chunk = 4096;
function latin1(b: Uint8Array): string {
  if (b.length <= latin1Chunk) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < b.length; i += latin1Chunk) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + latin1Chunk) as unknown as number[]);
  }
  return s;
}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function tooDeep(r: AxdrReader): never {
  throw new ProtocolError('LENGTH', `Data nested deeper than ${MAX_DATA_DEPTH} levels at offset ${r.pos}.`);
}

/** Reads one tagged A-XDR Data value at the reader's position. */
export function readData(r: AxdrReader, depth = 0): DlmsData {
  const at = r.pos;
  const tag = r.u8('data tag');
  switch (tag) {
    case 0:
      return { type: 'null' };
    case 1:
    case 2: {
      if (depth >= MAX_DATA_DEPTH) tooDeep(r);
      // Every element carries at least its one tag byte, so a count can never exceed what is left.
      const n = r.lengthFor(1, tag === 1 ? 'array count' : 'structure count');
      const items: DlmsData[] = new Array(n);
      for (let i = 0; i < n; i++) items[i] = readData(r, depth + 1);
      return tag === 1 ? { type: 'array', items } : { type: 'structure', items };
    }
    case 3:
      return { type: 'boolean', value: r.u8('boolean') !== 0 };
    case 4: {
      const bitLength = r.length('bit-string length');
      const bytes = r.take(Math.ceil(bitLength / 8), 'bit-string');
      return { type: 'bit-string', bitLength, bytes };
    }
    case 5:
      return { type: 'int32', value: r.i32() };
    case 6:
      return { type: 'uint32', value: r.u32() };
    case 9:
      return { type: 'octet-string', value: r.octets() };
    case 10:
      return { type: 'visible-string', value: latin1(r.octets('visible-string')) };
    case 12:
      return { type: 'utf8-string', value: utf8Decoder.decode(r.octets('utf8-string')) };
    case 13:
      return { type: 'bcd', value: r.u8('bcd') };
    case 15:
      return { type: 'int8', value: r.i8() };
    case 16:
      return { type: 'int16', value: r.i16() };
    case 17:
      return { type: 'uint8', value: r.u8('unsigned') };
    case 18:
      return { type: 'uint16', value: r.u16() };
    case 19:
      return readCompactArray(r, depth);
    case 20:
      return { type: 'int64', value: r.i64() };
    case 21:
      return { type: 'uint64', value: r.u64() };
    case 22:
      return { type: 'enum', value: r.u8('enum') };
    case 23:
      return { type: 'float32', value: r.f32() };
    case 24:
      return { type: 'float64', value: r.f64() };
    case 25: {
      const raw = r.take(DATE_TIME_LENGTH, 'date-time');
      return { type: 'date-time', value: decodeDateTime(raw), raw };
    }
    case 26: {
      const raw = r.take(DATE_LENGTH, 'date');
      return { type: 'date', value: decodeDate(raw), raw };
    }
    case 27: {
      const raw = r.take(TIME_LENGTH, 'time');
      return { type: 'time', value: decodeTime(raw), raw };
    }
    case 255:
      return { type: 'dont-care' };
    default:
      throw new ProtocolError('FRAMING', `Unknown A-XDR data tag ${tag} (0x${tag.toString(16)}) at offset ${at}.`);
  }
}

/** Decodes one Data value starting at `offset`; `next` is the offset after it. */
export function decodeData(bytes: Uint8Array, offset = 0): { value: DlmsData; next: number } {
  const r = new AxdrReader(bytes, offset);
  const value = readData(r);
  return { value, next: r.pos };
}

/** Decodes a buffer that must hold exactly one Data value. */
export function decodeDataExact(bytes: Uint8Array): DlmsData {
  const r = new AxdrReader(bytes);
  const value = readData(r);
  r.expectEnd('data value');
  return value;
}

// ---------------------------------------------------------------------------------------------
// compact-array (IEC 62056-6-2: contents-description, then the untagged values as an octet string)

/** Minimum encoded size of a value of this description inside compact-array contents. */
const minSizeCache = new WeakMap<TypeDescription, number>();

const FIXED_SIZE: Partial<Record<DataTypeName, number>> = {
  null: 0,
  'dont-care': 0,
  boolean: 1,
  'bit-string': 1,
  int32: 4,
  uint32: 4,
  'octet-string': 1,
  'visible-string': 1,
  'utf8-string': 1,
  bcd: 1,
  int8: 1,
  int16: 2,
  uint8: 1,
  uint16: 2,
  int64: 8,
  uint64: 8,
  enum: 1,
  float32: 4,
  float64: 8,
  'date-time': DATE_TIME_LENGTH,
  date: DATE_LENGTH,
  time: TIME_LENGTH,
};

export function minEncodedSize(d: TypeDescription): number {
  const cached = minSizeCache.get(d);
  if (cached !== undefined) return cached;
  let size: number;
  if (d.type === 'array') size = d.count * minEncodedSize(d.element);
  else if (d.type === 'structure') size = d.elements.reduce((s, e) => s + minEncodedSize(e), 0);
  else size = FIXED_SIZE[d.type] ?? 0;
  minSizeCache.set(d, size);
  return size;
}

export function readTypeDescription(r: AxdrReader, depth = 0): TypeDescription {
  if (depth >= MAX_DATA_DEPTH) tooDeep(r);
  const at = r.pos;
  const tag = r.u8('type description');
  if (tag === 1) {
    const count = r.u16('array description count');
    const element = readTypeDescription(r, depth + 1);
    if (count > 0 && minEncodedSize(element) === 0) {
      // An array of zero-size elements would let a few bytes stand for unbounded allocations.
      throw new ProtocolError('UNSUPPORTED', `compact-array description at offset ${at} repeats a zero-size element.`);
    }
    return { type: 'array', count, element };
  }
  if (tag === 2) {
    const n = r.lengthFor(1, 'structure description count');
    const elements: TypeDescription[] = new Array(n);
    for (let i = 0; i < n; i++) elements[i] = readTypeDescription(r, depth + 1);
    return { type: 'structure', elements };
  }
  const name = NAME_BY_TAG[tag];
  if (name === undefined || name === 'compact-array') {
    throw new ProtocolError('FRAMING', `Unknown type description tag ${tag} at offset ${at}.`);
  }
  return { type: name } as TypeDescription;
}

/** Reads one untagged value laid out by `d` (compact-array contents). */
function readTyped(r: AxdrReader, d: TypeDescription, depth: number): DlmsData {
  if (d.type === 'array') {
    if (depth >= MAX_DATA_DEPTH) tooDeep(r);
    if (d.count * minEncodedSize(d.element) > r.remaining) {
      throw new ProtocolError('LENGTH', `compact-array element of ${d.count} items overruns the contents at offset ${r.pos}.`);
    }
    const items: DlmsData[] = new Array(d.count);
    for (let i = 0; i < d.count; i++) items[i] = readTyped(r, d.element, depth + 1);
    return { type: 'array', items };
  }
  if (d.type === 'structure') {
    if (depth >= MAX_DATA_DEPTH) tooDeep(r);
    const items: DlmsData[] = new Array(d.elements.length);
    for (let i = 0; i < d.elements.length; i++) items[i] = readTyped(r, d.elements[i], depth + 1);
    return { type: 'structure', items };
  }
  // Simple types: reuse the tagged reader by feeding it the tag the description names.
  return readSimpleUntagged(r, d.type);
}

function readSimpleUntagged(r: AxdrReader, type: Exclude<DataTypeName, 'array' | 'structure' | 'compact-array'>): DlmsData {
  switch (type) {
    case 'null':
      return { type: 'null' };
    case 'dont-care':
      return { type: 'dont-care' };
    case 'boolean':
      return { type, value: r.u8(type) !== 0 };
    case 'bit-string': {
      const bitLength = r.length('bit-string length');
      return { type, bitLength, bytes: r.take(Math.ceil(bitLength / 8), type) };
    }
    case 'int32':
      return { type, value: r.i32() };
    case 'uint32':
      return { type, value: r.u32() };
    case 'octet-string':
      return { type, value: r.octets() };
    case 'visible-string':
      return { type, value: latin1(r.octets(type)) };
    case 'utf8-string':
      return { type, value: utf8Decoder.decode(r.octets(type)) };
    case 'bcd':
    case 'uint8':
    case 'enum':
      return { type, value: r.u8(type) };
    case 'int8':
      return { type, value: r.i8() };
    case 'int16':
      return { type, value: r.i16() };
    case 'uint16':
      return { type, value: r.u16() };
    case 'int64':
      return { type, value: r.i64() };
    case 'uint64':
      return { type, value: r.u64() };
    case 'float32':
      return { type, value: r.f32() };
    case 'float64':
      return { type, value: r.f64() };
    case 'date-time': {
      const raw = r.take(DATE_TIME_LENGTH, type);
      return { type, value: decodeDateTime(raw), raw };
    }
    case 'date': {
      const raw = r.take(DATE_LENGTH, type);
      return { type, value: decodeDate(raw), raw };
    }
    case 'time': {
      const raw = r.take(TIME_LENGTH, type);
      return { type, value: decodeTime(raw), raw };
    }
  }
}

function readCompactArray(r: AxdrReader, depth: number): DlmsData {
  if (depth >= MAX_DATA_DEPTH) tooDeep(r);
  const description = readTypeDescription(r, depth + 1);
  const at = r.pos;
  const contentLength = r.lengthFor(1, 'compact-array contents length');
  const end = r.pos + contentLength;
  const sub = new AxdrReader(r.bytes, r.pos, end);
  const items: DlmsData[] = [];
  if (contentLength > 0 && minEncodedSize(description) === 0) {
    throw new ProtocolError('UNSUPPORTED', `compact-array at offset ${at} has zero-size elements but ${contentLength} content bytes.`);
  }
  while (sub.pos < end) items.push(readTyped(sub, description, depth + 1));
  r.pos = end;
  return { type: 'compact-array', description, items };
}

// ---------------------------------------------------------------------------------------------
// encoding

function mismatch(what: string): never {
  throw new ProtocolError('TYPE_MISMATCH', what);
}

function checkInt(v: number, min: number, max: number, type: string): number {
  if (!Number.isInteger(v) || v < min || v > max) mismatch(`${type} value ${v} is outside ${min}..${max}.`);
  return v;
}

function checkBig(v: bigint, signed: boolean, type: string): bigint {
  if (typeof v !== 'bigint') mismatch(`${type} needs a bigint value.`);
  if (signed ? BigInt.asIntN(64, v) !== v : BigInt.asUintN(64, v) !== v) mismatch(`${type} value ${v} does not fit 64 bits.`);
  return v;
}

function writeLatin1(w: AxdrWriter, s: string): void {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) mismatch(`visible-string character U+${c.toString(16)} is not a single byte.`);
    b[i] = c;
  }
  w.octets(b);
}

function writeBitString(w: AxdrWriter, bitLength: number, bytes: Uint8Array): void {
  checkInt(bitLength, 0, 0xffffffff, 'bit-string length');
  if (bytes.length !== Math.ceil(bitLength / 8)) mismatch(`bit-string of ${bitLength} bits needs ${Math.ceil(bitLength / 8)} bytes, has ${bytes.length}.`);
  w.length(bitLength).bytes(bytes);
}

/** Writes the body of a simple (non-container) value, without its tag. */
function writeSimpleBody(w: AxdrWriter, v: DlmsData): void {
  switch (v.type) {
    case 'null':
    case 'dont-care':
      return;
    case 'boolean':
      w.u8(v.value ? 1 : 0);
      return;
    case 'bit-string':
      writeBitString(w, v.bitLength, v.bytes);
      return;
    case 'int32':
      w.u32(checkInt(v.value, -0x80000000, 0x7fffffff, v.type));
      return;
    case 'uint32':
      w.u32(checkInt(v.value, 0, 0xffffffff, v.type));
      return;
    case 'octet-string':
      w.octets(v.value);
      return;
    case 'visible-string':
      writeLatin1(w, v.value);
      return;
    case 'utf8-string':
      w.octets(utf8Encoder.encode(v.value));
      return;
    case 'bcd':
    case 'uint8':
    case 'enum':
      w.u8(checkInt(v.value, 0, 0xff, v.type));
      return;
    case 'int8':
      w.u8(checkInt(v.value, -0x80, 0x7f, v.type));
      return;
    case 'int16':
      w.u16(checkInt(v.value, -0x8000, 0x7fff, v.type));
      return;
    case 'uint16':
      w.u16(checkInt(v.value, 0, 0xffff, v.type));
      return;
    case 'int64':
      w.u64(checkBig(v.value, true, v.type));
      return;
    case 'uint64':
      w.u64(checkBig(v.value, false, v.type));
      return;
    case 'float32':
      w.f32(v.value);
      return;
    case 'float64':
      w.f64(v.value);
      return;
    case 'date-time':
      w.bytes(encodeDateTime(v.value));
      return;
    case 'date':
      w.bytes(encodeDate(v.value));
      return;
    case 'time':
      w.bytes(encodeTime(v.value));
      return;
    default:
      mismatch(`${v.type} is not a simple type.`);
  }
}

/** Appends one tagged Data value. */
export function writeData(w: AxdrWriter, v: DlmsData, depth = 0): void {
  if (depth >= MAX_DATA_DEPTH) throw new ProtocolError('LENGTH', `Data nested deeper than ${MAX_DATA_DEPTH} levels.`);
  const tag = (DataTag as Record<string, number>)[v.type];
  if (tag === undefined) mismatch(`Unknown data type ${String((v as { type: unknown }).type)}.`);
  w.u8(tag);
  if (v.type === 'array' || v.type === 'structure') {
    w.length(v.items.length);
    for (const item of v.items) writeData(w, item, depth + 1);
    return;
  }
  if (v.type === 'compact-array') {
    writeTypeDescription(w, v.description, depth + 1);
    const body = new AxdrWriter(v.items.length * 4 + 16);
    for (const item of v.items) writeTyped(body, v.description, item, depth + 1);
    w.octets(body.toBytes());
    return;
  }
  writeSimpleBody(w, v);
}

export function writeTypeDescription(w: AxdrWriter, d: TypeDescription, depth = 0): void {
  if (depth >= MAX_DATA_DEPTH) throw new ProtocolError('LENGTH', `Type description nested deeper than ${MAX_DATA_DEPTH} levels.`);
  if (d.type === 'array') {
    w.u8(DataTag.array).u16(checkInt(d.count, 0, 0xffff, 'array description count'));
    writeTypeDescription(w, d.element, depth + 1);
    return;
  }
  if (d.type === 'structure') {
    w.u8(DataTag.structure).length(d.elements.length);
    for (const e of d.elements) writeTypeDescription(w, e, depth + 1);
    return;
  }
  const tag = (DataTag as Record<string, number>)[d.type];
  if (tag === undefined) mismatch(`Unknown type description ${d.type}.`);
  w.u8(tag);
}

function writeTyped(w: AxdrWriter, d: TypeDescription, v: DlmsData, depth: number): void {
  if (depth >= MAX_DATA_DEPTH) throw new ProtocolError('LENGTH', `compact-array value nested deeper than ${MAX_DATA_DEPTH} levels.`);
  if (d.type !== v.type) mismatch(`compact-array element is ${v.type}, the description says ${d.type}.`);
  if (d.type === 'array' && v.type === 'array') {
    if (v.items.length !== d.count) mismatch(`compact-array element has ${v.items.length} items, the description says ${d.count}.`);
    for (const item of v.items) writeTyped(w, d.element, item, depth + 1);
    return;
  }
  if (d.type === 'structure' && v.type === 'structure') {
    if (v.items.length !== d.elements.length) {
      mismatch(`compact-array structure has ${v.items.length} items, the description says ${d.elements.length}.`);
    }
    for (let i = 0; i < d.elements.length; i++) writeTyped(w, d.elements[i], v.items[i], depth + 1);
    return;
  }
  writeSimpleBody(w, v);
}

export function encodeData(value: DlmsData): Uint8Array {
  const w = new AxdrWriter();
  writeData(w, value);
  return w.toBytes();
}
