import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/errors';
import type { DlmsData } from '../dlms/axdr/types';
import { encodeCosemDateTime, epochMsToCosemDateTime } from './datetime';
import { dlmsData } from './dlms-data.arbitrary';
import { applyScalerUnit } from './scaler';
import { decodeCaptureObjects, decodeProfileBuffer, entryDescriptor, rangeDescriptor } from './profile';

const ln = (...b: number[]): DlmsData => ({ type: 'octet-string', value: new Uint8Array(b) });
const s = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });
const arr = (...items: DlmsData[]): DlmsData => ({ type: 'array', items });
const co = (classId: number, name: number[], attr: number): DlmsData =>
  s({ type: 'uint16', value: classId }, ln(...name), { type: 'int8', value: attr }, { type: 'uint16', value: 0 });
const dt = (ms: number): DlmsData => ({ type: 'octet-string', value: encodeCosemDateTime(epochMsToCosemDateTime(ms, 0)) });

const CAPTURE = arr(co(8, [0, 0, 1, 0, 0, 255], 2), co(1, [0, 0, 96, 10, 1, 255], 2), co(3, [1, 0, 1, 8, 0, 255], 2), co(3, [1, 0, 2, 8, 0, 255], 2));
const T0 = Date.UTC(2024, 0, 1, 0, 15);

