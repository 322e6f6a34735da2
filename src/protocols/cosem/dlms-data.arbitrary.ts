/**
 * fast-check generator of arbitrary DlmsData shapes, for property tests of the COSEM helpers
 * (imported by *.test.ts only).
 */
import fc from 'fast-check';
import type { CosemDateTime, DlmsData } from '../dlms/axdr/types';

const dateTimeFields: fc.Arbitrary<CosemDateTime> = fc.record(
  {
    year: fc.integer({ min: 0, max: 0xfffe }),
    month: fc.integer({ min: 0, max: 0xfe }),
    day: fc.integer({ min: 0, max: 0xfe }),
    dayOfWeek: fc.integer({ min: 1, max: 7 }),
    hour: fc.integer({ min: 0, max: 0xfe }),
    minute: fc.integer({ min: 0, max: 0xfe }),
    second: fc.integer({ min: 0, max: 0xfe }),
    hundredths: fc.integer({ min: 0, max: 0xfe }),
    deviation: fc.integer({ min: -0x7fff, max: 0x7fff }),
    clockStatus: fc.integer({ min: 0, max: 0xfe }),
  },
  { requiredKeys: [] },
);

const leaf: fc.Arbitrary<DlmsData> = fc.oneof(
  fc.constant<DlmsData>({ type: 'null' }),
  fc.constant<DlmsData>({ type: 'dont-care' }),
  fc.boolean().map((value): DlmsData => ({ type: 'boolean', value })),
  fc.integer({ min: -128, max: 127 }).map((value): DlmsData => ({ type: 'int8', value })),
  fc.integer({ min: -32768, max: 32767 }).map((value): DlmsData => ({ type: 'int16', value })),
  fc.integer().map((value): DlmsData => ({ type: 'int32', value })),
  fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'uint8', value })),
  fc.integer({ min: 0, max: 0xffff }).map((value): DlmsData => ({ type: 'uint16', value })),
  fc.integer({ min: 0, max: 0xffffffff }).map((value): DlmsData => ({ type: 'uint32', value })),
  fc.integer({ min: 0, max: 255 }).map((value): DlmsData => ({ type: 'enum', value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value): DlmsData => ({ type: 'int64', value })),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value): DlmsData => ({ type: 'uint64', value })),
  fc.float().map((value): DlmsData => ({ type: 'float32', value })),
  fc.double().map((value): DlmsData => ({ type: 'float64', value })),
  fc.uint8Array({ maxLength: 16 }).map((value): DlmsData => ({ type: 'octet-string', value })),
  fc.string({ maxLength: 12 }).map((value): DlmsData => ({ type: 'visible-string', value })),
  fc.string({ maxLength: 12 }).map((value): DlmsData => ({ type: 'utf8-string', value })),
  fc.integer({ min: 0, max: 99 }).map((value): DlmsData => ({ type: 'bcd', value })),
  fc
    .uint8Array({ maxLength: 4 })
    .chain((bytes) => fc.integer({ min: 0, max: bytes.length * 8 }).map((bitLength): DlmsData => ({ type: 'bit-string', bitLength, bytes }))),
  dateTimeFields.map((value): DlmsData => ({ type: 'date-time', value, raw: new Uint8Array(12) })),
  dateTimeFields.map((value): DlmsData => ({ type: 'date', value, raw: new Uint8Array(5) })),
  dateTimeFields.map((value): DlmsData => ({ type: 'time', value, raw: new Uint8Array(4) })),
  // Logical names and date-time octet strings are the interesting octet lengths here.
  fc.uint8Array({ minLength: 6, maxLength: 6 }).map((value): DlmsData => ({ type: 'octet-string', value })),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((value): DlmsData => ({ type: 'octet-string', value })),
);

export const dlmsData: fc.Arbitrary<DlmsData> = fc.letrec<{ data: DlmsData }>((tie) => ({
  data: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('data'), { maxLength: 5 }).map((items): DlmsData => ({ type: 'array', items })),
    fc.array(tie('data'), { maxLength: 5 }).map((items): DlmsData => ({ type: 'structure', items })),
  ),
})).data;
