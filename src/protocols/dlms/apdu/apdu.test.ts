import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MeterError, ProtocolError } from '../../../core/errors';
import { fromHex, toHex } from '../hex';
import { decodeDateTime } from '../axdr/datetime';
import { decodeApdu, encodeApdu } from './apdu';
import { parseInvokeIdAndPriority, parseLongInvokeIdAndPriority, makeInvokeIdAndPriority } from './invoke-id';
import { actionResultToMeterError, dataAccessErrorToMeterError } from './results';
import { confirmedServiceErrorToMeterError, exceptionResponseToMeterError } from './service-errors';
import type { Apdu } from './types';

const tsv = readFileSync(new URL('../../../../../shared/fixtures/dlms/all-byte-literals-from-tests.tsv', import.meta.url), 'utf8');
function literal(file: string, line: number): Uint8Array {
  const row = tsv.split('\n').find((l) => l.startsWith(`${file}\t${line}\t`));
  if (!row) throw new Error(`no fixture ${file}:${line}`);
  return fromHex(row.split('\t')[3]);
}

/** Decode, re-encode, expect identical bytes; return the decoded APDU. */
function exact(bytes: Uint8Array | string): Apdu {
  const b = typeof bytes === 'string' ? fromHex(bytes) : bytes;
  const apdu = decodeApdu(b);
  expect(toHex(encodeApdu(apdu))).toBe(toHex(b));
  return apdu;
}

function errorCode(bytes: Uint8Array | string): string {
  try {
    decodeApdu(typeof bytes === 'string' ? fromHex(bytes) : bytes);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return (e as ProtocolError).code;
  }
}

const CLOCK = fromHex('0000010000FF');

