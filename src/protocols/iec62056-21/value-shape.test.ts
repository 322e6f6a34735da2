/**
 * Property test: random readouts with random data-set shapes (one or several values, units or none,
 * time stamps with and without season letters, continuation lines, profiles) never yield a value from
 * the wrong field. The generator knows what each field is; the mapping has to find out from the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDataBlock } from './datasets';
import { localToUtc } from './local-time';
import { mapSignals } from './mapping';
import { parseIecTimestamp } from './load-profile';

type Field = { kind: 'num'; text: string; unit?: string } | { kind: 'time'; text: string } | { kind: 'text'; text: string } | { kind: 'empty'; text: '' };

const unitArb = fc.constantFrom('kWh', 'kW', 'm3', 'V', 'A', 'MWh', 'h', 'GJ');
const pad = (n: number, w: number) => String(n).padStart(w, '0');

// Numbers are never mistaken for time stamps: they always carry a decimal point.
const numArb = (seq: number): fc.Arbitrary<Field> =>
  fc.record({ int: fc.integer({ min: 0, max: 99999 }), frac: fc.integer({ min: 1, max: 3 }), unit: fc.option(unitArb, { nil: undefined }) }).map(({ int, frac, unit }) => {
    const text = `${pad(int, 5)}.${pad(seq, frac).slice(-frac)}`;
    return unit === undefined ? { kind: 'num', text } : { kind: 'num', text, unit };
  });
const timeArb: fc.Arbitrary<Field> = fc
  .record({ y: fc.integer({ min: 0, max: 69 }), mo: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }), form: fc.constantFrom('10', '12', '12S', '12W') })
  .map(({ y, mo, d, h, mi, s, form }) => {
    const base = `${pad(y, 2)}${pad(mo, 2)}${pad(d, 2)}${pad(h, 2)}${pad(mi, 2)}`;
    return { kind: 'time', text: form === '10' ? base : `${base}${pad(s, 2)}${form.slice(2)}` };
  });
const textArb: fc.Arbitrary<Field> = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,11}$/).map((text) => ({ kind: 'text', text }));
const emptyArb: fc.Arbitrary<Field> = fc.constant({ kind: 'empty', text: '' });

const fieldArb = (seq: number) => fc.oneof({ weight: 4, arbitrary: numArb(seq) }, { weight: 2, arbitrary: timeArb }, { weight: 1, arbitrary: textArb }, { weight: 1, arbitrary: emptyArb });

interface GenSet {
  address: string;
  fields: Field[];
  /** Fields from this index on are printed on a continuation line. */
  breakAt?: number;
}

const setArb = (i: number): fc.Arbitrary<GenSet> =>
  fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.record({
      address: fc.constant(`1-0:${i + 1}.8.${i % 7}*255`),
      fields: fc.tuple(...Array.from({ length: n }, (_, k) => fieldArb(i * 10 + k + 1))),
      breakAt: fc.option(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { nil: undefined }),
    }),
  );

function printField(f: Field): string {
  return f.kind === 'num' && f.unit ? `(${f.text}*${f.unit})` : `(${f.text})`;
}

function printSet(s: GenSet): string {
  const parts = s.fields.map(printField);
  if (s.breakAt !== undefined && s.breakAt < parts.length && s.fields.length > 1) return `${s.address}${parts.slice(0, s.breakAt).join('')}\r\n${parts.slice(s.breakAt).join('')}\r\n`;
  return `${s.address}${parts.join('')}\r\n`;
}

/** What the signal must read, from the generator's knowledge: the field, or undefined for "no such field". */
function expectedField(s: GenSet, index: number | undefined): Field | undefined {
  if (index !== undefined) return s.fields[index - 1];
  const lone = s.fields.length === 1;
  const isTime = (f: Field) => f.kind === 'time' && (!lone || /[SW]$/.test(f.text));
  return s.fields.find((f) => !isTime(f)) ?? s.fields[0];
}