describe('capture objects', () => {
  it('decodes class, logical name, attribute and data index', () => {
    const c = decodeCaptureObjects(CAPTURE);
    expect(c).toHaveLength(4);
    expect(c[0]).toMatchObject({ classId: 8, obis: '0.0.1.0.0.255', attributeIndex: 2, dataIndex: 0 });
    expect(c[2]).toMatchObject({ classId: 3, obis: '1.0.1.8.0.255', attributeIndex: 2 });
    expect(() => decodeCaptureObjects(arr(s({ type: 'uint16', value: 3 })))).toThrow(ProtocolError);
  });

  it('gives entries or a ProtocolError for any DlmsData', () => {
    fc.assert(
      fc.property(dlmsData, (d) => {
        try {
          decodeCaptureObjects(d);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('selective access', () => {
  it('builds a range descriptor restricted by the clock', () => {
    const r = rangeDescriptor(Date.UTC(2024, 0, 1), new Date(Date.UTC(2024, 0, 2)));
    expect(r.selector).toBe(1);
    expect(r.parameters).toEqual(
      s(
        s({ type: 'uint16', value: 8 }, ln(0, 0, 1, 0, 0, 255), { type: 'int8', value: 2 }, { type: 'uint16', value: 0 }),
        ln(0x07, 0xe8, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0xff),
        ln(0x07, 0xe8, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0xff),
        arr(),
      ),
    );
  });

  it('writes local time and deviation when asked', () => {
    const r = rangeDescriptor(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1), { deviation: -60 });
    const from = (r.parameters as { items: DlmsData[] }).items[1];
    expect(from).toEqual(ln(0x07, 0xe8, 1, 1, 1, 1, 0, 0, 0, 0xff, 0xc4, 0xff));
    const r2 = rangeDescriptor(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1), { unspecifiedDeviation: true });
    expect((r2.parameters as { items: DlmsData[] }).items[2]).toEqual(ln(0x07, 0xe8, 1, 1, 1, 0, 0, 0, 0, 0x80, 0x00, 0xff));
  });

  it('builds an entry descriptor', () => {
    expect(entryDescriptor(1, 96)).toEqual({
      selector: 2,
      parameters: s({ type: 'uint32', value: 1 }, { type: 'uint32', value: 96 }, { type: 'uint16', value: 1 }, { type: 'uint16', value: 0 }),
    });
    expect(() => entryDescriptor(-1)).toThrow(ProtocolError);
  });
});

describe('profile buffer', () => {
  it('turns rows into timestamps and scaled values, filling compressed timestamps', () => {
    const buffer = arr(
      s(dt(T0), { type: 'uint8', value: 0 }, { type: 'uint32', value: 1234 }, { type: 'uint32', value: 3 }),
      s({ type: 'null' }, { type: 'uint8', value: 8 }, { type: 'uint32', value: 1240 }, { type: 'uint32', value: 3 }),
      s({ type: 'null' }, { type: 'uint8', value: 0 }, { type: 'null' }, { type: 'uint32', value: 4 }),
    );
    const out = decodeProfileBuffer(buffer, {
      captureObjects: decodeCaptureObjects(CAPTURE),
      capturePeriod: 900,
      scalers: [undefined, undefined, { scaler: -1, unit: 30 }, { scaler: -1, unit: 30 }],
    });
    expect(out.timestampColumn).toBe(0);
    expect(out.units).toEqual(['', '', 'Wh', 'Wh']);
    expect(out.rows.map((r) => r.ts)).toEqual([T0, T0 + 900_000, T0 + 1_800_000]);
    expect(out.rows[0].values).toEqual([T0, 0, 123.4, 0.3]);
    expect(out.rows[2].values).toEqual([T0 + 1_800_000, 0, null, 0.4]);
    const filled = decodeProfileBuffer(buffer, { capturePeriod: 900, fillNulls: true });
    expect(filled.timestampColumn).toBe(0);
    expect(filled.rows[2].values[2]).toBe(1240);
  });

  it('prints a date-time column other than the row time (a capture_time) as ISO text with its deviation', () => {
    const capture = decodeCaptureObjects(arr(co(8, [0, 0, 1, 0, 0, 255], 2), co(4, [1, 0, 1, 6, 0, 255], 5), co(4, [1, 0, 1, 6, 0, 255], 2)));
    const cet: DlmsData = { type: 'octet-string', value: encodeCosemDateTime(epochMsToCosemDateTime(T0, -60)) };
    const out = decodeProfileBuffer(arr(s(dt(T0), cet, { type: 'uint32', value: 7 })), { captureObjects: capture });
    expect(out.rows[0]!.ts).toBe(T0);
    expect(out.rows[0]!.values[1]).toBe('2024-01-01T01:15:00+01:00');
    // Bytes that are no date-time stay raw hex, never a made-up time; a column that is not a date-time stays bytes.
    const plain = decodeProfileBuffer(arr(s(dt(T0), ln(...new Array(12).fill(0x41)), cet)), { captureObjects: capture });
    expect(plain.rows[0]!.values[1]).toBe('414141414141414141414141');
    expect(plain.rows[0]!.values[2]).toBe('07E8010101010F0000FFC400');
  });

  it('has no timestamps when there is no clock column', () => {
    const out = decodeProfileBuffer(arr(s({ type: 'uint16', value: 5 })), { captureObjects: [] });
    expect(out.timestampColumn).toBe(-1);
    expect(out.rows[0]).toEqual({ ts: null, values: [5] });
  });

  it('decodes 10,000 rows × 6 columns', () => {
    const rows: DlmsData[] = [];
    for (let i = 0; i < 10_000; i++) {
      rows.push(
        s(i % 4 === 0 ? dt(T0 + i * 900_000) : { type: 'null' }, { type: 'uint8', value: 0 }, { type: 'uint32', value: i }, { type: 'uint32', value: i * 2 }, { type: 'int16', value: -i }, { type: 'uint16', value: 2300 }),
      );
    }
    const su = { scaler: -1, unit: 30 };
    const out = decodeProfileBuffer(arr(...rows), { capturePeriod: 900, scalers: [undefined, undefined, su, su, su, { scaler: -1, unit: 35 }] });
    expect(out.rows).toHaveLength(10_000);
    expect(out.rows[9999].ts).toBe(T0 + 9999 * 900_000);
    expect(out.rows[9999].values).toEqual([T0 + 9999 * 900_000, 0, 999.9, 1999.8, -999.9, 230]);
  });

  it('scales each cell as applyScaler does', () => {
    const cell = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((value): DlmsData => ({ type: 'int32', value })),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value): DlmsData => ({ type: 'uint64', value })),
      fc.double({ noNaN: true }).map((value): DlmsData => ({ type: 'float64', value })),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 20 }), fc.array(fc.integer({ min: -12, max: 6 }), { minLength: 3, maxLength: 3 }), (rows, exps) => {
        const scalers = exps.map((scaler) => ({ scaler, unit: 30 }));
        const out = decodeProfileBuffer(arr(...rows.map((r) => s(...r))), { captureObjects: [], scalers });
        rows.forEach((r, i) => r.forEach((c, j) => expect(out.rows[i].values[j]).toBe(applyScalerUnit(c, scalers[j]).value)));
      }),
    );
  });

  it('gives rows or a ProtocolError for any DlmsData', () => {
    fc.assert(
      fc.property(dlmsData, fc.integer({ min: 0, max: 3600 }), (d, period) => {
        try {
          decodeProfileBuffer(d, { capturePeriod: period, scalers: [{ scaler: -2, unit: 30 }, { scaler: 1, unit: 27 }] });
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});