describe('GET', () => {
  it('GetRequestNormal (Green Book vector)', () => {
    expect(exact('C001C1000100002B0100FF0200')).toEqual({
      type: 'get-request-normal',
      invokeIdAndPriority: 0xc1,
      attribute: { classId: 1, obis: fromHex('00002B0100FF'), attributeId: 2 },
    });
  });

  it('GetRequestNext', () => {
    expect(exact('C002C100000001')).toEqual({ type: 'get-request-next', invokeIdAndPriority: 0xc1, blockNumber: 1 });
    expect(exact('C002C100000003')).toMatchObject({ blockNumber: 3 });
  });

  it('GetRequest with-list', () => {
    const a: Apdu = {
      type: 'get-request-with-list',
      invokeIdAndPriority: 0xc1,
      attributes: [
        { attribute: { classId: 8, obis: CLOCK, attributeId: 2 } },
        { attribute: { classId: 3, obis: fromHex('0100010800FF'), attributeId: 3 }, access: { selector: 2, parameters: { type: 'uint32', value: 1 } } },
      ],
    };
    const hex = 'C003C102' + '00080000010000FF0200' + '00030100010800FF030102' + '0600000001';
    expect(toHex(encodeApdu(a))).toBe(hex);
    expect(decodeApdu(fromHex(hex))).toEqual(a);
  });

  it('GetRequestNormal with selective access by range (profile generic)', () => {
    const apdu = exact(literal('tests/test_xdlms/test_selective_access.py', 29));
    if (apdu.type !== 'get-request-normal' || !apdu.access) throw new Error('selective access expected');
    expect(apdu.attribute).toEqual({ classId: 7, obis: fromHex('0100630100FF'), attributeId: 2 });
    expect(apdu.access.selector).toBe(1);
    const p = apdu.access.parameters;
    if (p.type !== 'structure') throw new Error();
    expect(p.items).toHaveLength(4);
    expect(p.items[0]).toEqual({
      type: 'structure',
      items: [
        { type: 'uint16', value: 8 },
        { type: 'octet-string', value: CLOCK },
        { type: 'int8', value: 2 },
        { type: 'uint16', value: 0 },
      ],
    });
    if (p.items[1].type !== 'octet-string') throw new Error();
    expect(decodeDateTime(p.items[1].value)).toMatchObject({ year: 2018, month: 6, day: 1, hour: 0, minute: 3, deviation: -120 });
    exact(literal('tests/test_xdlms/test_selective_access.py', 50));
    exact(literal('tests/test_xdlms/test_selective_access.py', 90));
  });

  it('GetResponseNormal with data and with an error', () => {
    expect(exact('C401C1000600001391')).toEqual({
      type: 'get-response-normal',
      invokeIdAndPriority: 0xc1,
      result: { type: 'data', value: { type: 'uint32', value: 5009 } },
    });
    expect(exact('C401C10101')).toEqual({ type: 'get-response-normal', invokeIdAndPriority: 0xc1, result: { type: 'error', result: 1 } });
  });

  it('GetResponse with datablock: first block, last block, error block', () => {
    const first = exact(literal('tests/test_xdlms/test_get.py', 169));
    expect(first).toMatchObject({ type: 'get-response-with-datablock', lastBlock: false, blockNumber: 1 });
    if (first.type !== 'get-response-with-datablock' || first.result.type !== 'raw') throw new Error();
    expect(toHex(first.result.bytes)).toBe(toHex(literal('tests/test_xdlms/test_get.py', 171)));
    expect(first.result.bytes.length).toBe(0x49e);

    const last = exact(literal('tests/test_xdlms/test_get.py', 231));
    expect(last).toMatchObject({ type: 'get-response-with-datablock', lastBlock: true, blockNumber: 0x13 });
    if (last.type !== 'get-response-with-datablock' || last.result.type !== 'raw') throw new Error();
    expect(toHex(last.result.bytes)).toBe(toHex(literal('tests/test_xdlms/test_get.py', 234)));

    expect(exact('C402C101000000130101')).toEqual({
      type: 'get-response-with-datablock',
      invokeIdAndPriority: 0xc1,
      lastBlock: true,
      blockNumber: 0x13,
      result: { type: 'error', result: 1 },
    });
    expect(exact(literal('tests/test_a_xdr.py', 122))).toMatchObject({ blockNumber: 1, lastBlock: false });
  });

  it('a datablock whose raw-data length lies is rejected', () => {
    // The fixture's "wrong length" vector declares 0x49E bytes but carries fewer.
    expect(errorCode(literal('tests/test_xdlms/test_get.py', 223))).toBe('LENGTH');
  });

  it('GetResponse with-list', () => {
    const a: Apdu = {
      type: 'get-response-with-list',
      invokeIdAndPriority: 0xc1,
      results: [
        { type: 'data', value: { type: 'uint16', value: 230 } },
        { type: 'error', result: 4 },
      ],
    };
    expect(toHex(encodeApdu(a))).toBe('C403C102' + '001200E6' + '0104');
    expect(decodeApdu(fromHex('C403C102001200E60104'))).toEqual(a);
  });

  it('wrong service choices are refused', () => {
    expect(errorCode('C004C100000001')).toBe('UNSUPPORTED');
    expect(errorCode('C401C10201')).toBe('FRAMING');
    expect(errorCode('C401C1000600001391FF')).toBe('LENGTH');
  });
});

