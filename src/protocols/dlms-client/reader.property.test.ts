/**
 * Property tests of the reader's decoders of untrusted input: the answer check (any value, any class and
 * attribute: a verdict, never an exception), the persisted knowledge (any JSON restores to something
 * usable, and what is saved restores to the same), and the simulator's list faults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeData } from '../dlms/axdr/data';
import { dlmsData } from '../cosem/dlms-data.arbitrary';
import { cosemClass } from '../cosem/classes';
import { obisBytes } from '../../sim/dlms/model';
import { frozenDemoModel } from '../../sim/dlms/whole-meter';
import { applyListFaults, type ItemResult } from '../../sim/dlms/list-faults';
import { implausibility } from './answer-check';
import { check } from './checked-lists';
import { MeterKnowledge } from './knowledge';

const obisArb = fc.uint8Array({ minLength: 6, maxLength: 6 });

describe('answer check', () => {
  it('gives a verdict for any value of any attribute of any class, never throws', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), obisArb, fc.integer({ min: 1, max: 20 }), dlmsData, (classId, obis, attribute, data) => {
        const why = implausibility(classId, obis, attribute, data);
        expect(why === undefined || typeof why === 'string').toBe(true);
        const answer = check({ key: 'k', classId, obis, attribute, listable: true }, { type: 'data', value: data });
        expect(answer.type === 'data' ? why : answer.error.code).toBe(answer.type === 'data' ? undefined : 'TYPE_MISMATCH');
      }),
    );
  });

  it('a register value wrapped a second time (an octet-string holding one encoded number) is never plausible', () => {
    const number = fc.oneof(
      fc.integer({ min: -128, max: 127 }).map((v) => ({ type: 'int8' as const, value: v })),
      fc.integer({ min: 0, max: 0xffff }).map((v) => ({ type: 'uint16' as const, value: v })),
      fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((v) => ({ type: 'int32' as const, value: v })),
      fc.integer({ min: 0, max: 0xffffffff }).map((v) => ({ type: 'uint32' as const, value: v })),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => ({ type: 'uint64' as const, value: v })),
    );
    fc.assert(
      fc.property(fc.constantFrom(3, 4, 5), obisArb, number, (classId, obis, n) => {
        expect(implausibility(classId, obis, 2, { type: 'octet-string', value: encodeData(n) })).toBeDefined();
        expect(implausibility(classId, obis, 2, n)).toBeUndefined();
      }),
    );
  });

  it('a register holding text stays plausible', () => {
    fc.assert(
      fc.property(fc.constantFrom(3, 4, 5), obisArb, fc.string({ minLength: 0, maxLength: 20 }).filter((t) => /^[\x20-\x7e]*$/.test(t)), (classId, obis, text) => {
        expect(implausibility(classId, obis, 2, { type: 'octet-string', value: new TextEncoder().encode(text) })).toBeUndefined();
      }),
    );
  });

  it('every attribute the demo meter gives is plausible', () => {
    const m = frozenDemoModel();
    for (const o of m.objects) {
      const n = cosemClass(o.classId)?.attributes.length ?? 1;
      for (let a = 1; a <= n; a++) {
        const v = m.read(o, a, 0);
        if (v) expect(implausibility(o.classId, obisBytes(o.obis), a, v), `${o.classId}/${o.obis}:${a}`).toBeUndefined();
      }
    }
  });

  it('a value wrapped twice in an octet-string is never plausible where the class fixes the type', () => {
    const m = frozenDemoModel();
    for (const o of m.objects) {
      if (o.classId === 1) continue; // Data: any value is a value
      const n = cosemClass(o.classId)?.attributes.length ?? 0;
      for (let a = 1; a <= n; a++) {
        const v = m.read(o, a, 0);
        if (!v || (o.classId === 3 && a === 2) || (o.classId === 4 && a === 2) || (o.classId === 5 && a < 4) || (o.classId === 4 && a === 4) || (o.classId === 5 && a === 5)) continue;
        if (o.classId === 12 && a === 4) continue; // security_setup_reference is any octet-string
        if (o.classId === 15 && (a === 4 || a === 6 || a === 7)) continue;
        if (o.classId === 64 && (a === 4 || a === 5)) continue;
        const twice = { type: 'octet-string' as const, value: encodeData(v) };
        expect(implausibility(o.classId, obisBytes(o.obis), a, twice), `${o.classId}/${o.obis}:${a}`).toBeDefined();
      }
    }
  });
});

describe('persisted knowledge', () => {
  it('any JSON restores without throwing and keeps only well-formed entries', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const k = new MeterKnowledge();
        k.restore(json);
        for (const v of k.classes.values()) expect(Number.isInteger(v)).toBe(true);
        for (const s of k.scalers.values()) expect(s.scaler).toBeGreaterThanOrEqual(-128);
        expect(['on', 'off']).toContain(k.lists.mode);
      }),
    );
  });

  it('what is saved restores to the same', () => {
    const arb = fc.record({
      classes: fc.dictionary(fc.string(), fc.integer({ min: 0, max: 0xffff })),
      scalers: fc.dictionary(fc.string(), fc.record({ scaler: fc.integer({ min: -128, max: 127 }), unit: fc.integer({ min: 0, max: 255 }) })),
      off: fc.boolean(),
      maxItems: fc.option(fc.integer({ min: 2, max: 100 }), { nil: undefined }),
      errors: fc.array(fc.string()),
      identity: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(arb, (x) => {
        const k = new MeterKnowledge();
        for (const [key, v] of Object.entries(x.classes)) k.classes.set(key, v);
        for (const [key, v] of Object.entries(x.scalers)) k.scalers.set(key, v);
        k.lists = x.off ? { mode: 'off', reason: 'r' } : { mode: 'on', ...(x.maxItems ? { maxItems: x.maxItems } : {}) };
        for (const e of x.errors) k.errorsInLists.add(e);
        if (x.identity !== undefined) k.identity = x.identity;
        const back = new MeterKnowledge();
        back.restore(JSON.parse(JSON.stringify(k.serialise())));
        expect(back.serialise()).toEqual(JSON.parse(JSON.stringify(k.serialise())));
      }),
    );
  });
});

describe('simulator list faults', () => {
  const item: fc.Arbitrary<ItemResult> = fc.oneof(
    dlmsData.map((value): ItemResult => ({ type: 'data', value })),
    fc.integer({ min: 1, max: 250 }).map((result): ItemResult => ({ type: 'error', result })),
  );
  it('keep the answer count (or cut it to the limit), and touch nothing without faults', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 2, maxLength: 12 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), (results, max, shift) => {
        const objects = results.map((_, i) => `1.0.${i}.8.0.255`);
        expect(applyListFaults(undefined, objects, results).results).toBe(results);
        const f = applyListFaults({ maxItems: max, shiftAfterError: shift }, objects, results);
        expect(f.results.length).toBe(Math.min(results.length, Math.max(1, max)));
      }),
    );
  });
});