describe('data-set shapes: no value from the wrong field', () => {
  it('random readouts with several values, units, time stamps and continuation lines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => setArb(i)))),
        fc.array(fc.record({ set: fc.nat(), index: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), type: fc.constantFrom('DOUBLE', 'STRING') }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('UTC', 'Europe/Vilnius', 'America/New_York'),
        (sets, asks, zone) => {
          const text = sets.map(printSet).join('') + '!\r\n';
          const parsed = parseDataBlock(text);
          expect(parsed.complete).toBe(true);
          const signals = asks.map((a, k) => ({ device_alias: 'd', signal_alias: `s${k}`, tag_job_todo: sets[a.set % sets.length].address, number_type: a.type, ...(a.index !== undefined ? { value_index: a.index } : {}) }));
          const readings = mapSignals(parsed, signals, 1, { timeZone: zone });
          asks.forEach((a, k) => {
            const s = sets[a.set % sets.length];
            const r = readings[k];
            const f = expectedField(s, a.index);
            if (!f) {
              expect(r, 'index beyond the fields').toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' });
              return;
            }
            const lone = s.fields.length === 1;
            const readAsTime = f.kind === 'time' && (!lone || /[SW]$/.test(f.text));
            if (readAsTime) {
              if (a.type !== 'STRING') {
                expect(r).toMatchObject({ quality: 'bad', error: 'TYPE_MISMATCH' });
                return;
              }
              const t = parseIecTimestamp(f.text);
              expect(r).toMatchObject({ quality: 'good', value: new Date(localToUtc(t.localMs, zone, t.season)).toISOString(), raw: f.text });
              return;
            }
            if (a.type === 'STRING') {
              expect(r).toMatchObject({ quality: 'good', value: f.text });
            } else if (f.kind === 'num') {
              expect(r).toMatchObject({ quality: 'good', value: Number(f.text) });
              expect(r.unit).toBe(f.unit);
            } else if (f.kind === 'time') {
              // A lone 10/12-digit field without a season letter is a number, not a time.
              expect(r).toMatchObject({ quality: 'good', value: Number(f.text) });
            } else {
              expect(r.quality).toBe('bad');
            }
            // Its time: the one time stamp among the other fields, when there is exactly one.
            const others = s.fields.filter((g) => g !== f && g.kind === 'time');
            if (r.quality === 'good' && a.type !== 'STRING' && others.length === 1 && !lone) {
              const t = parseIecTimestamp(others[0].text);
              expect(r.ts).toBe(localToUtc(t.localMs, zone, t.season));
            } else if (r.quality === 'good' && others.length === 0) expect(r.ts).toBe(1);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random profiles: the last entry of the asked channel, with its time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(15, 30, 60),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        fc.boolean(),
        (channels, rows, period, index, oneLine) => {
          const head = `P.01(2603150000)(00)(${period})(${channels})` + Array.from({ length: channels }, (_, c) => `(1.5.${c})(kW)`).join('');
          const values = (r: number) => Array.from({ length: channels }, (_, c) => `(${pad(r, 3)}.${c}${r})`).join('');
          const body = Array.from({ length: rows }, (_, r) => values(r));
          const text = (oneLine ? `${head}${body.join('')}\r\n` : `${head}\r\n${body.join('\r\n')}\r\n`) + '!\r\n';
          const [r] = mapSignals(parseDataBlock(text), [{ device_alias: 'd', signal_alias: 'p', tag_job_todo: 'P.01', number_type: 'DOUBLE', ...(index !== undefined ? { value_index: index } : {}) }], 1, { timeZone: 'UTC' });
          const ch = index ?? 1;
          if (ch > channels) {
            expect(r).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' });
            return;
          }
          expect(r).toMatchObject({ quality: 'good', value: Number(`${pad(rows - 1, 3)}.${ch - 1}${rows - 1}`), unit: 'kW', ts: Date.UTC(2026, 2, 15) + (rows - 1) * period * 60_000 });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a profile whose values do not fill whole entries is an error, not a reading', () => {
    const text = 'P.01(2603150000)(00)(15)(2)(1.5.0)(kW)(2.5.0)(kW)\r\n(1.0)(2.0)\r\n(3.0)\r\n!\r\n';
    const [r] = mapSignals(parseDataBlock(text), [{ device_alias: 'd', signal_alias: 'p', tag_job_todo: 'P.01', number_type: 'DOUBLE' }], 1, { timeZone: 'UTC' });
    expect(r).toMatchObject({ quality: 'bad', error: 'FRAMING' });
  });
});
