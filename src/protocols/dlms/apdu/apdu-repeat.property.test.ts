import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../../core/errors';
import type { DlmsData } from '../axdr/types';
import { fromHex } from '../hex';
import { decodeApdu, encodeApdu } from './apdu';
import type { Apdu } from './types';

// The one tolerance decodeApdu has for trailing bytes: an exact copy of the APDU itself, alone or after
// one 00 byte (a server in ../shared/fixtures/dlms-peer sends its last GET block twice in one frame so). Anything else after an
// APDU stays a LENGTH error, so no unexplained byte ever rides along with a good value.

const data: fc.Arbitrary<DlmsData> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }).map<DlmsData>((value) => ({ type: 'uint32', value })),
  fc.uint8Array({ maxLength: 24 }).map<DlmsData>((value) => ({ type: 'octet-string', value })),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 4 }).map<DlmsData>((v) => ({
    type: 'structure',
    items: v.map((value) => ({ type: 'uint16', value })),
  })),
);

const apdu: fc.Arbitrary<Apdu> = fc.oneof(
  fc.record({ invoke: fc.integer({ min: 0, max: 255 }), value: data }).map<Apdu>(({ invoke, value }) => ({
    type: 'get-response-normal',
    invokeIdAndPriority: invoke,
    result: { type: 'data', value },
  })),
  fc
    .record({ invoke: fc.integer({ min: 0, max: 255 }), last: fc.boolean(), block: fc.integer({ min: 1, max: 0xffffffff }), raw: fc.uint8Array({ maxLength: 40 }) })
    .map<Apdu>(({ invoke, last, block, raw }) => ({
      type: 'get-response-with-datablock',
      invokeIdAndPriority: invoke,
      lastBlock: last,
      blockNumber: block,
      result: { type: 'raw', bytes: raw },
    })),
);

function twice(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length * 2);
  out.set(b);
  out.set(b, b.length);
  return out;
}

describe('decodeApdu and an APDU sent twice', () => {
  it('reads an exact repeat as the APDU once', () => {
    fc.assert(
      fc.property(apdu, (a) => {
        const once = encodeApdu(a);
        expect(decodeApdu(twice(once))).toEqual(decodeApdu(once));
        const withLlcTail = new Uint8Array(once.length * 2 + 1);
        withLlcTail.set(once);
        withLlcTail.set(once, once.length + 1);
        expect(decodeApdu(withLlcTail)).toEqual(decodeApdu(once));
      }),
    );
  });

  it('refuses any other trailing bytes with a LENGTH ProtocolError', () => {
    fc.assert(
      fc.property(apdu, fc.uint8Array({ minLength: 1, maxLength: 60 }), (a, tail) => {
        const once = encodeApdu(a);
        const isCopy = (t: Uint8Array) => t.length === once.length && t.every((v, i) => v === once[i]);
        if (isCopy(tail) || (tail[0] === 0 && isCopy(tail.subarray(1)))) return;
        const bytes = new Uint8Array(once.length + tail.length);
        bytes.set(once);
        bytes.set(tail, once.length);
        let error: unknown;
        try {
          decodeApdu(bytes);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code).toBe('LENGTH');
      }),
    );
  });

  it('reads the recorded duplicated last block (Gurux server, profile 1.0.99.98.0.255)', () => {
    const frameApdu = fromHex('C402C10100000002000000C402C101000000020000');
    expect(decodeApdu(frameApdu)).toEqual({
      type: 'get-response-with-datablock',
      invokeIdAndPriority: 0xc1,
      lastBlock: true,
      blockNumber: 2,
      result: { type: 'raw', bytes: new Uint8Array(0) },
    });
  });

  it('still refuses the recorded clock answer with 18 bytes after its value', () => {
    const clock = fromHex('C401C100090C07EA0B1701133A1600000000090F090C07EA0B1701133A1600000000090F');
    expect(() => decodeApdu(clock)).toThrow(ProtocolError);
  });
});
