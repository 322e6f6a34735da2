import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError, ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { dlmsData } from './dlms-data.arbitrary';
import { decodeObjectList, decodeObjectListLN, decodeObjectListSN, findObject, resolveShortName, resolveShortNameMethod } from './object-list';

const ln = (...b: number[]): DlmsData => ({ type: 'octet-string', value: new Uint8Array(b) });
const u16 = (value: number): DlmsData => ({ type: 'uint16', value });
const u8 = (value: number): DlmsData => ({ type: 'uint8', value });
const s = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });
const arr = (...items: DlmsData[]): DlmsData => ({ type: 'array', items });

const SN_LIST = arr(
  s({ type: 'int16', value: -1536 }, u16(12), u8(2), ln(0, 0, 40, 0, 0, 255)), // 0xFA00 sent as long
  s(u16(0x2000), u16(3), u8(0), ln(1, 0, 1, 8, 0, 255)),
  s(u16(0x2100), u16(8), u8(0), ln(0, 0, 1, 0, 0, 255)),
);

describe('object_list', () => {
  it('decodes the SN list and resolves short names', () => {
    const list = decodeObjectListSN(SN_LIST);
    expect(list[0]).toMatchObject({ baseName: 0xfa00, classId: 12, version: 2, obis: '0.0.40.0.0.255' });
    expect(list[1].logicalName).toEqual(new Uint8Array([1, 0, 1, 8, 0, 255]));
    expect(resolveShortName(list, '1.0.1.8.0.255', 2)).toBe(0x2008);
    expect(resolveShortName(list, '1-0:1.8.0', 3)).toBe(0x2010);
    expect(resolveShortName(list, new Uint8Array([0, 0, 40, 0, 0, 255]), 2)).toBe(0xfa08);
    expect(resolveShortNameMethod(list, '1.0.1.8.0.255', 1)).toBe(0x2028);
    expect(resolveShortNameMethod(list, '0.0.40.0.0.255', 8)).toBe(0xfa58);
    expect(findObject(list, '0.0.1.0.0.255')?.classId).toBe(8);
  });

  it('says OBJECT_UNDEFINED for an object the meter does not list', () => {
    const list = decodeObjectList(SN_LIST, 'SN');
    let err: unknown;
    try {
      resolveShortName(list, '1.0.2.8.0.255', 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('OBJECT_UNDEFINED');
    expect((err as MeterError).message).toContain('1.0.2.8.0.255');
  });

  it('decodes the LN list with access rights', () => {
    const rights = s(
      arr(s({ type: 'int8', value: 1 }, { type: 'enum', value: 1 }, { type: 'null' }), s({ type: 'int8', value: 2 }, { type: 'enum', value: 3 }, arr({ type: 'int8', value: 1 }, { type: 'int8', value: 2 }))),
      arr(s({ type: 'int8', value: 1 }, { type: 'boolean', value: true })),
    );
    const list = decodeObjectListLN(arr(s(u16(7), u8(1), ln(1, 0, 99, 1, 0, 255), rights), s(u16(3), u8(0), ln(1, 0, 1, 8, 0, 255), { type: 'null' })));
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ classId: 7, version: 1, obis: '1.0.99.1.0.255' });
    expect(list[0].accessRights).toEqual({
      attributes: [
        { id: 1, access: 1, selectors: null },
        { id: 2, access: 3, selectors: [1, 2] },
      ],
      methods: [{ id: 1, access: 1 }],
    });
    expect(list[1].accessRights).toBeUndefined();
  });

  it('rejects malformed lists with PROTOCOL errors', () => {
    expect(() => decodeObjectListSN(s())).toThrow(ProtocolError);
    expect(() => decodeObjectListSN(arr(s(u16(1), u16(3), u8(0), ln(1, 2, 3))))).toThrow(/6 bytes/);
    expect(() => decodeObjectListLN(arr(s(u16(3), u8(0))))).toThrow(/expected 3/);
  });

  it('gives entries or a ProtocolError for any DlmsData', () => {
    fc.assert(
      fc.property(dlmsData, fc.constantFrom<'LN' | 'SN'>('LN', 'SN'), (d, kind) => {
        try {
          if (kind === 'LN') decodeObjectList(d, 'LN');
          else decodeObjectList(d, 'SN');
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});
