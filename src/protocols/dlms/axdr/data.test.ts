import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../../core/errors';
import { fromHex, toHex } from '../hex';
import { decodeData, decodeDataExact, encodeData, MAX_DATA_DEPTH } from './data';
import { AxdrReader } from './reader';
import { AxdrWriter } from './writer';
import type { DlmsData, TypeDescription } from './types';

const tsv = readFileSync(new URL('../../../../../shared/fixtures/dlms/all-byte-literals-from-tests.tsv', import.meta.url), 'utf8');
function literal(file: string, line: number): Uint8Array {
  const row = tsv.split('\n').find((l) => l.startsWith(`${file}\t${line}\t`));
  if (!row) throw new Error(`no fixture ${file}:${line}`);
  return fromHex(row.split('\t')[3]);
}

function roundTrip(hex: string): DlmsData {
  const bytes = fromHex(hex);
  const value = decodeDataExact(bytes);
  expect(toHex(encodeData(value))).toBe(hex.toUpperCase());
  return value;
}

describe('A-XDR data: fixtures', () => {
  it('decodes the 24-row profile buffer (array of structures) and re-encodes it byte for byte', () => {
    const bytes = literal('tests/test_a_xdr.py', 29);
    expect(bytes[0]).toBe(0x00); // Get-Data-Result choice "data" in front of the value
    const { value, next } = decodeData(bytes, 1);
    expect(next).toBe(bytes.length);
    if (value.type !== 'array') throw new Error('array expected');
    expect(value.items).toHaveLength(24);
    const row0 = value.items[0];
    expect(row0).toEqual({
      type: 'structure',
      items: [
        { type: 'octet-string', value: fromHex('07E2020C0500000000800000') },
        { type: 'uint8', value: 0 },
        { type: 'uint32', value: 100000 },
      ],
    });
    const last = value.items[23];
    if (last.type !== 'structure') throw new Error('structure expected');
    expect(last.items[2]).toEqual({ type: 'uint32', value: 0x1ac00 });
    expect(toHex(encodeData(value))).toBe(toHex(bytes.subarray(1)));
  });

  it('decodes the LTE quality-of-service structure', () => {
    const v = roundTrip('02051202D0120CA81112111E0FC0');
    expect(v).toEqual({
      type: 'structure',
      items: [
        { type: 'uint16', value: 720 },
        { type: 'uint16', value: 3240 },
        { type: 'uint8', value: 18 },
        { type: 'uint8', value: 30 },
        { type: 'int8', value: -64 },
      ],
    });
  });

  it('decodes the GSM cell-info structure', () => {
    const v = roundTrip('0207060000000012000011001100120000120000120000');
    if (v.type !== 'structure') throw new Error();
    expect(v.items.map((i) => i.type)).toEqual(['uint32', 'uint16', 'uint8', 'uint8', 'uint16', 'uint16', 'uint16']);
  });

  it('decodes the parse-buffer array with date-time octet strings and a deviation of -60', () => {
    const v = roundTrip(toHex(literal('tests/test_parsers.py', 6)));
    if (v.type !== 'array') throw new Error();
    expect(v.items).toHaveLength(4);
    const first = v.items[0];
    if (first.type !== 'structure') throw new Error();
    expect(first.items[0]).toEqual({ type: 'octet-string', value: fromHex('07E30C1F0217000000FFC400') });
    expect(first.items[3]).toEqual({ type: 'uint32', value: 0x654 });
  });

  it('reads A-XDR variable lengths 0x82 0F 0F and 0F', () => {
    expect(new AxdrReader(fromHex('820F0F')).length()).toBe(0x0f0f);
    expect(new AxdrReader(fromHex('0F0F')).length()).toBe(0x0f);
    expect(toHex(new AxdrWriter().length(0x0f0f).toBytes())).toBe('820F0F');
    expect(toHex(new AxdrWriter().length(0x80).toBytes())).toBe('8180');
    expect(toHex(new AxdrWriter().length(0x7f).toBytes())).toBe('7F');
    expect(toHex(new AxdrWriter().length(0x123456).toBytes())).toBe('83123456');
    expect(toHex(new AxdrWriter().length(0x12345678).toBytes())).toBe('8412345678');
  });
});