describe('SET', () => {
  it('SetRequestNormal with a date-time octet string (clock)', () => {
    const apdu = exact('C101C100080000010000FF0200090C07E50118FF0E303950FFC400');
    expect(apdu).toMatchObject({ type: 'set-request-normal', invokeIdAndPriority: 0xc1, attribute: { classId: 8, obis: CLOCK, attributeId: 2 } });
    if (apdu.type !== 'set-request-normal') throw new Error();
    expect(apdu.value).toEqual({ type: 'octet-string', value: fromHex('07E50118FF0E303950FFC400') });
  });

  it('SetResponseNormal', () => {
    expect(exact('C501C100')).toEqual({ type: 'set-response-normal', invokeIdAndPriority: 0xc1, result: 0 });
  });

  it('SET with first datablock / datablock / with-list and their responses round trip', () => {
    const list: Apdu[] = [
      { type: 'set-request-with-first-datablock', invokeIdAndPriority: 0xc1, attribute: { classId: 1, obis: CLOCK, attributeId: 2 }, lastBlock: false, blockNumber: 1, rawData: fromHex('0102') },
      { type: 'set-request-with-datablock', invokeIdAndPriority: 0xc1, lastBlock: true, blockNumber: 2, rawData: fromHex('03') },
      { type: 'set-request-with-list', invokeIdAndPriority: 0xc1, attributes: [{ attribute: { classId: 1, obis: CLOCK, attributeId: 2 } }], values: [{ type: 'uint8', value: 1 }] },
      { type: 'set-response-datablock', invokeIdAndPriority: 0xc1, blockNumber: 1 },
      { type: 'set-response-last-datablock', invokeIdAndPriority: 0xc1, result: 0, blockNumber: 2 },
      { type: 'set-response-with-list', invokeIdAndPriority: 0xc1, results: [0, 3] },
      { type: 'set-request-with-list-and-first-datablock', invokeIdAndPriority: 0xc1, attributes: [{ attribute: { classId: 1, obis: CLOCK, attributeId: 2 } }], lastBlock: false, blockNumber: 1, rawData: fromHex('01') },
      { type: 'set-response-last-datablock-with-list', invokeIdAndPriority: 0xc1, results: [0], blockNumber: 3 },
    ];
    for (const a of list) expect(decodeApdu(encodeApdu(a))).toEqual(a);
    expect(toHex(encodeApdu(list[1]))).toBe('C103C1010000000201' + '03');
    expect(toHex(encodeApdu(list[5]))).toBe('C505C1020003');
    expect(toHex(encodeApdu(list[6]))).toBe('C105C101' + '00010000010000FF0200' + '00' + '00000001' + '0101');
    expect(toHex(encodeApdu(list[7]))).toBe('C504C1010000000003');
  });
});

describe('ACTION', () => {
  it('ActionRequestNormal reply_to_HLS_authentication with parameters', () => {
    const apdu = exact(literal('tests/test_xdlms/test_action.py', 9));
    expect(apdu).toEqual({
      type: 'action-request-normal',
      invokeIdAndPriority: 0xc0,
      method: { classId: 15, obis: fromHex('0000280000FF'), methodId: 1 },
      parameters: { type: 'octet-string', value: fromHex('1000001A90E6D2221FA2FD85EED61ACC22') },
    });
    expect(exact('C301C0000F0000280000FF0100')).toMatchObject({ type: 'action-request-normal' });
    expect((decodeApdu(fromHex('C301C0000F0000280000FF0100')) as { parameters?: unknown }).parameters).toBeUndefined();
  });

  it('ActionResponseNormal without data, with data, with an error', () => {
    expect(exact('C701C00000')).toEqual({ type: 'action-response-normal', invokeIdAndPriority: 0xc0, result: 0 });
    expect(exact('C701C000010009111000001AFDE8857B728A3499106AA665D1')).toEqual({
      type: 'action-response-normal',
      invokeIdAndPriority: 0xc0,
      result: 0,
      returnParameters: { type: 'data', value: { type: 'octet-string', value: fromHex('1000001AFDE8857B728A3499106AA665D1') } },
    });
    expect(exact('C701C0000101FA')).toEqual({
      type: 'action-response-normal',
      invokeIdAndPriority: 0xc0,
      result: 0,
      returnParameters: { type: 'error', result: 250 },
    });
    expect(errorCode('C705C00000')).toBe('UNSUPPORTED');
  });

  it('ACTION with-list and pblock forms', () => {
    const m = { classId: 15, obis: fromHex('0000280000FF'), methodId: 1 };
    const list: [Apdu, string][] = [
      [{ type: 'action-request-next-pblock', invokeIdAndPriority: 0xc1, blockNumber: 2 }, 'C302C100000002'],
      [{ type: 'action-request-with-list', invokeIdAndPriority: 0xc1, methods: [m, m], parameters: [{ type: 'null' }, { type: 'uint8', value: 1 }] }, 'C303C102000F0000280000FF01000F0000280000FF0102001101'],
      [{ type: 'action-request-with-first-pblock', invokeIdAndPriority: 0xc1, method: m, pblock: { lastBlock: false, blockNumber: 1, rawData: fromHex('0910') } }, 'C304C1000F0000280000FF01000000000102' + '0910'],
      [{ type: 'action-request-with-list-and-first-pblock', invokeIdAndPriority: 0xc1, methods: [m], pblock: { lastBlock: true, blockNumber: 1, rawData: fromHex('00') } }, 'C305C101000F0000280000FF01' + '010000000101' + '00'],
      [{ type: 'action-request-with-pblock', invokeIdAndPriority: 0xc1, pblock: { lastBlock: true, blockNumber: 2, rawData: fromHex('AA') } }, 'C306C1010000000201AA'],
      [{ type: 'action-response-with-pblock', invokeIdAndPriority: 0xc1, pblock: { lastBlock: true, blockNumber: 1, rawData: fromHex('0F01') } }, 'C702C101000000010' + '2' + '0F01'],
      [{ type: 'action-response-with-list', invokeIdAndPriority: 0xc1, results: [{ result: 0 }, { result: 0, returnParameters: { type: 'data', value: { type: 'uint8', value: 7 } } }, { result: 3 }] }, 'C703C103' + '0000' + '0001001107' + '0300'],
      [{ type: 'action-response-next-pblock', invokeIdAndPriority: 0xc1, blockNumber: 1 }, 'C704C100000001'],
    ];
    for (const [apdu, hex] of list) {
      expect(toHex(encodeApdu(apdu))).toBe(hex);
      expect(decodeApdu(fromHex(hex))).toEqual(apdu);
    }
    // The fixture's "wrong type" vector C702... is a well-formed action-response-with-pblock.
    expect(exact('C702C000010009111000001AFDE8857B728A3499106AA665D1')).toMatchObject({
      type: 'action-response-with-pblock',
      pblock: { lastBlock: false, blockNumber: 0x01000911 },
    });
  });
});

