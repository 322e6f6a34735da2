import { describe, expect, it } from 'vitest';
import type { DlmsData } from '../dlms/axdr/types';
import { decodeObjectListSN } from './object-list';
import { classIdFor, parseDlmsSignal, parseShortName, scalerAttributeForTarget, shortNameFor } from './signal';

const s = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });
const LIST = decodeObjectListSN({
  type: 'array',
  items: [s({ type: 'uint16', value: 0x2000 }, { type: 'uint16', value: 3 }, { type: 'uint8', value: 0 }, { type: 'octet-string', value: new Uint8Array([1, 0, 1, 8, 0, 255]) })],
});

describe('DLMS signal addressing', () => {
  it('parses obis_job with a default attribute of 2', () => {
    expect(parseDlmsSignal({ obis_job: '1.0.1.8.0.255' })).toEqual({ obis: new Uint8Array([1, 0, 1, 8, 0, 255]), obisText: '1.0.1.8.0.255', attribute: 2 });
    expect(parseDlmsSignal({ obis_job: '1.0.1.8.0.255:3' }).attribute).toBe(3);
    expect(parseDlmsSignal({ obis_job: '1.0.1.8.0.255', short_name: '0x2000' }).shortName).toBe(0x2000);
    expect(parseDlmsSignal({ obis_job: '1.0.1.8.0.255', short_name: 0 }).shortName).toBeUndefined();
  });

  it('reports configuration errors as CONFIG_INVALID', () => {
    expect(() => parseDlmsSignal({ obis_job: '1.8.0' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => parseShortName('0x10000')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => parseShortName('abc')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(parseShortName('8200')).toBe(8200);
    expect(parseShortName(0xfa00)).toBe(0xfa00);
  });

  it('finds the short name from short_name or the object list', () => {
    expect(shortNameFor(parseDlmsSignal({ obis_job: '1.0.1.8.0.255' }), LIST)).toBe(0x2008);
    expect(shortNameFor(parseDlmsSignal({ obis_job: '1.0.1.8.0.255:3' }), LIST)).toBe(0x2010);
    expect(shortNameFor(parseDlmsSignal({ obis_job: '1.0.2.8.0.255', short_name: '0x3000' }))).toBe(0x3008);
    expect(() => shortNameFor(parseDlmsSignal({ obis_job: '1.0.2.8.0.255' }), LIST)).toThrow(expect.objectContaining({ code: 'OBJECT_UNDEFINED' }));
    expect(() => shortNameFor(parseDlmsSignal({ obis_job: '1.0.2.8.0.255' }))).toThrow(expect.objectContaining({ code: 'OBJECT_UNDEFINED' }));
  });

  it('knows or guesses the class and the scaler attribute', () => {
    const ln = (...b: number[]) => new Uint8Array(b);
    expect(classIdFor(ln(1, 0, 1, 8, 0, 255), LIST)).toBe(3);
    expect(classIdFor(ln(0, 0, 1, 0, 0, 255))).toBe(8);
    expect(classIdFor(ln(1, 0, 99, 1, 0, 255))).toBe(7);
    expect(classIdFor(ln(1, 0, 1, 6, 0, 255))).toBe(4);
    expect(classIdFor(ln(1, 0, 1, 4, 0, 255))).toBe(5);
    expect(classIdFor(ln(1, 0, 32, 7, 0, 255))).toBe(3);
    expect(classIdFor(ln(0, 0, 96, 1, 0, 255))).toBe(1);
    expect(classIdFor(ln(0, 0, 40, 0, 0, 255))).toBe(15);
    // Objects whose OBIS code names the class: no object list needed on first contact.
    expect(classIdFor(ln(0, 0, 44, 0, 0, 255))).toBe(18);
    expect(classIdFor(ln(0, 0, 10, 0, 100, 255))).toBe(9);
    expect(classIdFor(ln(0, 0, 25, 9, 0, 255))).toBe(40);
    expect(scalerAttributeForTarget(3, parseDlmsSignal({ obis_job: '1.0.1.8.0.255' }))).toBe(3);
    expect(scalerAttributeForTarget(5, parseDlmsSignal({ obis_job: '1.0.1.4.0.255:3' }))).toBe(4);
    expect(scalerAttributeForTarget(1, parseDlmsSignal({ obis_job: '0.0.96.1.0.255' }))).toBeUndefined();
  });
});
