import type { BenchRow } from './types';
import { clientAddress, serverAddress } from '../src/protocols/hdlc/address';
import { crc16x25 } from '../src/protocols/hdlc/crc';
import { HdlcFrameExtractor } from '../src/protocols/hdlc/extractor';
import { decodeFrame, encodeFrame } from '../src/protocols/hdlc/frame';
import { HdlcClient } from '../src/protocols/hdlc/client-session';
import { HdlcServer } from '../src/protocols/hdlc/server-session';
import { createSerialPair } from '../src/core/memory-link';
import { VirtualClock } from '../src/core/virtual-clock';
import { LINE_9600_8N1 } from '../src/core/link';

/** Run `fn` repeatedly for about `ms` of wall time; returns operations per second. */
function rate(fn: () => void, ms = 400): number {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dest = serverAddress({ logical: 1, physical: 17, size: 2 });
  const src = clientAddress(0x10);
  const info = Uint8Array.from({ length: 128 }, (_, i) => (i * 7) & 0xff);
  let sink = 0;

  const fps = rate(() => {
    const f = encodeFrame({ type: 'I', ns: 3, nr: 5, pf: true, segmented: true, dest, src, info });
    sink += decodeFrame(f).info.length;
  });
  rows.push({ name: 'hdlc encode+decode, 128-byte information field', value: Math.round(fps), unit: 'frames/s' });

  const buf = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
  const crcPerSec = rate(() => {
    sink ^= crc16x25(buf);
  }, 600);
  rows.push({ name: 'CRC-16/X.25 throughput', value: +((crcPerSec * buf.length) / 1e6).toFixed(1), unit: 'MB/s', note: '1 MiB buffer, table-driven' });

  const frame = encodeFrame({ type: 'I', ns: 0, nr: 0, pf: true, dest, src, info });
  const stream = new Uint8Array(frame.length * 500);
  for (let i = 0; i < 500; i++) stream.set(frame, i * frame.length);
  const exPerSec = rate(() => {
    const ex = new HdlcFrameExtractor();
    for (let o = 0; o < stream.length; o += 64) sink += ex.push(stream.subarray(o, o + 64)).length;
  }, 400);
  rows.push({ name: 'frame extractor throughput', value: +((exPerSec * stream.length) / 1e6).toFixed(1), unit: 'MB/s', note: '64-byte chunks' });

  // A whole exchange under virtual time: wall-clock cost of the session logic, and the line time it models.
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const p = { maxInfoTx: 128, maxInfoRx: 128, windowTx: 7, windowRx: 7 };
  const response = new Uint8Array(32 * 1024);
  const server = new HdlcServer(pair.meter, clock, { address: dest, supported: p, handler: async () => response });
  const client = new HdlcClient(pair.client, clock, { server: dest, client: 0x10, proposal: p });
  const serving = server.serve();
  const t0 = performance.now();
  await clock.run(async () => {
    await client.connect();
    sink += (await client.request(Uint8Array.of(0xc0, 0x01))).length;
    await client.disconnect();
    pair.unplug();
    await serving;
  });
  rows.push({ name: 'session: 32 KiB response at 9600 8N1, window 7', value: +(performance.now() - t0).toFixed(1), unit: 'ms wall', note: `${(clock.now() / 1000).toFixed(1)} s of virtual line time, ${client.stats.framesReceived} frames` });

  if (sink === 0.5) rows.push({ name: 'unreachable', value: 0, unit: '' });
  return rows;
}