describe('errors', () => {
  it('exception-response and its typed error', () => {
    const a = exact('D80102');
    expect(a).toEqual({ type: 'exception-response', stateError: 1, serviceError: 2 });
    if (a.type !== 'exception-response') throw new Error();
    const e = exceptionResponseToMeterError(a);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toContain('service-not-allowed');
    expect(exact('D8010600000100')).toEqual({ type: 'exception-response', stateError: 1, serviceError: 6, invocationCounter: 256 });
  });

  it('confirmed-service-error initiate / dlms-version-too-low', () => {
    const a = exact('0E010601');
    expect(a).toEqual({ type: 'confirmed-service-error', service: 1, errorType: 6, error: 1 });
    if (a.type !== 'confirmed-service-error') throw new Error();
    const e = confirmedServiceErrorToMeterError(a);
    expect(e.code).toBe('REJECTED');
    expect(e.message).toContain('initiateError: initiate / dlms-version-too-low');
    expect(confirmedServiceErrorToMeterError({ type: 'confirmed-service-error', service: 5, errorType: 4, error: 1 }).code).toBe('OBJECT_UNDEFINED');
  });

  it('data-access-result and action-result map to typed errors, keeping the standard names', () => {
    const cases: [number, string, string][] = [
      [4, 'OBJECT_UNDEFINED', 'object-undefined'],
      [3, 'ACCESS_DENIED', 'read-write-denied'],
      [13, 'ACCESS_DENIED', 'scope-of-access-violated'],
      [12, 'TYPE_MISMATCH', 'type-unmatched'],
      [2, 'REJECTED', 'temporary-failure'],
      [1, 'REJECTED', 'hardware-fault'],
      [250, 'REJECTED', 'other-reason'],
      [11, 'REJECTED', 'object-unavailable'],
      [19, 'PROTOCOL', 'data-block-number-invalid'],
      [99, 'REJECTED', 'unknown data-access-result 99'],
    ];
    for (const [result, code, name] of cases) {
      const e = dataAccessErrorToMeterError(result, '1.0.1.8.0.255:2');
      expect(e).toBeInstanceOf(MeterError);
      expect(e.code).toBe(code);
      expect(e.message).toContain(name);
      expect(e.message).toContain('1.0.1.8.0.255:2');
    }
    expect(actionResultToMeterError(15).message).toContain('long-action-aborted');
    expect(actionResultToMeterError(3).code).toBe('ACCESS_DENIED');
  });
});

