/** Property test: a telegram cut anywhere by a meter restart never costs the complete one after it. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/errors';
import { endMarkerOnDataLine } from '../../sim/iec/quirks';
import { bytesToText, textToBytes } from '../iec62056-21/chars';
import { decodeTelegram, encodeTelegram, findTelegram } from './telegram';

const setArb = fc.tuple(fc.stringMatching(/^[0-9]-[0-9]:[0-9]{1,2}\.[0-9]\.[0-9]$/), fc.stringMatching(/^[0-9.]{1,12}$/), fc.option(fc.constantFrom('kWh', 'm3', 'V'), { nil: undefined }));

describe('resynchronising on a new telegram header', () => {
  it('cut at any byte, then the complete telegram: the cut one is a FRAMING bad frame, the next one decodes whole', () => {
    fc.assert(
      fc.property(fc.array(setArb, { minLength: 1, maxLength: 8 }), fc.nat(), fc.boolean(), fc.boolean(), (sets, at, crc, endOnDataLine) => {
        const body = sets.map(([a, v, u]) => `${a}(${v}${u ? `*${u}` : ''})\r\n`).join('');
        const encoded = encodeTelegram('XYZ5TEST', body, crc);
        // The simulator's quirk: '!' right after the last ')' (a CRC is recomputed).
        const whole = endOnDataLine ? textToBytes(endMarkerOnDataLine(bytesToText(encoded))) : encoded;
        const cut = 1 + (at % (whole.length - 1));
        const stream = new Uint8Array(cut + whole.length);
        stream.set(whole.subarray(0, cut));
        stream.set(whole, cut);
        const first = findTelegram(stream);
        expect(first).toBeDefined();
        if (!first) return;
        // Wherever the cut fell (a header, a value, the CRC, before the last LF), it is seen as one.
        expect(first.cut).toBe(true);
        expect(first.end).toBe(cut);
        expect(() => decodeTelegram(stream)).toThrow(ProtocolError);
        const t = decodeTelegram(stream.subarray(first.end));
        expect(t.dataSets.map((d) => [d.address, d.values[0].value])).toEqual(sets.map(([a, v]) => [a, v]));
      }),
      { numRuns: 400 },
    );
  });
});