describe('A-XDR data: every type', () => {
  const cases: [string, DlmsData][] = [
    ['00', { type: 'null' }],
    ['FF', { type: 'dont-care' }],
    ['0301', { type: 'boolean', value: true }],
    ['0300', { type: 'boolean', value: false }],
    ['040AA5C0', { type: 'bit-string', bitLength: 10, bytes: fromHex('A5C0') }],
    ['05FFFFFFFE', { type: 'int32', value: -2 }],
    ['06FFFFFFFF', { type: 'uint32', value: 0xffffffff }],
    ['0903010203', { type: 'octet-string', value: fromHex('010203') }],
    ['0A03414243', { type: 'visible-string', value: 'ABC' }],
    ['0C03E282AC', { type: 'utf8-string', value: '€' }],
    ['0D12', { type: 'bcd', value: 0x12 }],
    ['0F80', { type: 'int8', value: -128 }],
    ['108000', { type: 'int16', value: -32768 }],
    ['11FF', { type: 'uint8', value: 255 }],
    ['12FFFF', { type: 'uint16', value: 65535 }],
    ['148000000000000000', { type: 'int64', value: -(2n ** 63n) }],
    ['15FFFFFFFFFFFFFFFF', { type: 'uint64', value: 2n ** 64n - 1n }],
    ['1603', { type: 'enum', value: 3 }],
    ['173FC00000', { type: 'float32', value: 1.5 }],
    ['18400921FB54442D18', { type: 'float64', value: Math.PI }],
    ['0100', { type: 'array', items: [] }],
    ['020209000F01', { type: 'structure', items: [{ type: 'octet-string', value: new Uint8Array(0) }, { type: 'int8', value: 1 }] }],
  ];
  for (const [hex, value] of cases) {
    it(`${value.type} ${hex}`, () => {
      expect(decodeDataExact(fromHex(hex))).toEqual(value);
      expect(toHex(encodeData(value))).toBe(hex);
    });
  }

  it('date-time with deviation and clock status, date and time', () => {
    const v = roundTrip('1907E40101FF00030000FF8800');
    expect(v).toEqual({
      type: 'date-time',
      raw: fromHex('07E40101FF00030000FF8800'),
      value: { year: 2020, month: 1, day: 1, hour: 0, minute: 3, second: 0, hundredths: 0, deviation: -120, clockStatus: 0 },
    });
    expect(roundTrip('1A07E5011805')).toEqual({
      type: 'date',
      raw: fromHex('07E5011805'),
      value: { year: 2021, month: 1, day: 24, dayOfWeek: 5 },
    });
    expect(roundTrip('1B0E3039FF')).toEqual({
      type: 'time',
      raw: fromHex('0E3039FF'),
      value: { hour: 14, minute: 48, second: 57 },
    });
    // All fields "not specified"
    expect(roundTrip('19FFFFFFFFFFFFFFFFFF8000FF')).toMatchObject({ type: 'date-time', value: {} });
  });

  it('compact-array of structures {uint16, date-time, visible-string}', () => {
    const description: TypeDescription = {
      type: 'structure',
      elements: [{ type: 'uint16' }, { type: 'date-time' }, { type: 'visible-string' }],
    };
    const dt = fromHex('07E40101FF00030000FF8800');
    const value: DlmsData = {
      type: 'compact-array',
      description,
      items: [
        { type: 'structure', items: [{ type: 'uint16', value: 1 }, { type: 'date-time', value: { year: 2020, month: 1, day: 1, hour: 0, minute: 3, second: 0, hundredths: 0, deviation: -120, clockStatus: 0 }, raw: dt }, { type: 'visible-string', value: 'A' }] },
        { type: 'structure', items: [{ type: 'uint16', value: 2 }, { type: 'date-time', value: { year: 2020, month: 1, day: 1, hour: 0, minute: 3, second: 0, hundredths: 0, deviation: -120, clockStatus: 0 }, raw: dt }, { type: 'visible-string', value: '' }] },
      ],
    };
    const hex = '13' + '0203' + '12' + '19' + '0A' + '1F' + '0001' + toHex(dt) + '0141' + '0002' + toHex(dt) + '00';
    expect(toHex(encodeData(value))).toBe(hex);
    expect(decodeDataExact(fromHex(hex))).toEqual(value);
  });

  it('compact-array of arrays uses the 16-bit element count of the description', () => {
    const value: DlmsData = {
      type: 'compact-array',
      description: { type: 'array', count: 2, element: { type: 'int8' } },
      items: [
        { type: 'array', items: [{ type: 'int8', value: 1 }, { type: 'int8', value: -1 }] },
      ],
    };
    expect(toHex(encodeData(value))).toBe('1301' + '0002' + '0F' + '02' + '01FF');
    expect(decodeDataExact(fromHex('130100020F0201FF'))).toEqual(value);
  });

  it('long lengths use the 0x81/0x82 forms', () => {
    const big = new Uint8Array(300).fill(7);
    const bytes = encodeData({ type: 'octet-string', value: big });
    expect(toHex(bytes.subarray(0, 4))).toBe('0982012C');
    expect(decodeDataExact(bytes)).toEqual({ type: 'octet-string', value: big });
  });

  it('rejects out-of-range values on encode', () => {
    expect(() => encodeData({ type: 'uint8', value: 256 })).toThrow(ProtocolError);
    expect(() => encodeData({ type: 'int16', value: 1.5 })).toThrow(ProtocolError);
    expect(() => encodeData({ type: 'visible-string', value: 'Ω' })).toThrow(ProtocolError);
    expect(() => encodeData({ type: 'bit-string', bitLength: 9, bytes: new Uint8Array(1) })).toThrow(ProtocolError);
  });
});