describe('short names', () => {
  it('ReadRequest variable-name and parameterized-access', () => {
    const a: Apdu = {
      type: 'read-request',
      items: [
        { type: 'variable-name', name: 0xfa08 },
        { type: 'parameterized-access', name: 0x6108, selector: 1, parameter: { type: 'null' } },
        { type: 'block-number-access', blockNumber: 2 },
      ],
    };
    const hex = '0503' + '02FA08' + '046108' + '01' + '00' + '050002';
    expect(toHex(encodeApdu(a))).toBe(hex);
    expect(decodeApdu(fromHex(hex))).toEqual(a);
  });

  it('ReadResponse: data, data-access-error, data-block-result', () => {
    const hex = '0C03' + '00' + '1200E6' + '0104' + '02' + '00' + '0001' + '03' + '010203';
    const a = exact(hex);
    expect(a).toEqual({
      type: 'read-response',
      items: [
        { type: 'data', value: { type: 'uint16', value: 230 } },
        { type: 'error', result: 4 },
        { type: 'data-block-result', lastBlock: false, blockNumber: 1, rawData: fromHex('010203') },
      ],
    });
  });

  it('WriteRequest / WriteResponse / UnconfirmedWriteRequest', () => {
    expect(exact('0601' + '020808' + '01' + '1100')).toEqual({
      type: 'write-request',
      items: [{ type: 'variable-name', name: 0x0808 }],
      values: [{ type: 'uint8', value: 0 }],
    });
    expect(exact('0D03000103020005')).toEqual({
      type: 'write-response',
      items: [{ type: 'success' }, { type: 'error', result: 3 }, { type: 'block-number', blockNumber: 5 }],
    });
    expect(exact('1601020808011100')).toMatchObject({ type: 'unconfirmed-write-request' });
  });
});

describe('general-block-transfer, event-notification, invoke ids', () => {
  it('general-block-transfer', () => {
    expect(exact('E0C100020001' + '03' + 'C40102')).toEqual({
      type: 'general-block-transfer',
      lastBlock: true,
      streaming: true,
      window: 1,
      blockNumber: 2,
      blockNumberAck: 1,
      blockData: fromHex('C40102'),
    });
  });

  it('event-notification-request with and without time', () => {
    expect(exact('C201' + '0C07E50118FF0E303950FFC400' + '00010000616200FF02' + '0600000001')).toMatchObject({
      type: 'event-notification-request',
      time: fromHex('07E50118FF0E303950FFC400'),
      value: { type: 'uint32', value: 1 },
    });
    expect(exact('C200' + '00010000616200FF02' + '1100')).toMatchObject({ type: 'event-notification-request' });
  });

  it('invoke-id-and-priority fields', () => {
    expect(parseInvokeIdAndPriority(0xc1)).toEqual({ invokeId: 1, confirmed: true, highPriority: true });
    expect(makeInvokeIdAndPriority(5, true, false)).toBe(0x45);
    expect(parseLongInvokeIdAndPriority(0x40000000)).toMatchObject({ invokeId: 0, confirmed: true, highPriority: false });
    expect(parseLongInvokeIdAndPriority(0x800001db)).toMatchObject({ invokeId: 0x1db, highPriority: true });
  });

  it('ciphered and unknown tags', () => {
    expect(errorCode('DB0800')).toBe('UNSUPPORTED');
    expect(errorCode('C8')).toBe('UNSUPPORTED');
    expect(errorCode('7F')).toBe('FRAMING');
    expect(errorCode('D90000')).toBe('UNSUPPORTED');
    expect(errorCode('01000000065F1F0400007E1F04B0')).toBe('PROTOCOL');
    expect(errorCode('')).toBe('LENGTH');
  });
});

describe('data-notification', () => {
  it('Green Book push without date-time (decrypted general-glo-ciphering payload)', () => {
    const apdu = exact('0F000001DB000922125A8591360000000049000000110000000A5A8513D014800000000D0000000A0100');
    expect(apdu).toEqual({
      type: 'data-notification',
      longInvokeIdAndPriority: 0x1db,
      body: { type: 'octet-string', value: fromHex('125A8591360000000049000000110000000A5A8513D014800000000D0000000A0100') },
    });
  });
});
