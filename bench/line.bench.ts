import { VirtualClock } from '../src/core/virtual-clock';
import { createSerialPair } from '../src/core/memory-link';
import { LINE_9600_8N1 } from '../src/core/link';
import type { BenchRow } from './types';

/** How fast the virtual serial line runs: it must never be what limits a virtual-time test or bench. */
export async function run(): Promise<BenchRow[]> {
  const clock = new VirtualClock();
  const { client, meter } = createSerialPair(clock, { line: LINE_9600_8N1 });
  const total = 2_000_000;
  const chunk = new Uint8Array(1024).map((_, i) => i & 0xff);
  const started = performance.now();
  let received = 0;
  await clock.run(async () => {
    const reader = (async () => {
      while (received < total) received += (await client.read(1000)).length;
    })();
    for (let sent = 0; sent < total; sent += chunk.length) await meter.write(chunk.subarray(0, Math.min(chunk.length, total - sent)));
    await reader;
  });
  const seconds = (performance.now() - started) / 1000;
  const virtualSeconds = clock.now() / 1000;
  return [
    { name: 'virtual line throughput', value: received / seconds / 1e6, unit: 'MB/s', note: `${(total / 1e6).toFixed(0)} MB at 9600 8N1 through the memory wire` },
    { name: 'virtual line speed-up', value: virtualSeconds / seconds, unit: 'x real time', note: `${virtualSeconds.toFixed(0)} s of line time in ${seconds.toFixed(2)} s` },
  ];
}
