import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../../core/errors';
import type { DlmsData } from '../axdr/types';
import { fromHex, toHex } from '../hex';
import { decodeApdu, encodeApdu } from './apdu';
import { ApduTag, type Apdu, type AttributeDescriptor, type GetDataResult, type VariableAccess } from './types';

function valueOrProtocolError(bytes: Uint8Array): void {
  try {
    decodeApdu(bytes);
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
  }
}

const data: fc.Arbitrary<DlmsData> = fc.letrec<{ d: DlmsData }>((tie) => ({
  d: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: 0, max: 0xffffffff }).map<DlmsData>((value) => ({ type: 'uint32', value })),
    fc.integer({ min: -128, max: 127 }).map<DlmsData>((value) => ({ type: 'int8', value })),
    fc.uint8Array({ maxLength: 20 }).map<DlmsData>((value) => ({ type: 'octet-string', value })),
    fc.constant<DlmsData>({ type: 'null' }),
    fc.array(tie('d'), { maxLength: 3 }).map<DlmsData>((items) => ({ type: 'structure', items })),
  ),
})).d;

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const descriptor: fc.Arbitrary<AttributeDescriptor> = fc.record({
  classId: u16,
  obis: fc.uint8Array({ minLength: 6, maxLength: 6 }),
  attributeId: fc.integer({ min: -128, max: 127 }),
});
const access = fc.option(fc.record({ selector: u8, parameters: data }), { nil: undefined });
const withSel = fc.tuple(descriptor, access).map(([attribute, a]) => (a ? { attribute, access: a } : { attribute }));
const getDataResult: fc.Arbitrary<GetDataResult> = fc.oneof(
  data.map<GetDataResult>((value) => ({ type: 'data', value })),
  u8.map<GetDataResult>((result) => ({ type: 'error', result })),
);
const varAccess: fc.Arbitrary<VariableAccess> = fc.oneof(
  u16.map<VariableAccess>((name) => ({ type: 'variable-name', name })),
  fc.record({ name: u16, selector: u8, parameter: data }).map<VariableAccess>((p) => ({ type: 'parameterized-access', ...p })),
  u16.map<VariableAccess>((blockNumber) => ({ type: 'block-number-access', blockNumber })),
);

const apdu: fc.Arbitrary<Apdu> = fc.oneof(
  fc.tuple(u8, descriptor, access).map<Apdu>(([iip, attribute, a]) => (a ? { type: 'get-request-normal', invokeIdAndPriority: iip, attribute, access: a } : { type: 'get-request-normal', invokeIdAndPriority: iip, attribute })),
  fc.tuple(u8, u32).map<Apdu>(([iip, blockNumber]) => ({ type: 'get-request-next', invokeIdAndPriority: iip, blockNumber })),
  fc.tuple(u8, fc.array(withSel, { maxLength: 4 })).map<Apdu>(([iip, attributes]) => ({ type: 'get-request-with-list', invokeIdAndPriority: iip, attributes })),
  fc.tuple(u8, getDataResult).map<Apdu>(([iip, result]) => ({ type: 'get-response-normal', invokeIdAndPriority: iip, result })),
  fc.tuple(u8, fc.boolean(), u32, fc.uint8Array({ maxLength: 200 })).map<Apdu>(([iip, lastBlock, blockNumber, bytes]) => ({
    type: 'get-response-with-datablock',
    invokeIdAndPriority: iip,
    lastBlock,
    blockNumber,
    result: { type: 'raw', bytes },
  })),
  fc.tuple(u8, fc.array(getDataResult, { maxLength: 4 })).map<Apdu>(([iip, results]) => ({ type: 'get-response-with-list', invokeIdAndPriority: iip, results })),
  fc.tuple(u8, descriptor, data).map<Apdu>(([iip, attribute, value]) => ({ type: 'set-request-normal', invokeIdAndPriority: iip, attribute, value })),
  fc.tuple(u8, u8).map<Apdu>(([iip, result]) => ({ type: 'set-response-normal', invokeIdAndPriority: iip, result })),
  fc.tuple(u8, descriptor, fc.option(data, { nil: undefined })).map<Apdu>(([iip, d, parameters]) => {
    const method = { classId: d.classId, obis: d.obis, methodId: d.attributeId };
    return parameters ? { type: 'action-request-normal', invokeIdAndPriority: iip, method, parameters } : { type: 'action-request-normal', invokeIdAndPriority: iip, method };
  }),
  fc.tuple(u8, u8, fc.option(getDataResult, { nil: undefined })).map<Apdu>(([iip, result, rp]) =>
    rp ? { type: 'action-response-normal', invokeIdAndPriority: iip, result, returnParameters: rp } : { type: 'action-response-normal', invokeIdAndPriority: iip, result },
  ),
  fc.tuple(u8, fc.array(descriptor, { maxLength: 3 }), fc.array(data, { maxLength: 3 })).map<Apdu>(([iip, ds, parameters]) => ({
    type: 'action-request-with-list',
    invokeIdAndPriority: iip,
    methods: ds.map((d) => ({ classId: d.classId, obis: d.obis, methodId: d.attributeId })),
    parameters,
  })),
  fc.tuple(u8, fc.array(fc.tuple(u8, fc.option(getDataResult, { nil: undefined })), { maxLength: 3 })).map<Apdu>(([iip, rs]) => ({
    type: 'action-response-with-list',
    invokeIdAndPriority: iip,
    results: rs.map(([result, rp]) => (rp ? { result, returnParameters: rp } : { result })),
  })),
  fc.tuple(u8, fc.boolean(), u32, fc.uint8Array({ maxLength: 40 })).map<Apdu>(([iip, lastBlock, blockNumber, rawData]) => ({
    type: 'action-response-with-pblock',
    invokeIdAndPriority: iip,
    pblock: { lastBlock, blockNumber, rawData },
  })),
  fc.array(varAccess, { maxLength: 4 }).map<Apdu>((items) => ({ type: 'read-request', items })),
  fc.tuple(fc.array(varAccess, { maxLength: 3 }), fc.array(data, { maxLength: 3 })).map<Apdu>(([items, values]) => ({ type: 'write-request', items, values })),
  fc.array(data, { maxLength: 4 }).map<Apdu>((vs) => ({ type: 'read-response', items: vs.map((value) => ({ type: 'data' as const, value })) })),
  fc.record({ lastBlock: fc.boolean(), streaming: fc.boolean(), window: fc.integer({ min: 0, max: 63 }), blockNumber: u16, blockNumberAck: u16, blockData: fc.uint8Array({ maxLength: 64 }) }).map<Apdu>((g) => ({ type: 'general-block-transfer', ...g })),
  fc.tuple(u32, fc.option(fc.uint8Array({ minLength: 12, maxLength: 12 }), { nil: undefined }), fc.boolean(), data).map<Apdu>(([id, dt, tagged, body]) => {
    const n: Apdu = { type: 'data-notification', longInvokeIdAndPriority: id, body };
    if (dt) {
      n.dateTime = dt;
      if (tagged) n.dateTimeTagged = true;
    }
    return n;
  }),
);

