import { VirtualClock } from '../src/core/virtual-clock';
import { createSerialPair } from '../src/core/memory-link';
import { LINE_9600_8N1 } from '../src/core/link';
import { HdlcClient } from '../src/protocols/hdlc/client-session';
import { serverAddress } from '../src/protocols/hdlc/address';
import { DlmsSession } from '../src/protocols/dlms-client/session';
import { MeterKnowledge } from '../src/protocols/dlms-client/reader';
import { SimDlmsMeter, type SimDlmsMeterOptions } from '../src/sim/dlms/server';
import type { SimListFaults } from '../src/sim/dlms/list-faults';
import { NOW, frozenDemoModel, readoutKey, wholeMeterRequests } from '../src/sim/dlms/whole-meter';
import type { BenchRow } from './types';

/**
 * A whole-meter read (every attribute of every object in the LN association view of the demo meter,
 * profile buffers excepted) at 9600 8N1 over HDLC, virtual time: with lists working, with each list fault
 * of real firmware on (first session, and the next session with what was learnt), and one attribute per
 * request, side by side. Classes are given (as after reading the object list), so lists are allowed from
 * the first request. Every run must give the fault-free values, or the bench throws.
 */
const ADDRESS = serverAddress({ logical: 1, physical: 17, size: 2 });
const NO_LISTS: SimDlmsMeterOptions['conformance'] = ['get', 'set', 'action', 'selective-access', 'block-transfer-with-get-or-read'];

interface Figures {
  trips: number;
  seconds: number;
  keys: string[];
}

async function sessionOn(clock: VirtualClock, meter: SimDlmsMeter, knowledge: MeterKnowledge): Promise<Figures> {
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  meter.serveHdlc(pair.meter, { address: ADDRESS, supported: { windowRx: 1, windowTx: 1, maxInfoRx: 512, maxInfoTx: 512 } });
  const transport = new HdlcClient(pair.client, clock, { server: ADDRESS, client: 0x10, timeoutMs: 1500, retries: 3 });
  const session = new DlmsSession(transport, knowledge, { referencing: 'LN', auth: 'None' });
  const start = clock.now();
  await session.connect();
  const results = await session.readValues(wholeMeterRequests(meter.model, 'LN'));
  await session.close();
  return { trips: transport.stats.roundTrips, seconds: (clock.now() - start) / 1000, keys: results.map(readoutKey) };
}

/** First session and the one after it, against the same meter, knowledge kept between them. */
async function twoSessions(opts: Partial<SimDlmsMeterOptions>): Promise<[Figures, Figures]> {
  const clock = new VirtualClock(NOW);
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: frozenDemoModel(), ...opts });
  const knowledge = new MeterKnowledge();
  return clock.run(async () => [await sessionOn(clock, meter, knowledge), await sessionOn(clock, meter, knowledge)]);
}

const FAULTS: [string, SimListFaults][] = [
  ['list limit 5 items', { maxItems: 5 }],
  ['malformed answer (clock)', { malformedFor: ['0.0.1.0.0.255'] }],
  ['item wrapped twice (clock)', { wrapTwiceFor: ['0.0.1.0.0.255'] }],
  ['shifted after an error item', { shiftAfterError: true }],
];

export async function run(): Promise<BenchRow[]> {
  const wall = performance.now();
  const [healthy, healthyNext] = await twoSessions({});
  const [, single] = await twoSessions({ conformance: NO_LISTS });
  const n = wholeMeterRequests(frozenDemoModel(), 'LN').length;
  const same = (f: Figures, what: string) => {
    if (f.keys.join('\n') !== healthy.keys.join('\n')) throw new Error(`whole-meter bench: ${what} read other values than the fault-free meter`);
  };
  const rows: BenchRow[] = [];
  const row = (label: string, f: Figures, note: string) => {
    rows.push({ name: `Whole meter (${n} attributes), ${label}: round trips`, value: f.trips, unit: '', note });
    rows.push({ name: `  time on line`, value: f.seconds, unit: 's', note: 'virtual time at 9600 8N1, HDLC, incl. association and release' });
  };
  row('lists working, first session', healthy, 'classes given; scalers joined the first time');
  row('lists working, next session', healthyNext, 'scalers known');
  row('one attribute per request', single, 'meter without multiple-references, scalers known');
  same(single, 'one by one');
  for (const [label, faults] of FAULTS) {
    const [first, next] = await twoSessions({ listFaults: faults });
    same(first, label);
    same(next, `${label} (next session)`);
    row(`${label}, first session`, first, 'checked, fell back where needed');
    row(`${label}, next session`, next, `with what the first one learnt; vs ${single.trips} one by one`);
  }
  rows.push({ name: 'Whole-meter bench wall time', value: performance.now() - wall, unit: 'ms', note: 'real time to simulate' });
  return rows;
}
