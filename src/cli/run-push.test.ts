/**
 * The CLI on a PUSH device (issue 14), with examples/han-push.json: `meterscope -c han-push.json
 * --format jsonl` prints every push as readings, one line each, while it listens; under virtual time,
 * the simulator's push port (src/cli/sim-push.ts) on the far end of a memory wire.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSerialPair } from '../core/memory-link';
import { VirtualClock } from '../core/virtual-clock';
import type { InvocationCounterStore } from '../protocols/dlms-client/invocation-counter';
import { parseArgs, type ReadCommand } from './args';
import { runRead } from './run';
import { servePushMeter } from './sim-push';

const example = readFileSync(new URL('../../examples/han-push.json', import.meta.url), 'utf8');

function readCmd(argv: string[]): ReadCommand {
  const r = parseArgs(argv);
  if (!r.ok || r.value.command !== 'read') throw new Error('bad test arguments');
  return r.value;
}

class MemoryCounters implements InvocationCounterStore {
  readonly map = new Map<string, number>();
  async get(meter: string) {
    return this.map.get(meter);
  }
  async set(meter: string, _client: number, value: number) {
    this.map.set(meter, value);
  }
}

async function listen(argv: string[], ms: number) {
  const clock = new VirtualClock();
  const stop = new AbortController();
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  const counters = new MemoryCounters();
  const served: Promise<void>[] = [];
  const code = await clock.run(async () => {
    clock.schedule(ms, () => stop.abort());
    return runRead(readCmd(argv), io, {
      readFile: async () => example,
      clock,
      stop: stop.signal,
      pushCounterStore: counters,
      openLink: async () => {
        const pair = createSerialPair(clock, { kind: 'stream' });
        served.push(servePushMeter(pair.meter, clock, stop.signal).catch(() => undefined));
        return pair.client;
      },
    });
  });
  return { code, io, counters };
}

describe('meterscope -c han-push.json (PUSH device)', () => {
  it('prints each push as readings, one JSON line per reading, until stopped', async () => {
    const { code, io, counters } = await listen(['-c', 'han-push.json', '--format', 'jsonl'], 7_000);
    expect(code).toBe(0);
    expect(io.err).toBe('');
    const lines = io.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const power = lines.filter((l) => l.signal_alias === 'p_import');
    // Pushes at 2, 4 and 6 s.
    expect(power).toHaveLength(3);
    expect(power.every((l) => l.device_alias === 'han_sim' && l.quality === 'good' && l.unit === 'W' && typeof l.value === 'number')).toBe(true);
    // push_all_values: the rest of the list, named by OBIS.
    expect(lines.some((l) => l.signal_alias === '1.1.32.7.0.255')).toBe(true);
    expect(counters.map.get('push:4b414d0012345678')).toBe(3);
    // The keys are in the file, never in the output.
    expect(io.out).not.toContain('4d6574657253636f706544656d6f2121');
  });

  it('--once waits for one push and exits 0', async () => {
    const { code, io } = await listen(['-c', 'han-push.json', '--once'], 60_000);
    expect(code).toBe(0);
    expect(io.out.trim().split('\n').filter((l) => l.includes('"p_import"'))).toHaveLength(1);
  });
});
