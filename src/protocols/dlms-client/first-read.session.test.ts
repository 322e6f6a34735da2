/**
 * The first read of a meter (issue 16): values whose class is only guessed from the OBIS code ride in the
 * GET-with-list requests with their scalers, and only the items the meter refuses go through class
 * discovery. Against the simulated meter under virtual time: the values equal those of single GETs naming
 * the true class, with right guesses, wrong guesses (each way meters refuse a wrong class), a meter that
 * ignores the class, and the list faults of real firmware; and a meter that answers lists badly still gets
 * single GETs.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { HdlcClient } from '../hdlc/client-session';
import { serverAddress } from '../hdlc/address';
import { parseObis } from '../cosem/obis';
import { SimDlmsMeter, type SimDlmsMeterOptions } from '../../sim/dlms/server';
import type { SimListFaults } from '../../sim/dlms/list-faults';
import { type SimModel, scalerUnit, u32, u8 } from '../../sim/dlms/model';
import { DAR } from '../../sim/dlms/xdlms-handler';
import { NOW, frozenDemoModel, readoutKey, wholeMeterRequests } from '../../sim/dlms/whole-meter';
import { DlmsSession } from './session';
import { MeterKnowledge, type ValueRequest } from './reader';

const SERVER = serverAddress({ logical: 1, physical: 17, size: 2 });
const obis = (t: string) => parseObis(t).obis;

/** The bench's 20 registers (bench/turnarounds.bench.ts). */
const REGISTERS = [
  '1.0.1.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255',
  '1.0.1.7.0.255', '1.0.2.7.0.255', '1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255', '1.0.31.7.0.255',
  '1.0.51.7.0.255', '1.0.71.7.0.255', '1.0.14.7.0.255', '1.0.13.7.0.255', '0.0.96.1.0.255', '0.0.42.0.0.255',
  '1.0.1.6.0.255', '1.0.1.4.0.255',
];
/** A demand register where the OBIS code predicts a register ([3, 4, 1]): only the object list names it. */
const HIDDEN_DEMAND = '1.0.21.7.0.255';

/**
 * The demo meter with classes the OBIS codes do not predict: the total import is an extended register
 * (guess 3, the second candidate answers) and a demand register sits where a register is expected.
 */
function wrongGuessModel(opts: { wrongClassResult?: number; ignoresClass?: boolean } = {}): SimModel {
  const m = frozenDemoModel();
  m.reclass('1.0.1.8.0.255', 4);
  m.findByObis('1.0.1.8.0.255')!.attributes.set(4, u8(0));
  m.add({
    classId: 5,
    version: 0,
    obis: HIDDEN_DEMAND,
    attributes: new Map([
      [2, u32(1234)],
      [3, u32(1180)],
      [4, scalerUnit(-1, 27)],
    ]),
  });
  if (opts.wrongClassResult !== undefined) m.wrongClassResult = opts.wrongClassResult;
  if (opts.ignoresClass) m.ignoresClass = true;
  return m;
}

interface Run {
  keys: string[];
  trips: number;
}

async function readOnce(clock: VirtualClock, meter: SimDlmsMeter, knowledge: MeterKnowledge, requests: ValueRequest[]): Promise<Run> {
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  meter.serveHdlc(pair.meter, { address: SERVER, supported: { windowRx: 7, windowTx: 7, maxInfoRx: 1024, maxInfoTx: 1024 } });
  const transport = new HdlcClient(pair.client, clock, {
    server: SERVER,
    client: 0x10,
    timeoutMs: 1500,
    retries: 3,
    proposal: { windowRx: 7, windowTx: 7, maxInfoRx: 1024, maxInfoTx: 1024 },
  });
  const s = new DlmsSession(transport, knowledge, { referencing: 'LN', auth: 'None' });
  await s.connect();
  const before = transport.stats.roundTrips;
  const results = await s.readValues(requests);
  const trips = transport.stats.roundTrips - before;
  await s.close();
  return { keys: results.map(readoutKey), trips };
}

const NO_LISTS: Partial<SimDlmsMeterOptions> = { conformance: ['get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read'] };

/** What single GETs naming the true class give (a meter without GET-with-list). */
async function singleGets(model: () => SimModel, codes: string[]): Promise<string[]> {
  const clock = new VirtualClock(NOW);
  const m = model();
  const requests = codes.map((c) => ({ obis: obis(c), attribute: 2, classId: m.findByObis(c)!.classId }));
  return clock.run(async () => (await readOnce(clock, new SimDlmsMeter(clock, { referencing: 'LN', model: m, ...NO_LISTS }), new MeterKnowledge(), requests)).keys);
}

async function firstAndSecond(
  model: () => SimModel,
  codes: string[],
  extra: Partial<SimDlmsMeterOptions> = {},
): Promise<{ first: Run; second: Run; knowledge: MeterKnowledge }> {
  const clock = new VirtualClock(NOW);
  const requests = codes.map((c) => ({ obis: obis(c), attribute: 2 }));
  return clock.run(async () => {
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: model(), ...extra });
    const knowledge = new MeterKnowledge();
    const first = await readOnce(clock, meter, knowledge, requests);
    const second = await readOnce(clock, meter, knowledge, requests);
    return { first, second, knowledge };
  });
}

