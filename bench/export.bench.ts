/**
 * Export throughput and memory: a million readings through the streaming CSV encoder into a sink
 * that only counts bytes, sampling the heap as it goes. The claim under test is "a million stored
 * readings export as CSV with flat memory": peak heap growth should stay a few MB, not grow with rows.
 * A second figure reads 100,000 readings back from IndexedDB (fake-indexeddb in Node) page by page.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { BenchRow } from './types';
import type { Reading } from '../src/core/reading';
import { readingsCsvStream } from '../src/export/readings-csv';

const MB = 1024 * 1024;
const ZONE = 'Europe/Vilnius';

async function* synthetic(count: number, t0 = Date.UTC(2026, 0, 1)): AsyncGenerator<Reading> {
  const signals = ['e_import', 'e_export', 'p_active', 'u_l1', 'i_l1'];
  for (let i = 0; i < count; i++) {
    const poll = Math.floor(i / 100);
    yield {
      ts: t0 + poll * 10_000,
      device_alias: `meter_${(i % 100) % 20}`,
      signal_alias: signals[i % 5],
      address: '1.8.0',
      value: i % 97 === 0 ? null : (i * 0.37) % 5000 - 100,
      unit: 'kWh',
      quality: i % 97 === 0 ? 'bad' : 'good',
      error: i % 97 === 0 ? 'TIMEOUT' : undefined,
    };
  }
}

interface SinkResult {
  bytes: number;
  ms: number;
  /** Highest heapUsed seen minus the start: includes garbage the GC has not collected yet. */
  peakHeapGrowthMb: number;
  /** Highest heapUsed right after a forced GC minus the start: what the export really holds on to. */
  retainedGrowthMb: number | null;
}

/**
 * A full GC on demand, so retained memory can be told apart from garbage waiting for collection.
 * V8 only hands out gc() to code compiled after the flag is set, hence the fresh context.
 */
function gcFunction(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** Drain a byte stream, counting bytes; the heap is sampled every chunk (~64 KB), after a GC every 16th. */
async function drainCounting(stream: ReadableStream<Uint8Array>): Promise<SinkResult> {
  const gc = gcFunction();
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let retained = base;
  let bytes = 0;
  let chunks = 0;
  let gcMs = 0;
  const start = performance.now();
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
    if (gc && ++chunks % 16 === 0) {
      const g0 = performance.now();
      gc();
      gcMs += performance.now() - g0;
      retained = Math.max(retained, process.memoryUsage().heapUsed);
    }
  }
  return {
    bytes,
    ms: performance.now() - start - gcMs,
    peakHeapGrowthMb: (peak - base) / MB,
    retainedGrowthMb: gc ? (retained - base) / MB : null,
  };
}

async function storeRoundTrip(rows: number): Promise<BenchRow[]> {
  // idb needs the IDB* classes as globals; install fake-indexeddb's only when there are none. The
  // specifier is a variable because the /auto entry ships no type declarations.
  const installGlobals = 'fake-indexeddb/auto';
  if (typeof (globalThis as { IDBRequest?: unknown }).IDBRequest === 'undefined') await import(installGlobals);
  const { IDBFactory } = await import('fake-indexeddb');
  const { openMeterStore } = await import('../src/store/meter-store');
  const store = await openMeterStore('bench', { factory: new IDBFactory(), storage: null, pageSize: 1000 });
  try {
    const fillStart = performance.now();
    let batch: Reading[] = [];
    for await (const r of synthetic(rows)) {
      batch.push(r);
      if (batch.length === 1000) {
        await store.addReadings(batch);
        batch = [];
      }
    }
    if (batch.length) await store.addReadings(batch);
    const fillMs = performance.now() - fillStart;
    const result = await drainCounting(readingsCsvStream(store.iterateReadings(), { timeZone: ZONE }));
    return [
      { name: 'idb write (fake-indexeddb), 1,000 readings a transaction', value: Math.round(rows / (fillMs / 1000)), unit: 'rows/s', note: `${rows} rows` },
      { name: 'idb iterateReadings -> CSV (fake-indexeddb)', value: Math.round(rows / (result.ms / 1000)), unit: 'rows/s', note: `${rows} rows, pages of 1000` },
      { name: 'idb iterateReadings -> CSV peak heap growth', value: round2(result.peakHeapGrowthMb), unit: 'MB', note: 'heapUsed incl. garbage; fake-indexeddb holds the db in this heap too' },
    ];
  } finally {
    store.close();
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export async function run(): Promise<BenchRow[]> {
  const rows = 1_000_000;
  const csv = await drainCounting(readingsCsvStream(synthetic(rows), { timeZone: ZONE }));
  const out: BenchRow[] = [
    { name: 'CSV export, streaming encoder', value: Math.round(rows / (csv.ms / 1000)), unit: 'rows/s', note: `${rows} synthetic readings, ISO times ${ZONE}` },
    { name: 'CSV export, bytes written', value: round2(csv.bytes / MB), unit: 'MB' },
    { name: 'CSV export, peak heap growth', value: round2(csv.peakHeapGrowthMb), unit: 'MB', note: 'heapUsed incl. uncollected garbage' },
  ];
  if (csv.retainedGrowthMb !== null) {
    out.push({ name: 'CSV export, retained heap growth after GC', value: round2(csv.retainedGrowthMb), unit: 'MB', note: 'target: flat, a few MB whatever the row count' });
  }
  out.push(...(await storeRoundTrip(100_000)));
  return out;
}

// Run directly: `npx tsx bench/export.bench.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => console.table(rows), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