const vectors = [
  'C001C1000100002B0100FF0200',
  'C002C100000001',
  'C401C1000600001391',
  'C101C100080000010000FF0200090C07E50118FF0E303950FFC400',
  'C501C100',
  'C301C0000F0000280000FF010109111000001A90E6D2221FA2FD85EED61ACC22',
  'C701C000010009111000001AFDE8857B728A3499106AA665D1',
  'C001C100070100630100FF0201010204020412000809060000010000FF0F02120000090C07E20601FF000300FFFF8880090C07E50106FF000300FFFFC4000100',
  '0F000001DB000922125A8591360000000049000000110000000A5A8513D014800000000D0000000A0100',
  '0F40000000090C07E1090D02000006FF800000020106000011AC',
  'D80106000000FF',
  '0E010601',
].map(fromHex);

describe('APDU properties', () => {
  it('encode -> decode -> encode is byte exact for generated APDUs', () => {
    fc.assert(
      fc.property(apdu, (a) => {
        const bytes = encodeApdu(a);
        const back = decodeApdu(bytes);
        expect(back).toEqual(a);
        expect(toHex(encodeApdu(back))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes after every known tag give an APDU or a ProtocolError', () => {
    const tags = Object.values(ApduTag);
    fc.assert(
      fc.property(fc.constantFrom(...tags), fc.uint8Array({ maxLength: 48 }), (tag, rest) => {
        valueOrProtocolError(Uint8Array.of(tag, ...rest));
      }),
      { numRuns: 5000 },
    );
  });

  it('fully random bytes give an APDU or a ProtocolError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), valueOrProtocolError), { numRuns: 2000 });
  });

  it('mutated and truncated fixture APDUs give an APDU or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...vectors), fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 4 }), fc.nat(), (v, edits, cut) => {
        const m = v.slice();
        for (const [at, b] of edits) m[at % m.length] = b;
        valueOrProtocolError(m);
        valueOrProtocolError(m.subarray(0, cut % (m.length + 1)));
      }),
      { numRuns: 3000 },
    );
  });

  it('lying list counts and lengths are rejected without allocating', () => {
    for (const hex of ['C003C184FFFFFFFF', 'C403C184FFFFFFFF', '0584FFFFFFFF', '0C84FFFFFFFF', 'C402C10000000001008484FFFFFFFF', 'E0800001000084FFFFFFFF']) {
      expect(() => decodeApdu(fromHex(hex))).toThrow(ProtocolError);
    }
  });
});
