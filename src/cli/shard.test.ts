import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config';
import type { MeterConfig } from '../config/types';
import { fnv1a32, selectShard, shardOf } from './shard';

/** A site of TCP meters (some behind one gateway port, told apart by address) and two RS-485 buses. */
function site(): MeterConfig {
  const devices: Record<string, unknown>[] = [];
  const signals: Record<string, unknown>[] = [];
  for (let i = 0; i < 60; i++) {
    devices.push({ name: `m${i}`, device_alias: `tcp${i}`, protocol: 'IEC 62056-21', ip: `10.0.${i % 7}.${i}`, port: 4000 + (i % 3), serialnumber: String(10_000 + i) });
  }
  for (let i = 0; i < 10; i++) devices.push({ name: `b${i}`, device_alias: `bus${i}`, protocol: 'IEC 62056-21', device: `/dev/ttyUSB${i % 2}`, serialnumber: String(i) });
  for (const d of devices) signals.push({ signal_name: 'e', device_alias: d.device_alias, signal_alias: 'energy', tag_job_todo: '1.8.0', number_type: 'FLOAT' });
  const r = validateConfig({ devices, signals });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('--shard I/N', () => {
  const config = site();

  it('4 shards cover every device of the site exactly once, with its signals', () => {
    const shards = [0, 1, 2, 3].map((index) => selectShard(config, { index, count: 4 }));
    const seen = shards.flatMap((s) => s.devices.map((d) => d.device_alias)).sort();
    expect(seen).toEqual(config.devices.map((d) => d.device_alias).sort());
    for (const s of shards) {
      expect(s.devices.length).toBeGreaterThan(0);
      expect(s.signals.every((sig) => s.devices.some((d) => d.device_alias === sig.device_alias))).toBe(true);
    }
    expect(shards.reduce((n, s) => n + s.signals.length, 0)).toBe(config.signals.length);
  });

  it('devices on one serial port stay on one poller (one machine owns the bus)', () => {
    for (const count of [2, 3, 4, 7]) {
      const buses = new Map<string, Set<number>>();
      for (const d of config.devices.filter((x) => x.transport === 'serial')) {
        const set = buses.get(d.device!) ?? new Set<number>();
        set.add(shardOf(d, count));
        buses.set(d.device!, set);
      }
      for (const set of buses.values()) expect(set.size).toBe(1);
    }
  });

  it('stable across runs and config reorderings: a device\'s shard depends on the device only', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(config.devices, { minLength: 1 }), fc.integer({ min: 1, max: 16 }), (devices, count) => {
        const reordered = { ...config, devices, signals: config.signals };
        for (let index = 0; index < count; index++) {
          for (const d of selectShard(reordered, { index, count }).devices) expect(shardOf(d, count)).toBe(index);
        }
      }),
    );
  });

  it('FNV-1a 32 as published (test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});
