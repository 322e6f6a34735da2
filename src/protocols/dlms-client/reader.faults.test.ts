/**
 * Whole-meter reads against the simulated meter with each list fault of real firmware switched on: every
 * attribute of every object reads and equals the fault-free readout; the second session with what was
 * learnt needs no more round trips than reading one by one; a lost link loses nothing already read.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { MeterError } from '../../core/errors';
import { HdlcClient } from '../hdlc/client-session';
import { serverAddress } from '../hdlc/address';
import { WrapperClient } from '../wrapper/client-session';
import { SimDlmsMeter, type SimDlmsMeterOptions } from '../../sim/dlms/server';
import type { SimListFaults } from '../../sim/dlms/list-faults';
import { DlmsSession } from './session';
import { MeterKnowledge, type ValueRequest, type ValueResult } from './reader';
import { frozenDemoModel, readoutKey, wholeMeterRequests, NOW } from '../../sim/dlms/whole-meter';

interface Run {
  results: ValueResult[];
  trips: number;
}

const SERVER = serverAddress({ logical: 1, physical: 17, size: 2 });

/** One session over HDLC at 9600 baud against `meter`; the whole readout with `knowledge`. */
async function session(
  clock: VirtualClock,
  meter: SimDlmsMeter,
  knowledge: MeterKnowledge,
  requests: ValueRequest[],
  referencing: 'LN' | 'SN' = 'LN',
): Promise<Run> {
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  meter.serveHdlc(pair.meter, { address: SERVER, supported: { windowRx: 1, windowTx: 1, maxInfoRx: 512, maxInfoTx: 512 } });
  const transport = new HdlcClient(pair.client, clock, { server: SERVER, client: 0x10, timeoutMs: 1500, retries: 3 });
  const s = new DlmsSession(transport, knowledge, { referencing, auth: 'None' });
  await s.connect();
  const before = transport.stats.roundTrips;
  const results = await s.readValues(requests);
  const trips = transport.stats.roundTrips - before;
  await s.close();
  return { results, trips };
}

function meter(clock: VirtualClock, listFaults?: SimListFaults, extra: Partial<SimDlmsMeterOptions> = {}): SimDlmsMeter {
  return new SimDlmsMeter(clock, { referencing: 'LN', model: frozenDemoModel(), ...(listFaults ? { listFaults } : {}), ...extra });
}

async function reference(referencing: 'LN' | 'SN' = 'LN'): Promise<{ keys: string[]; oneByOne: number; requests: ValueRequest[] }> {
  const clock = new VirtualClock(NOW);
  const requests = wholeMeterRequests(frozenDemoModel(), referencing);
  return clock.run(async () => {
    const plain = await session(clock, new SimDlmsMeter(clock, { referencing, model: frozenDemoModel() }), new MeterKnowledge(), requests, referencing);
    const warm = new MeterKnowledge();
    const noLists = new SimDlmsMeter(clock, {
      referencing,
      model: frozenDemoModel(),
      conformance: referencing === 'LN' ? ['get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read'] : ['read', 'write', 'parameterized-access', 'block-transfer-with-get-or-read'],
    });
    await session(clock, noLists, warm, requests, referencing);
    const single = await session(clock, noLists, warm, requests, referencing);
    return { keys: plain.results.map(readoutKey), oneByOne: single.trips, requests };
  });
}

const FAULTS: [string, SimListFaults][] = [
  ['a list size limit below the PDU', { maxItems: 5 }],
  ['a malformed list answer for the clock', { malformedFor: ['0.0.1.0.0.255'] }],
  ['the clock time wrapped twice', { wrapTwiceFor: ['0.0.1.0.0.255'] }],
  ['answers shifted after an error item', { shiftAfterError: true }],
];

