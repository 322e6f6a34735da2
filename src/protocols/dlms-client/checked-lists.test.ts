/**
 * The fallback rules of checked lists, one failure kind at a time, against scripted list answers: what is
 * read again singly, what is learnt, what is thrown.
 */
import { describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { CheckedLists, type Answer, type ListOps, type Outcome, type Slot } from './checked-lists';
import { MeterKnowledge } from './knowledge';
import { ListCutShort } from './services';

const u32 = (value: number): Outcome => ({ type: 'data', value: { type: 'uint32', value } });

function slots(n: number): Slot[] {
  return Array.from({ length: n }, (_, i) => ({ key: `1.0.${i}.8.0.255:2`, classId: 3, obis: Uint8Array.from([1, 0, i, 8, 0, 255]), attribute: 2, listable: true }));
}

/** Ops whose list answers come from `list` and whose singles answer the item's index. */
function ops(list: (asked: Slot[]) => Outcome[]): ListOps & { lists: number; singles: number } {
  const o = {
    lists: 0,
    singles: 0,
    list: async (asked: Slot[]) => {
      o.lists++;
      return list(asked);
    },
    single: async (s: Slot) => {
      o.singles++;
      return u32(s.obis[2]);
    },
  };
  return o;
}

async function readAll(known: MeterKnowledge, o: ListOps, n = 6): Promise<Answer[]> {
  const out: Answer[] = [];
  await new CheckedLists(known, { multiple: true, pduItems: 100, maxListItems: 32 }, o).readAll(slots(n), (i, a) => (out[i] = a));
  return out;
}

const values = (answers: Answer[]) => answers.map((a) => (a.type === 'data' ? (a.value as { value: number }).value : a.error.code));

describe('checked lists', () => {
  it('an exception-response: the items are read singly and lists go off', async () => {
    const known = new MeterKnowledge();
    const o = ops(() => {
      throw new MeterError('REJECTED', 'The meter answered exception-response service-not-allowed / other-reason.');
    });
    expect(values(await readAll(known, o))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(known.lists.mode).toBe('off');
    expect(o.singles).toBe(6);
  });

  it('silence: read singly, lists off', async () => {
    const known = new MeterKnowledge();
    const o = ops(() => {
      throw new MeterError('TIMEOUT');
    });
    expect(values(await readAll(known, o))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(known.lists.mode).toBe('off');
  });

  it('a dropped link is thrown, lists off, nothing settled from that list', async () => {
    const known = new MeterKnowledge();
    const o = ops(() => {
      throw new MeterError('PORT_LOST');
    });
    await expect(readAll(known, o)).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(known.lists.mode).toBe('off');
  });

  it('a cut answer shrinks the list size to what the meter answered, kept across sessions through the persisted form', async () => {
    const known = new MeterKnowledge();
    const o = ops((asked) => {
      if (asked.length > 2) throw new ListCutShort(asked.length, 2);
      return asked.map((s) => u32(s.obis[2]));
    });
    expect(values(await readAll(known, o, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(known.lists.mode).toBe('on');
    expect(known.lists.maxItems).toBe(2);
    const back = new MeterKnowledge();
    back.restore(JSON.parse(JSON.stringify(known.serialise())));
    const again = ops((asked) => asked.map((s) => u32(s.obis[2])));
    await readAll(back, again, 12);
    expect(again.lists).toBe(6);
    expect(again.singles).toBe(0);
  });

  it('an error item followed by items: those from the error on are read singly; the erring one stays out of lists', async () => {
    const known = new MeterKnowledge();
    const o = ops((asked) => asked.map((s, k) => (k === 2 ? { type: 'error', result: 3 } : u32(k > 2 ? 99 : s.obis[2]))));
    const answers = await readAll(known, o);
    expect(values(answers)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(o.singles).toBe(4);
    expect(known.errorsInLists.has('1.0.2.8.0.255:2')).toBe(true);
    expect(known.lists.mode).toBe('on');
  });

  it('a wrong type in a list: the request is read singly, that attribute stays out of lists', async () => {
    const known = new MeterKnowledge();
    const o = ops((asked) => asked.map((s, k) => (k === 1 ? { type: 'data', value: { type: 'array', items: [] } } : u32(s.obis[2]))));
    expect(values(await readAll(known, o))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(known.wrongInLists.has('1.0.1.8.0.255:2')).toBe(true);
    expect(known.listNote).toBe('This meter answers lists unreliably: reading 1 attribute one by one.');
  });

  it('a wrong type in a single answer is TYPE_MISMATCH, never a value', async () => {
    const known = new MeterKnowledge();
    const c = new CheckedLists(known, { multiple: false, pduItems: 1, maxListItems: 1 }, {
      list: async () => [],
      single: async () => ({ type: 'data', value: { type: 'structure', items: [] } }),
    });
    const a = await c.readSingle(slots(1)[0]);
    expect(a.type === 'error' && a.error.code).toBe('TYPE_MISMATCH');
  });
});

describe('checked lists: a failure with size but no count', () => {
  it('halves the size until lists of that size work', async () => {
    const known = new MeterKnowledge();
    const o = ops((asked) => {
      if (asked.length > 3) throw new MeterError('REJECTED', 'The meter answered exception-response pdu-too-long.');
      return asked.map((s) => u32(s.obis[2]));
    });
    for (let session = 0; session < 3; session++) expect(values(await readAll(known, o, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(known.lists.maxItems).toBe(3);
    expect(known.lists.largestWorked).toBe(3);
  });
});
