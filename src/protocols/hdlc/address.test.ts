import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/errors';
import {
  type HdlcAddressSize,
  clientAddress,
  decodeAddress,
  encodeAddress,
  serverAddress,
  serverAddressFromSerial,
  splitServerAddress,
} from './address';
import { toHex } from './test-helpers';

describe('HDLC addresses', () => {
  it('encodes the pwitab/Green Book address examples', () => {
    expect(toHex(encodeAddress(clientAddress(1)))).toBe('03');
    expect(toHex(encodeAddress(clientAddress(16)))).toBe('21');
    expect(toHex(encodeAddress({ value: 0b1001010, size: 1 }))).toBe('95');
    expect(toHex(encodeAddress(clientAddress(0b0100101)))).toBe('4B');
    expect(toHex(encodeAddress(serverAddress({ logical: 1, physical: 17, size: 2 })))).toBe('0223');
  });

  it('decodes 1, 2 and 4-byte addresses', () => {
    expect(decodeAddress(Uint8Array.of(0x02, 0x23), 0)).toEqual({ address: { value: (1 << 7) | 17, size: 2 }, next: 2 });
    expect(decodeAddress(Uint8Array.of(0x21), 0)).toEqual({ address: { value: 16, size: 1 }, next: 1 });
    const four = decodeAddress(Uint8Array.of(0x00, 0x02, 0x24, 0xeb), 0);
    expect(four.address.size).toBe(4);
    expect(splitServerAddress(four.address)).toEqual({ logical: 1, physical: 2421, size: 4 });
  });

  it('refuses 3-byte, over-long and unterminated addresses with ProtocolError', () => {
    expect(() => decodeAddress(Uint8Array.of(0x00, 0x02, 0x25), 0)).toThrow(ProtocolError);
    expect(() => decodeAddress(Uint8Array.of(0, 0, 0, 0, 1), 0)).toThrow(ProtocolError);
    expect(() => decodeAddress(Uint8Array.of(0, 0), 0)).toThrow(ProtocolError);
    expect(() => encodeAddress({ value: 0x80, size: 1 })).toThrow(ProtocolError);
  });

  it('picks the 2-byte form below 0x80/0x80 and the 4-byte form above (DESIGN §5)', () => {
    expect(serverAddress({ logical: 1, physical: 17, size: 2 })).toEqual({ value: 0x91, size: 2 });
    expect(serverAddress({ logical: 0, physical: 16, size: 1 })).toEqual({ value: 16, size: 1 });
    // A 1-byte request that cannot hold logical 1 grows to 2 bytes rather than losing the logical part.
    expect(serverAddress({ logical: 1, physical: 16, size: 1 })).toEqual({ value: 0x90, size: 2 });
    expect(serverAddress({ logical: 1, physical: 17, size: 4 })).toEqual({ value: (1 << 14) | 17, size: 4 });
    expect(serverAddress({ logical: 1, physical: 200, size: 2 })).toEqual({ value: (1 << 14) | 200, size: 4 });
    expect(toHex(encodeAddress(serverAddress({ logical: 1, physical: 17, size: 4 })))).toBe('00020023');
  });

  it('derives the server address from a serial number (Elgama GAMA300 02141421)', () => {
    const a = serverAddressFromSerial('02141421');
    expect(splitServerAddress(a)).toEqual({ logical: 1, physical: 2421, size: 4 });
    expect(toHex(encodeAddress(a))).toBe('000224EB');
    expect(splitServerAddress(serverAddressFromSerial(12345678, { formula: (sn) => (sn % 1000) + 16 })).physical).toBe(694);
    expect(splitServerAddress(serverAddressFromSerial(99, { formula: (sn) => sn + 1, logical: 2 }))).toEqual({ logical: 2, physical: 100, size: 4 });
  });

  it('round trips every value of every size', () => {
    fc.assert(
      fc.property(fc.constantFrom<HdlcAddressSize>(1, 2, 4), fc.nat(), (size, n) => {
        const value = n % ({ 1: 0x80, 2: 0x4000, 4: 0x10000000 } as const)[size];
        const bytes = encodeAddress({ value, size });
        expect(bytes.length).toBe(size);
        expect(decodeAddress(bytes, 0)).toEqual({ address: { value, size }, next: size });
      }),
    );
  });
});