describe('A-XDR data: hardening', () => {
  function code(bytes: Uint8Array): string {
    try {
      decodeDataExact(bytes);
      return 'ok';
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolError);
      return (e as ProtocolError).code;
    }
  }

  it('a lying array count is rejected before allocation', () => {
    expect(code(fromHex('0184FFFFFFFF00'))).toBe('LENGTH');
    expect(code(fromHex('0982FFFF00'))).toBe('LENGTH');
    expect(code(fromHex('0484FFFFFFFF'))).toBe('LENGTH');
  });

  it('truncated values, unknown tags and trailing bytes', () => {
    expect(code(fromHex('06000001'))).toBe('LENGTH');
    expect(code(fromHex('07'))).toBe('FRAMING');
    expect(code(fromHex('110100'))).toBe('LENGTH');
    expect(code(new Uint8Array(0))).toBe('LENGTH');
    expect(code(fromHex('0185010203040500'))).toBe('LENGTH');
  });

  it('deep nesting is bounded', () => {
    const deep = new Uint8Array(MAX_DATA_DEPTH * 2 + 2);
    for (let i = 0; i < MAX_DATA_DEPTH + 1; i++) {
      deep[i * 2] = 0x02;
      deep[i * 2 + 1] = 0x01;
    }
    expect(code(deep)).toBe('LENGTH');
    const ok = new Uint8Array((MAX_DATA_DEPTH - 1) * 2 + 1);
    for (let i = 0; i < MAX_DATA_DEPTH - 1; i++) {
      ok[i * 2] = 0x02;
      ok[i * 2 + 1] = 0x01;
    }
    expect(code(ok)).toBe('ok');
  });

  it('compact-array with zero-size elements or overrunning contents', () => {
    expect(code(fromHex('130003000000'))).toBe('UNSUPPORTED'); // null elements, 3 content bytes
    expect(code(fromHex('1301FFFF0001FF'))).toBe('UNSUPPORTED'); // array of 65535 nulls
    expect(code(fromHex('1301FFFF1101FF'))).toBe('LENGTH');
    expect(code(fromHex('131203000000'))).toBe('LENGTH'); // uint16 elements, 3 content bytes: 1.5 elements
  });
});

