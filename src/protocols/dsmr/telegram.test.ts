import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../core/errors';
import { textToBytes } from '../iec62056-21/chars';
import { mapSignals } from '../iec62056-21/mapping';
import { crc16Arc } from './crc16';
import { decodeTelegram, encodeTelegram } from './telegram';

const DIR = new URL('../../../../shared/fixtures/dsmr-p1/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.startsWith('TELEGRAM_')).sort();
const load = (f: string) => new Uint8Array(readFileSync(new URL(f, DIR)));

/** What each source telegram says: CRC text, data-set count, and a few values. */
const EXPECT: Record<string, { crc?: string; sets: number; values: Record<string, [string, string | undefined]> }> = {
  'TELEGRAM_ESY5Q3DA1004_V304.txt': { sets: 8, values: { '1-0:1.8.0*255': ['00032549.5061662', 'kWh'], '1-0:21.7.0*255': ['000557.29', 'W'] } },
  'TELEGRAM_ESY5Q3DB1024_V304.txt': { sets: 9, values: { '1-0:2.8.0*255': ['00019949.3221493', 'kWh'] } },
  'TELEGRAM_FLUVIUS_V171.txt': { crc: '3AD7', sets: 36, values: { '1-0:1.8.2': ['000015.758', 'kWh'], '1-0:32.7.0': ['234.7', 'V'] } },
  'TELEGRAM_FLUVIUS_V171_ALT.txt': { crc: 'C4B0', sets: 36, values: { '1-0:1.8.1': ['000301.548', 'kWh'] } },
  'TELEGRAM_ISKRA_IE.txt': { crc: 'AD3B', sets: 25, values: { '1-0:2.8.2': ['000010.282', 'kWh'] } },
  'TELEGRAM_SAGEMCOM_T210_D_R.txt': { crc: '7EF9', sets: 18, values: { '1-0:1.8.0': ['006545766', 'Wh'], '1-0:4.7.0': ['000000166', 'var'] } },
  'TELEGRAM_UNPADDED_CRC.txt': { crc: 'B9F', sets: 8, values: { '0-1:24.2.1': ['240.860', 'GJ'] } },
  'TELEGRAM_V2_2.txt': { sets: 16, values: { '1-0:1.7.0': ['0001.01', 'kW'] } },
  'TELEGRAM_V3.txt': { sets: 16, values: { '0-0:17.0.0': ['016', 'A'] } },
  'TELEGRAM_V4_2.txt': { crc: '6796', sets: 33, values: { '1-0:1.8.1': ['001581.123', 'kWh'], '0-1:24.2.1': ['00981.443', 'm3'] } },
  'TELEGRAM_V5.txt': { crc: '6EEE', sets: 37, values: { '1-0:1.8.1': ['000004.426', 'kWh'], '1-0:31.7.0': ['0.48', 'A'] } },
  'TELEGRAM_V5_EON_HU.txt': { crc: '99DA', sets: 45, values: { '1-0:14.7.0': ['50.00', 'Hz'], '1-0:73.7.0': ['4.552', undefined] } },
  'TELEGRAM_V5_TWO_MBUS.txt': { crc: '56DD', sets: 38, values: { '0-2:24.2.1': ['00246.138', 'm3'] } },
};

describe('DSMR fixture telegrams', () => {
  it('has 13 telegrams', () => expect(files).toHaveLength(13));

  for (const f of files) {
    it(`${f} decodes as its source says`, () => {
      const exp = EXPECT[f];
      expect(exp).toBeDefined();
      const t = decodeTelegram(load(f));
      expect(t.crc?.text).toBe(exp.crc);
      if (t.crc) expect(t.crc.given).toBe(t.crc.computed);
      expect(t.dataSets).toHaveLength(exp.sets);
      expect(t.header.startsWith('/')).toBe(true);
      for (const [addr, [value, unit]] of Object.entries(exp.values)) {
        const ds = t.dataSets.find((d) => d.address === addr);
        expect(ds, addr).toBeDefined();
        const v = ds!.values.find((x) => x.unit !== undefined) ?? ds!.values[0];
        expect(v.value).toBe(value);
        expect(v.unit).toBe(unit);
      }
    });

    if (EXPECT[f]?.crc) {
      it(`${f} with one damaged byte is rejected with CHECKSUM`, () => {
        const b = load(f);
        const i = b.indexOf(0x28) + 2; // inside the first value
        b[i] ^= 0x01;
        expect(() => decodeTelegram(b)).toThrow(ProtocolError);
        try {
          decodeTelegram(b);
        } catch (e) {
          expect((e as ProtocolError).code).toBe('CHECKSUM');
        }
      });
    }
  }

  it('identification of DSMR headers', () => {
    expect(decodeTelegram(load('TELEGRAM_V5.txt')).identification).toMatchObject({ manufacturer: 'ISk', fastReaction: true, modeE: true, ident: 'MT382-1000' });
    expect(decodeTelegram(load('TELEGRAM_FLUVIUS_V171.txt')).identification).toMatchObject({ manufacturer: 'FLU', enhanced: ['2'], ident: '53769484_A' });
    expect(decodeTelegram(load('TELEGRAM_ISKRA_IE.txt')).identification).toMatchObject({ manufacturer: 'ISk', ident: 'MIE5T-200' });
  });

  it('signal mapping on a telegram (multi-value gas reading picks the m3 value)', () => {
    const t = decodeTelegram(load('TELEGRAM_V4_2.txt'));
    const r = mapSignals(t, [
      { device_alias: 'p1', signal_alias: 'gas', tag_job_todo: '0-1:24.2.1', number_type: 'DOUBLE' },
      { device_alias: 'p1', signal_alias: 'import', tag_job_todo: '1-0:1.8.1', number_type: 'FLOAT' },
    ], 0);
    expect(r[0]).toMatchObject({ value: 981.443, unit: 'm3', quality: 'good' });
    expect(r[1]).toMatchObject({ unit: 'kWh', quality: 'good' });
    expect(r[1].value).toBeCloseTo(1581.123, 3);
  });

  it('CRC-16/ARC check value', () => {
    expect(crc16Arc(textToBytes('123456789'))).toBe(0xbb3d);
  });

  it('encode -> decode round trip with CRC', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[0-9]-[0-9]:[0-9]{1,2}\.[0-9]\.[0-9]$/), fc.stringMatching(/^[0-9.]{0,12}$/)), { maxLength: 10 }), (sets) => {
        const body = sets.map(([a, v]) => `${a}(${v}*kWh)\r\n`).join('');
        const t = decodeTelegram(encodeTelegram('XYZ5TEST', body));
        expect(t.dataSets.map((d) => [d.address, d.values[0].value])).toEqual(sets);
        expect(t.crc?.given).toBe(t.crc?.computed);
      }),
    );
  });

  it('random and mutated input: a value or ProtocolError', () => {
    const base = load('TELEGRAM_V5.txt');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 5 }), (random, muts) => {
        const m = base.slice();
        for (const [p, v] of muts) m[p % m.length] = v;
        for (const b of [random, m, textToBytes('/X' + String.fromCharCode(...random) + '\r\n!\r\n')]) {
          try {
            decodeTelegram(b);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});
