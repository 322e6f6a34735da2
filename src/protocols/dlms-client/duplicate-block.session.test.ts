import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock';
import { LINE_9600_8N1 } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { SimDlmsMeter } from '../../sim/dlms/server';
import type { LnObjectEntry } from '../cosem/object-list';
import { parseObis } from '../cosem/obis';
import { HdlcClient } from '../hdlc/client-session';
import { WrapperClient } from '../wrapper/client-session';
import { MeterKnowledge } from './reader';
import { DlmsSession } from './session';

/**
 * Issue 11, simulator quirk of the recorded Gurux server: the last GET block sent twice in one APDU, the
 * copy after a 00 byte. The demo meter's object list and load profile (both in blocks) read through a
 * simulator with `duplicateLastBlock` must equal what the well-behaved simulator gives, over HDLC and the
 * TCP wrapper, under virtual time.
 */
const EPOCH = Date.UTC(2026, 0, 1);
const NOW = EPOCH + 10 * 24 * 3600_000 + 3600_000 * 13.5;
const HOUR = 3600_000;

/** One frozen wall time for the meter's model, so both runs see the same values. */
function frozenWall(clock: VirtualClock): Clock {
  return { now: () => clock.now(), wallTime: () => NOW, sleep: (ms, s) => clock.sleep(ms, s), schedule: (ms, fn) => clock.schedule(ms, fn) };
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));
}

interface Outcome {
  values: string[];
  /** Answers the meter sent that carried a repeated last block. */
  repeated: number;
  lastBlocks: number;
}

async function readListAndProfiles(link: 'hdlc' | 'wrapper', duplicateLastBlock: boolean): Promise<Outcome> {
  const clock = new VirtualClock(NOW);
  const pair = link === 'wrapper' ? createSerialPair(clock, { kind: 'stream', latencyMs: 5 }) : createSerialPair(clock, { line: LINE_9600_8N1 });
  // A small server PDU so the object list and the profiles need several blocks.
  const meter = new SimDlmsMeter(frozenWall(clock), {
    referencing: 'LN',
    model: createDemoDlmsModel({ epochMs: EPOCH }),
    maxPdu: 256,
    ...(duplicateLastBlock ? { quirks: { duplicateLastBlock } } : {}),
  });
  let repeated = 0;
  let lastBlocks = 0;
  const handle = meter.handle.bind(meter);
  meter.handle = async (apdu, client) => {
    const answer = await handle(apdu, client);
    if (answer[0] === 0xc4 && answer[1] === 0x02 && answer[3] === 0x01) {
      lastBlocks++;
      const n = (answer.length - 1) / 2;
      if (Number.isInteger(n) && answer[n] === 0 && show(answer.subarray(0, n)) === show(answer.subarray(n + 1))) repeated++;
    }
    return answer;
  };
  const stop = new AbortController();
  const transport =
    link === 'wrapper'
      ? (meter.serveWrapper(pair.meter, {}, stop.signal), new WrapperClient(pair.client, clock, { clientWPort: 0x10, serverWPort: 1, timeoutMs: 2500, retries: 2 }))
      : (meter.serveHdlc(pair.meter, { address: { value: 1, size: 1 }, supported: { windowRx: 1, windowTx: 1, maxInfoRx: 128, maxInfoTx: 128 } }, stop.signal),
        new HdlcClient(pair.client, clock, { server: { value: 1, size: 1 }, client: 0x10, timeoutMs: 2500, retries: 2 }));
  const session = new DlmsSession(transport, new MeterKnowledge(), { referencing: 'LN', auth: 'None' });
  const values: string[] = [];
  await clock.run(async () => {
    await session.connect();
    const list = (await session.readObjectList()) as LnObjectEntry[];
    values.push(show(list.map((o) => [o.classId, o.obis, o.version])));
    const load = await session.readProfile(parseObis('1.0.99.1.0.255').obis, { from: NOW - 24 * HOUR, to: NOW });
    values.push(show(load));
    const events = await session.readProfile(parseObis('0.0.99.98.0.255').obis, undefined);
    values.push(show(events));
    await session.close();
  });
  stop.abort();
  return { values, repeated, lastBlocks };
}

describe('a meter that sends its last GET block twice (Gurux server quirk), virtual time', () => {
  for (const link of ['hdlc', 'wrapper'] as const) {
    it(`${link}: object list and profiles read once, every value equal to the well-behaved simulator's`, async () => {
      const good = await readListAndProfiles(link, false);
      const quirky = await readListAndProfiles(link, true);
      expect(good.repeated).toBe(0);
      // The quirk really happened on every last block: object list, profile metadata, both buffers.
      expect(quirky.lastBlocks).toBeGreaterThanOrEqual(2);
      expect(quirky.repeated).toBe(quirky.lastBlocks);
      expect(good.values[0].length).toBeGreaterThan(500);
      expect(quirky.values).toEqual(good.values);
    });
  }
});
