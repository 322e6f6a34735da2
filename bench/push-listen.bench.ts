import type { BenchRow } from './types';
import { validateConfig } from '../src/config/validate';
import type { Clock } from '../src/core/clock';
import type { Link } from '../src/core/link';
import { createSerialPair } from '../src/core/memory-link';
import type { Reading } from '../src/core/reading';
import { realClock } from '../src/core/real-clock';
import { VirtualClock } from '../src/core/virtual-clock';
import { Engine } from '../src/engine/engine';
import { startPushMeter, type SimPushMeter } from '../src/sim/push/push-meter';

/**
 * Issue 14: what listening to a push port costs the worker. The whole chain the worker runs - the
 * engine's push runner, the PushListener (HDLC deframing, AES-GCM through WebCrypto, the Kamstrup-like
 * list) and the Publisher handing readings to a commit - against the simulated meter over a memory
 * wire at 2400 8E1. The store's commit is a counter here (IndexedDB is the browser's cost, not ours).
 * - per push: the line's bytes recorded once from the simulator, then replayed into the engine at full
 *   speed, so only the runner, the listener and the publisher run: CPU per push, times one push a second;
 * - real time: process CPU over wall time while the simulated meter pushes every second, beside the same
 *   meter and wire with a bare reader (Node's own idle share is in both).
 */

const EK = '000102030405060708090a0b0c0d0e0f';
const AK = 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf';
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

function rig(clock: Clock, intervalMs: number, openLink?: () => Promise<Link>) {
  const checked = validateConfig({
    devices: [
      {
        name: 'HAN',
        device_alias: 'han',
        protocol: 'DLMS',
        mode: 'PUSH',
        device: 'HAN1',
        baudrate: 2400,
        databits: 8,
        parity: 'even',
        stopbits: 1,
        push_interval_ms: intervalMs,
        push_all_values: 1,
        block_cipher_key: EK,
        authentication_key: AK,
      },
    ],
    signals: [],
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const meters: SimPushMeter[] = [];
  let readings = 0;
  const engine = new Engine({
    config: checked.config,
    clock,
    openLink: openLink ?? (async () => {
      const pair = createSerialPair(clock, { line: { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 } });
      meters.push(startPushMeter(clock, pair.meter, { profile: 'kamstrup-list1', linkLayer: 'hdlc', intervalMs, blockCipherKey: hex(EK), authenticationKey: hex(AK) }));
      return pair.client;
    }),
    createDriver: () => {
      throw new Error('not polled');
    },
    commit: async (r: Reading[]) => {
      readings += r.length;
    },
    onEvent: () => undefined,
  });
  return { engine, meters, readings: () => readings };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const HAN_LINE = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 } as const;

/** What the line delivered to the reader, chunk by chunk, for `n` pushes of the simulated meter. */
async function record(n: number): Promise<Uint8Array[]> {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: HAN_LINE });
  const meter = startPushMeter(clock, pair.meter, { profile: 'kamstrup-list1', linkLayer: 'hdlc', intervalMs: 1000, blockCipherKey: hex(EK), authenticationKey: hex(AK) });
  const chunks: Uint8Array[] = [];
  await clock.run(async () => {
    const end = clock.now() + n * 1000 + 900;
    while (clock.now() < end) {
      const c = await pair.client.read(end - clock.now());
      if (c.length > 0) chunks.push(c);
    }
  });
  meter.stop();
  return chunks;
}

/** A line that gives back a recording as fast as it is read, then says when it has run dry. */
function replayLink(chunks: Uint8Array[], drained: () => void): Link {
  let i = 0;
  return {
    kind: 'serial',
    line: HAN_LINE,
    write: async () => undefined,
    read: () => {
      if (i < chunks.length) return Promise.resolve(chunks[i++]);
      drained();
      return new Promise<Uint8Array>(() => undefined);
    },
    setLine: async () => undefined,
    discardInput: () => undefined,
    close: async () => undefined,
  };
}

/** CPU of the push runner + listener + publisher alone, per push: the recorded line replayed at full speed. */
async function perPush(): Promise<BenchRow[]> {
  const n = 300;
  const chunks = await record(n);
  const pass = async () => {
    let done!: () => void;
    const drained = new Promise<void>((r) => (done = r));
    const { engine, readings } = rig(realClock, 1000, async () => replayLink(chunks, done));
    const before = process.cpuUsage();
    const wall0 = performance.now();
    engine.start();
    await drained;
    const used = cpuMs(process.cpuUsage(before));
    const wall = performance.now() - wall0;
    await engine.stop();
    return { used, wall, pushes: Math.round(readings() / 10) };
  };
  await pass(); // warm-up: JIT, the key import
  const { used, wall, pushes } = await pass();
  return [
    { name: 'push listen: CPU per push (runner + listener)', value: used / pushes, unit: 'ms', note: `${pushes} ciphered Kamstrup-like pushes (10 values) replayed from the line, ${chunks.length} reads; wall ${Math.round(wall)} ms` },
    { name: 'push listen: CPU share at 1 push/s', value: used / pushes / 10, unit: '%', note: 'goal < 0.1 %; CPU per push x 1 push/s; no trace logger' },
  ];
}

/** Real time: the whole chain with the simulated meter, against the same meter and wire with a bare reader. */
async function realTime(): Promise<BenchRow[]> {
  const seconds = 8;
  const share = async (start: () => () => Promise<void>): Promise<number> => {
    const stop = start();
    await new Promise((r) => setTimeout(r, 2000)); // warm-up: JIT, the first key import
    const before = process.cpuUsage();
    const wall0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const used = cpuMs(process.cpuUsage(before));
    const wall = performance.now() - wall0;
    await stop();
    return (100 * used) / wall;
  };
  const full = await share(() => {
    const { engine, meters } = rig(realClock, 1000);
    engine.start();
    return async () => {
      await engine.stop();
      for (const m of meters) m.stop();
    };
  });
  const bare = await share(() => {
    const pair = createSerialPair(realClock, { line: HAN_LINE });
    const meter = startPushMeter(realClock, pair.meter, { profile: 'kamstrup-list1', linkLayer: 'hdlc', intervalMs: 1000, blockCipherKey: hex(EK), authenticationKey: hex(AK) });
    let on = true;
    void (async () => {
      while (on) await pair.client.read(5000).catch(() => undefined);
    })();
    return async () => {
      on = false;
      meter.stop();
      await pair.client.close();
    };
  });
  return [
    { name: 'push listen: process CPU, meter + wire + listener, real time', value: full, unit: '%', note: `${seconds} s at 1 push/s, 2400 8E1 memory wire` },
    { name: 'push listen: process CPU, meter + wire + bare reader', value: bare, unit: '%', note: 'the same without runner and listener; the difference is theirs (noisy at this scale)' },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [...(await perPush()), ...(await realTime())];
}
