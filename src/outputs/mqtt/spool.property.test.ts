import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadingPayload } from './payload';
import { Spool } from './spool';

const root = mkdtempSync(join(tmpdir(), 'meterscope-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

const payload = (n: number): ReadingPayload => ({
  ts: new Date(1_700_000_000_000 + n).toISOString(),
  device_alias: 'm1',
  signal_alias: `s${n}`,
  value: n,
  unit: 'kWh',
  quality: 'good',
  error: null,
  raw: null,
  address: '1.0.1.8.0.255',
});
const idOf = (p: ReadingPayload) => p.value as number;

type Op =
  | { op: 'append'; n: number }
  | { op: 'take'; n: number }
  | { op: 'ack'; pick: number }
  | { op: 'ackAll' }
  | { op: 'disconnect' }
  | { op: 'restart' }
  | { op: 'crash' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('append' as const), n: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('take' as const), n: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'ackAll' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'disconnect' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crash' as const }) },
);

/** Runs `ops`, then drains; returns what a broker would have seen, in order, and what was appended. */
async function play(ops: Op[], maxRecords: number) {
  const dir = join(root, `run-${runs++}`);
  const open = () => Spool.open({ dir, maxRecords, segmentRecords: 3 });
  let spool = await open();
  let next = 0;
  const sent: number[] = [];
  let inflight: number[] = [];
  for (const o of ops) {
    switch (o.op) {
      case 'append': {
        const batch = Array.from({ length: o.n }, () => payload(next++));
        await spool.append(batch);
        break;
      }
      case 'take':
        for (const r of spool.take(o.n)) {
          sent.push(idOf(r.payload));
          inflight.push(r.seq);
        }
        break;
      case 'ack':
        if (inflight.length > 0) {
          const [seq] = inflight.splice(o.pick % inflight.length, 1);
          spool.ack(seq);
        }
        break;
      case 'ackAll':
        for (const seq of inflight) spool.ack(seq);
        inflight = [];
        break;
      case 'disconnect':
        spool.requeue();
        inflight = [];
        break;
      case 'restart':
        await spool.close();
        spool = await open();
        inflight = [];
        break;
      case 'crash':
        await spool.abandon();
        spool = await open();
        inflight = [];
        break;
    }
  }
  // The broker comes back for good: everything left goes out and is acknowledged.
  for (const seq of inflight) spool.ack(seq);
  spool.requeue();
  for (let batch = spool.take(50); batch.length > 0; batch = spool.take(50)) {
    for (const r of batch) {
      sent.push(idOf(r.payload));
      spool.ack(r.seq);
    }
  }
  const left = spool.pending;
  const dropped = spool.dropped;
  await spool.close();
  const files = readdirSync(dir).filter((f) => f.startsWith('seg-'));
  return { sent, appended: next, left, dropped, files };
}

/** First deliveries only: a QoS 1 duplicate may come again later, but nothing overtakes. */
function firstDeliveries(sent: number[]): number[] {
  const seen = new Set<number>();
  return sent.filter((id) => (seen.has(id) ? false : (seen.add(id), true)));
}

describe('spool: any interleaving of append, take, ack, disconnect, restart and crash', () => {
  it('below the cap: every record goes out, first deliveries in order, nothing left on disk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const r = await play(ops, 10_000);
        const first = firstDeliveries(r.sent);
        expect(first).toEqual(Array.from({ length: r.appended }, (_, i) => i));
        expect(r.dropped).toBe(0);
        expect(r.left).toBe(0);
        expect(r.files).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('at the cap: only the oldest are dropped, each counted; the rest in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (ops, cap) => {
        const r = await play(ops, cap);
        const first = firstDeliveries(r.sent);
        for (let i = 1; i < first.length; i++) expect(first[i]).toBeGreaterThan(first[i - 1]);
        const never = r.appended - first.length;
        // A record in flight may be dropped after the broker got it: dropped counts at least the missing.
        expect(r.dropped).toBeGreaterThanOrEqual(never);
        expect(r.left).toBe(0);
        // What was never delivered was older than something delivered after it only if it was dropped.
        if (r.dropped === 0) expect(never).toBe(0);
      }),
      { numRuns: 50 },
    );
  });
});

describe('spool: damage on disk', () => {
  it('a torn last line (power cut mid-write) is not a record; the rest loads', async () => {
    const dir = join(root, 'torn');
    const s = await Spool.open({ dir, maxRecords: 100 });
    await s.append([payload(1), payload(2)]);
    await s.abandon();
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(join(dir, seg), '{"q":3,"p":{"ts":');
    const damaged: number[] = [];
    const again = await Spool.open({ dir, maxRecords: 100, onDamaged: (n) => damaged.push(n) });
    expect(again.take(10).map((r) => r.payload.value)).toEqual([1, 2]);
    expect(damaged).toEqual([]);
    await again.close();
  });

  it('a damaged line inside a segment is reported and skipped, never published as a reading', async () => {
    const dir = join(root, 'damaged');
    const s = await Spool.open({ dir, maxRecords: 100 });
    await s.append([payload(1)]);
    await s.abandon();
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(join(dir, seg), '{"q":2,"p":{"value":"no shape"}}\nnot json\n');
    const damaged: number[] = [];
    const again = await Spool.open({ dir, maxRecords: 100, onDamaged: (n) => damaged.push(n) });
    expect(again.take(10).map((r) => r.payload.value)).toEqual([1]);
    expect(damaged).toEqual([2]);
    await again.close();
  });

  it('a crash before the progress is saved keeps the segments it counts (found by the property above)', async () => {
    const dir = join(root, 'crash-count');
    const s = await Spool.open({ dir, maxRecords: 1, segmentRecords: 3 });
    await s.append([payload(1), payload(2), payload(3), payload(4)]);
    await s.append([payload(5), payload(6)]);
    await s.abandon();
    const again = await Spool.open({ dir, maxRecords: 1, segmentRecords: 3 });
    expect(again.take(10).map((r) => r.payload.value)).toEqual([6]);
    expect(again.dropped).toBe(5);
    await again.close();
  });

  it('drops are reported as they happen, with the running total', async () => {
    const dir = join(root, 'drops');
    const seen: [number, number][] = [];
    const s = await Spool.open({ dir, maxRecords: 3, onDrop: (n, t) => seen.push([n, t]) });
    await s.append([payload(1), payload(2), payload(3), payload(4)]);
    await s.append([payload(5)]);
    expect(seen).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(s.take(10).map((r) => r.payload.value)).toEqual([3, 4, 5]);
    await s.close();
    const again = await Spool.open({ dir, maxRecords: 3 });
    expect(again.dropped).toBe(2);
    await again.close();
  });
});
