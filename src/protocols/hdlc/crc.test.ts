import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16x25, getCrc, putCrc } from './crc';
import { fromHex } from './test-helpers';

function bitwise(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return ~crc & 0xffff;
}

describe('CRC-16/X.25', () => {
  it('has the catalogue check value for "123456789"', () => {
    expect(crc16x25(new TextEncoder().encode('123456789'))).toBe(0x906e);
  });

  it('matches the FCS of a Green Book SNRM frame (little-endian on the wire)', () => {
    const frame = fromHex('7EA00802232193BD647E');
    expect(crc16x25(frame, 1, 7)).toBe(0x64bd);
    expect(getCrc(frame, 7)).toBe(0x64bd);
  });

  it('table-driven equals bitwise on random data, and ranges work', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, cut) => {
        expect(crc16x25(data)).toBe(bitwise(data));
        const start = data.length ? cut % data.length : 0;
        expect(crc16x25(data, start)).toBe(bitwise(data.subarray(start)));
      }),
    );
  });

  it('putCrc/getCrc round trip', () => {
    const b = new Uint8Array(4);
    putCrc(b, 1, 0xa1b2);
    expect(Array.from(b)).toEqual([0, 0xb2, 0xa1, 0]);
    expect(getCrc(b, 1)).toBe(0xa1b2);
  });
});