describe('whole-meter reads with list faults (LN, HDLC, 9600 baud, virtual time)', () => {
  it('the fault-free readout reads every attribute; only the secret is denied', async () => {
    const { keys } = await reference();
    const bad = keys.filter((k) => k.startsWith('error:'));
    expect(bad).toEqual(['error:ACCESS_DENIED']);
    expect(keys.length).toBeGreaterThan(100);
  });

  for (const [name, faults] of FAULTS) {
    it(`${name}: same values, then learnt for the next session`, async () => {
      const ref = await reference();
      const clock = new VirtualClock(NOW);
      await clock.run(async () => {
        const m = meter(clock, faults);
        const knowledge = new MeterKnowledge();
        const first = await session(clock, m, knowledge, ref.requests);
        expect(first.results.map(readoutKey)).toEqual(ref.keys);
        const second = await session(clock, m, knowledge, ref.requests);
        expect(second.results.map(readoutKey)).toEqual(ref.keys);
        expect(second.trips).toBeLessThanOrEqual(ref.oneByOne);
        // Persisted and restored, the learning holds in a new process as well.
        const restored = new MeterKnowledge();
        restored.restore(JSON.parse(JSON.stringify(knowledge.serialise())));
        const third = await session(clock, m, restored, ref.requests);
        expect(third.results.map(readoutKey)).toEqual(ref.keys);
        expect(third.trips).toBeLessThanOrEqual(second.trips);
      });
    });
  }

  it('a healthy meter keeps its lists: far fewer round trips than one by one', async () => {
    const ref = await reference();
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const m = meter(clock);
      const knowledge = new MeterKnowledge();
      await session(clock, m, knowledge, ref.requests);
      const second = await session(clock, m, knowledge, ref.requests);
      expect(knowledge.lists.mode).toBe('on');
      expect(knowledge.listNote).toBeUndefined();
      expect(second.trips * 4).toBeLessThan(ref.oneByOne);
    });
  });

  it('a size limit shrinks the lists instead of turning them off', async () => {
    const ref = await reference();
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const knowledge = new MeterKnowledge();
      await session(clock, meter(clock, { maxItems: 5 }), knowledge, ref.requests);
      expect(knowledge.lists.mode).toBe('on');
      expect(knowledge.lists.maxItems).toBeLessThanOrEqual(5);
      expect(knowledge.listNote).toMatch(/at most/);
    });
  });

  it('a malformed answer turns lists off and says so once', async () => {
    const ref = await reference();
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const knowledge = new MeterKnowledge();
      await session(clock, meter(clock, { malformedFor: ['0.0.1.0.0.255'] }), knowledge, ref.requests);
      expect(knowledge.lists.mode).toBe('off');
      expect(knowledge.listNote).toBe('This meter answers lists unreliably: reading one by one.');
    });
  });

  it('a connection reset on a list loses nothing read: re-established, the rest asked singly', async () => {
    const ref = await reference();
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const m = meter(clock, { resetFor: ['0.0.99.98.0.255'] });
      const knowledge = new MeterKnowledge();
      const progress: (ValueResult | undefined)[] = [];
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      m.serveHdlc(pair.meter, { address: SERVER });
      const s = new DlmsSession(new HdlcClient(pair.client, clock, { server: SERVER, client: 0x10, timeoutMs: 1500, retries: 3 }), knowledge, {
        referencing: 'LN',
        auth: 'None',
      });
      await s.connect();
      const err = await s.readValues(ref.requests, progress).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MeterError);
      expect((err as MeterError).code).toBe('PORT_LOST');
      const kept = progress.filter((r) => r !== undefined).length;
      expect(kept).toBeGreaterThan(0);
      expect(knowledge.lists.mode).toBe('off');
      // What was read stays; only the rest is asked, on a new connection, one by one.
      const rest = ref.requests.map((r, i) => ({ r, i })).filter(({ i }) => progress[i] === undefined);
      const again = await session(clock, m, knowledge, rest.map((x) => x.r));
      expect(again.trips).toBeLessThanOrEqual(rest.length + 4);
      const merged = ref.requests.map((_, i) => progress[i]);
      rest.forEach(({ i }, k) => (merged[i] = again.results[k]));
      expect(merged.map((r) => readoutKey(r!))).toEqual(ref.keys);
    });
  });

  it('SN multi-variable READ: a malformed answer falls back to single READs with the same values', async () => {
    const ref = await reference('SN');
    const clock = new VirtualClock(NOW);
    await clock.run(async () => {
      const m = new SimDlmsMeter(clock, { referencing: 'SN', model: frozenDemoModel(), listFaults: { malformedFor: ['0.0.1.0.0.255'], shiftAfterError: true } });
      const knowledge = new MeterKnowledge();
      const first = await session(clock, m, knowledge, ref.requests, 'SN');
      expect(first.results.map(readoutKey)).toEqual(ref.keys);
      expect(knowledge.lists.mode).toBe('off');
    });
  });

  it('over the wrapper, answers longer than the PDU the meter announced come in blocks', async () => {
    const clock = new VirtualClock(NOW);
    const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 5 });
    const m = new SimDlmsMeter(clock, { referencing: 'LN', model: frozenDemoModel(), maxPdu: 256 });
    const sizes: number[] = [];
    m.serveWrapper(pair.meter, {
      onBeforeSend: (frame) => {
        sizes.push(frame.length - 8);
        return frame;
      },
    });
    const s = new DlmsSession(new WrapperClient(pair.client, clock, { clientWPort: 0x10, serverWPort: 1, timeoutMs: 1000 }), new MeterKnowledge(), {
      referencing: 'LN',
      auth: 'None',
    });
    await clock.run(async () => {
      await s.connect();
      const list = await s.readObjectList();
      expect(list.length).toBeGreaterThan(20);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(256);
    });
  });
});
