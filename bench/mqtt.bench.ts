import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '../src/core/reading';
import { MqttOutput } from '../src/outputs/mqtt/publisher';
import { Spool } from '../src/outputs/mqtt/spool';
import { startBroker, subscribeAll, waitFor } from '../src/outputs/mqtt/test-broker';
import type { BenchRow } from './types';

/**
 * The MQTT output against a real local Mosquitto (Debian's, started on a free loopback port): a
 * simulated site of 1,500 meters × 20 registers = 30,000 signals, committed one meter's exchange at a
 * time (20 readings, as the engine commits them) into the spool and published at QoS 1. The readings
 * are made here, not read over a wire: how fast meters can be read is bench/turnarounds and
 * bench/whole-meter; this is whether publishing can keep up. Also: the spool's write rate (fsync'd
 * batches, no broker) and its drain rate (30,000 spooled readings to the broker after an outage).
 * A subscriber to `#` counts arrivals, so "published" means the broker delivered them.
 */
const METERS = 1500;
const SIGNALS = 20;
const TOTAL = METERS * SIGNALS;
const OBIS = Array.from({ length: SIGNALS }, (_, i) => `1.0.${1 + (i % 80)}.${i < 10 ? 8 : 7}.${i % 5}.255`);

function meterReadings(m: number, ts: number): Reading[] {
  return OBIS.map((address, i) => ({
    ts,
    device_alias: `meter${m}`,
    signal_alias: `r${i}`,
    value: 1000 * m + i + 0.25,
    unit: i < 10 ? 'Wh' : 'W',
    quality: 'good',
    address,
    decimals: 2,
  }));
}

function cpuShare(start: NodeJS.CpuUsage, wallMs: number): number {
  const u = process.cpuUsage(start);
  return ((u.user + u.system) / 1000 / wallMs) * 100;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const broker = await startBroker({ extra: process.env.BENCH_MQTT_EXTRA ? process.env.BENCH_MQTT_EXTRA.split(';') : [] });
  const dir = mkdtempSync(join(tmpdir(), 'meterscope-mqtt-bench-'));
  try {
    // QoS 0 to the counting subscriber: Mosquitto queues at most 1,000 QoS 1 messages for a slow one
    // (max_queued_messages) and keeps 20 in flight to it; the poller's side is QoS 1 throughout.
    const sub = await subscribeAll(broker.url, { qos: 0 });
    const count = () => sub.messages.length;
    // 1. Live: commit meter by meter, publish as they come.
    {
      const spool = await Spool.open({ dir: join(dir, 'live'), maxRecords: 1_000_000 });
      const out = await MqttOutput.create({ url: broker.url, prefix: 'bench', pollerId: 'live', qos: 1, retain: false, haDiscovery: false, spool, notice: () => undefined, onFinal: () => undefined });
      out.start();
      await waitFor('connected', () => out.connected);
      const before = count();
      const rss0 = process.memoryUsage().rss;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const ts = Date.now();
      // One meter's exchange per commit, as the engine does; many meters commit concurrently.
      const commits: Promise<void>[] = [];
      for (let m = 0; m < METERS; m++) commits.push(out.commit(meterReadings(m, ts)));
      await Promise.all(commits);
      await out.drain(120_000);
      const ackMs = performance.now() - t0;
      // The broker's PUBACKs are in; wait for the subscriber to have them too (the wanted figure).
      await waitFor('delivery', () => count() - before >= TOTAL + 0, 120_000).catch(() => undefined);
      const ms = performance.now() - t0;
      const got = count() - before;
      rows.push({ name: 'MQTT: 30,000-signal site published at QoS 1 (commit -> spool -> broker -> subscriber)', value: (got / ms) * 1000, unit: 'readings/s', note: `goal >= 10,000/s on two cores; ${got} of ${TOTAL} delivered in ${(ms / 1000).toFixed(2)} s` });
      rows.push({ name: '  acknowledged by the broker (PUBACK)', value: (TOTAL / ackMs) * 1000, unit: 'readings/s', note: `all ${TOTAL} PUBACKs in ${(ackMs / 1000).toFixed(2)} s` });
      const cpuMs = ((): number => {
        const u = process.cpuUsage(cpu0);
        return (u.user + u.system) / 1000;
      })();
      rows.push({ name: '  poller CPU during that', value: cpuShare(cpu0, ms), unit: '% of a core', note: 'this process (spool + mqtt.js + the subscriber counting); Mosquitto not included' });
      rows.push({ name: '  poller CPU per reading', value: (cpuMs * 1000) / TOTAL, unit: 'µs', note: `${Math.round((TOTAL / cpuMs) * 1000).toLocaleString('en-US')} readings/s per core of CPU: the rate a free core would allow this process` });
      rows.push({ name: '  poller memory growth', value: (process.memoryUsage().rss - rss0) / 1e6, unit: 'MB', note: `RSS now ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB` });
      await out.close();
    }
    // 2. Spool write rate with no broker: fsync'd batches of one meter each.
    const spoolDir = join(dir, 'outage');
    {
      const spool = await Spool.open({ dir: spoolDir, maxRecords: 1_000_000 });
      const t0 = performance.now();
      const ts = Date.now();
      await Promise.all(Array.from({ length: METERS }, (_, m) => spool.append(meterReadings(m, ts).map((r) => ({ ts: new Date(r.ts).toISOString(), device_alias: r.device_alias, signal_alias: r.signal_alias, value: r.value, unit: r.unit ?? null, quality: r.quality, error: null, raw: null, address: r.address!, decimals: r.decimals! })))));
      const ms = performance.now() - t0;
      rows.push({ name: 'MQTT spool write (broker away): 30,000 readings in 1,500 commits', value: (TOTAL / ms) * 1000, unit: 'readings/s', note: 'appended and fsync\'d (group commit); on this machine\'s disk' });
      await spool.close();
    }
    // 3. Drain: a poller restarted after an outage publishes what waited, in order.
    {
      const spool = await Spool.open({ dir: spoolDir, maxRecords: 1_000_000 });
      const before = count();
      const out = await MqttOutput.create({ url: broker.url, prefix: 'bench', pollerId: 'drain', qos: 1, retain: false, haDiscovery: false, spool, notice: () => undefined, onFinal: () => undefined });
      const t0 = performance.now();
      out.start();
      await out.drain(120_000);
      await waitFor('delivery', () => count() - before >= TOTAL, 120_000).catch(() => undefined);
      const ms = performance.now() - t0;
      rows.push({ name: 'MQTT spool drain after an outage (QoS 1, in order)', value: ((count() - before) / ms) * 1000, unit: 'readings/s', note: `${count() - before} of ${TOTAL} delivered in ${(ms / 1000).toFixed(2)} s, connection included` });
      await out.close();
    }
    await sub.close();
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