// ---------------------------------------------------------------------------------------------
// property tests

const dtBytes = fc.uint8Array({ minLength: 12, maxLength: 12 });
const simple: fc.Arbitrary<DlmsData> = fc.oneof(
  fc.constant<DlmsData>({ type: 'null' }),
  fc.boolean().map<DlmsData>((value) => ({ type: 'boolean', value })),
  fc.integer({ min: -0x80, max: 0x7f }).map<DlmsData>((value) => ({ type: 'int8', value })),
  fc.integer({ min: -0x8000, max: 0x7fff }).map<DlmsData>((value) => ({ type: 'int16', value })),
  fc.integer({ min: -0x80000000, max: 0x7fffffff }).map<DlmsData>((value) => ({ type: 'int32', value })),
  fc.integer({ min: 0, max: 0xff }).map<DlmsData>((value) => ({ type: 'uint8', value })),
  fc.integer({ min: 0, max: 0xffff }).map<DlmsData>((value) => ({ type: 'uint16', value })),
  fc.integer({ min: 0, max: 0xffffffff }).map<DlmsData>((value) => ({ type: 'uint32', value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map<DlmsData>((value) => ({ type: 'int64', value })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map<DlmsData>((value) => ({ type: 'uint64', value })),
  fc.integer({ min: 0, max: 0xff }).map<DlmsData>((value) => ({ type: 'enum', value })),
  fc.double({ noNaN: true }).map<DlmsData>((value) => ({ type: 'float64', value })),
  fc.float({ noNaN: true }).map<DlmsData>((value) => ({ type: 'float32', value })),
  fc.uint8Array({ maxLength: 300 }).map<DlmsData>((value) => ({ type: 'octet-string', value })),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map<DlmsData>((value) => ({ type: 'visible-string', value })),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map<DlmsData>((value) => ({ type: 'utf8-string', value })),
  fc.uint8Array({ maxLength: 4 }).chain((bytes) =>
    fc.integer({ min: bytes.length === 0 ? 0 : bytes.length * 8 - 7, max: bytes.length * 8 }).map<DlmsData>((bitLength) => ({ type: 'bit-string', bitLength, bytes })),
  ),
  dtBytes.map<DlmsData>((raw) => decodeDataExact(Uint8Array.of(0x19, ...raw))),
);

const dataArb: fc.Arbitrary<DlmsData> = fc.letrec<{ data: DlmsData }>((tie) => ({
  data: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    simple,
    fc.array(tie('data'), { maxLength: 5 }).map<DlmsData>((items) => ({ type: 'structure', items })),
    fc.array(tie('data'), { maxLength: 5 }).map<DlmsData>((items) => ({ type: 'array', items })),
  ),
})).data;

function decodesOrProtocolError(bytes: Uint8Array): void {
  try {
    decodeData(bytes);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
  }
}

describe('A-XDR data: properties', () => {
  it('encode -> decode -> encode is byte exact', () => {
    fc.assert(
      fc.property(dataArb, (v) => {
        const bytes = encodeData(v);
        const back = decodeDataExact(bytes);
        expect(toHex(encodeData(back))).toBe(toHex(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes give a value or a ProtocolError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), decodesOrProtocolError), { numRuns: 3000 });
  });

  it('random bytes behind a compact-array or container tag give a value or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x01, 0x02, 0x13, 0x04, 0x09), fc.uint8Array({ maxLength: 64 }), (tag, rest) =>
        decodesOrProtocolError(Uint8Array.of(tag, ...rest)),
      ),
      { numRuns: 3000 },
    );
  });

  it('mutated valid encodings give a value or a ProtocolError', () => {
    fc.assert(
      fc.property(dataArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (v, at, byte, cut) => {
        const bytes = encodeData(v);
        const mutated = bytes.slice();
        mutated[at % mutated.length] = byte;
        decodesOrProtocolError(mutated);
        decodesOrProtocolError(mutated.subarray(0, cut % (mutated.length + 1)));
      }),
      { numRuns: 1000 },
    );
  });
});