describe('first read of a meter: guessed classes ride in the lists (issue 16, virtual time)', () => {
  it('the bench meter: 20 registers and their scalers in one request, the values of single GETs', async () => {
    const reference = await singleGets(frozenDemoModel, REGISTERS);
    expect(reference.every((k) => !k.startsWith('error:'))).toBe(true);
    const { first, second, knowledge } = await firstAndSecond(frozenDemoModel, REGISTERS);
    expect(first.keys).toEqual(reference);
    // Without guessed classes in lists this took 21 round trips (one GET per value, then the scalers).
    expect(first.trips).toBe(1);
    expect(second.keys).toEqual(reference);
    expect(second.trips).toBe(1);
    expect(knowledge.classes.get('1.0.1.6.0.255')).toBe(4);
    expect(knowledge.lists.mode).toBe('on');
  });

  const REFUSALS: [string, { wrongClassResult?: number }, SimListFaults | undefined][] = [
    ['object-class-inconsistent items', {}, undefined],
    ['object-undefined items', { wrongClassResult: DAR.objectUndefined }, undefined],
    ['read-write-denied items', { wrongClassResult: DAR.readWriteDenied }, undefined],
    ['a data-block error for the whole list', { wrongClassResult: DAR.dataBlockUnavailable }, { wrongClassInList: 'datablock-error' }],
    ['an exception-response for the whole list', {}, { wrongClassInList: 'exception' }],
  ];
  const CODES = [...REGISTERS, HIDDEN_DEMAND];

  for (const [name, modelOpts, faults] of REFUSALS) {
    it(`wrong guesses refused with ${name}: the values of single GETs, classes learnt, lists kept`, async () => {
      const model = () => wrongGuessModel(modelOpts);
      const reference = await singleGets(model, CODES);
      expect(reference.every((k) => !k.startsWith('error:'))).toBe(true);
      const { first, second, knowledge } = await firstAndSecond(model, CODES, faults ? { listFaults: faults } : {});
      expect(first.keys).toEqual(reference);
      expect(knowledge.classes.get('1.0.1.8.0.255')).toBe(4);
      expect(knowledge.classes.get(HIDDEN_DEMAND)).toBe(5);
      // A wrong class is not the meter garbling lists: the next poll is one list again.
      expect(knowledge.lists.mode).toBe('on');
      expect(knowledge.errorsInLists.size + knowledge.wrongInLists.size).toBe(0);
      expect(second.keys).toEqual(reference);
      expect(second.trips).toBe(1);
      if (!faults) {
        // Item refusals: one list, the rest asked again in a second list, discovery for the two refused,
        // their scalers in one list; far fewer than one GET per value.
        expect(first.trips).toBeLessThan(12);
      }
    });
  }

  it('a meter that ignores the class: never a value under a wrong scaler, the right guesses read', async () => {
    const model = () => wrongGuessModel({ ignoresClass: true });
    const reference = await singleGets(model, CODES);
    const { first, second } = await firstAndSecond(model, CODES);
    for (const run of [first, second]) {
      run.keys.forEach((k, i) => {
        if (!k.startsWith('error:')) expect(k).toEqual(reference[i]);
      });
    }
    // The demand register asked as a register hands out its last average for "scaler_unit": caught.
    expect(first.keys[CODES.indexOf(HIDDEN_DEMAND)]).toMatch(/^error:/);
    expect(first.keys.filter((k) => k.startsWith('error:'))).toHaveLength(1);
  });

  const FAULTS: [string, SimListFaults][] = [
    ['a list size limit below the PDU', { maxItems: 5 }],
    ['answers shifted after an error item', { shiftAfterError: true }],
    ['a value wrapped twice in lists', { wrapTwiceFor: ['1.0.32.7.0.255'] }],
    ['a malformed list answer for one object', { malformedFor: ['1.0.14.7.0.255'] }],
  ];
  for (const [name, faults] of FAULTS) {
    it(`wrong guesses with ${name}: the values of single GETs, first read and after`, async () => {
      const model = () => wrongGuessModel();
      const reference = await singleGets(model, CODES);
      const { first, second } = await firstAndSecond(model, CODES, { listFaults: faults });
      expect(first.keys).toEqual(reference);
      expect(second.keys).toEqual(reference);
    });
  }

  it('every attribute of the whole meter, classes not given, with list faults: the values of single GETs', async () => {
    const withClasses = wholeMeterRequests(frozenDemoModel(), 'LN');
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const reference = (await readOnce(clock, new SimDlmsMeter(clock, { referencing: 'LN', model: frozenDemoModel(), ...NO_LISTS }), new MeterKnowledge(), withClasses)).keys;
      const guessed = withClasses.map(({ obis: o, attribute }) => ({ obis: o, attribute }));
      for (const faults of [{}, { shiftAfterError: true }, { maxItems: 7 }] as SimListFaults[]) {
        const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: frozenDemoModel(), listFaults: faults });
        const got = await readOnce(clock, meter, new MeterKnowledge(), guessed);
        expect(got.keys).toEqual(reference);
      }
    });
  });

  it('a meter known to answer lists badly still gets single GETs, guessed classes included', async () => {
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const knowledge = new MeterKnowledge();
      knowledge.lists = { mode: 'off', reason: 'test' };
      let lists = 0;
      const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: frozenDemoModel() });
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      meter.serveHdlc(pair.meter, { address: SERVER });
      const transport = new HdlcClient(pair.client, clock, { server: SERVER, client: 0x10, timeoutMs: 1500, retries: 3 });
      const s = new DlmsSession(transport, knowledge, { referencing: 'LN', auth: 'None' });
      await s.connect();
      const list = s.dlms.getList.bind(s.dlms);
      s.dlms.getList = (items) => {
        lists++;
        return list(items);
      };
      const results = await s.readValues(REGISTERS.map((c) => ({ obis: obis(c), attribute: 2 })));
      await s.close();
      expect(results.every((r) => r.error === undefined)).toBe(true);
      expect(lists).toBe(0);
    });
  });
});
