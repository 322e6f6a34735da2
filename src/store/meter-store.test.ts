import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore as FakeObjectStore, IDBTransaction as FakeTransaction } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeterError } from '../core/errors';
import type { Reading } from '../core/reading';
import { openMeterStore, PERSIST_SETTING, type MeterStore, type StorageManagerLike } from './meter-store';

const opened: MeterStore[] = [];

async function freshStore(options: Parameters<typeof openMeterStore>[1] = {}): Promise<MeterStore> {
  const store = await openMeterStore('test', { factory: new IDBFactory(), storage: null, ...options });
  opened.push(store);
  return store;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) s.close();
});

function reading(device: string, signal: string, ts: number, value: Reading['value'] = ts): Reading {
  return { ts, device_alias: device, signal_alias: signal, value, unit: 'kWh', quality: 'good', address: '1.8.0' };
}

/** Three devices, two signals, readings every 10 s; one poll = all signals of all devices at one ts. */
function polls(count: number, t0 = 1_700_000_000_000): Reading[][] {
  const out: Reading[][] = [];
  for (let i = 0; i < count; i++) {
    const ts = t0 + i * 10_000;
    out.push(['m1', 'm2', 'm3'].flatMap((d) => ['e', 'p'].map((s) => reading(d, s, ts, i))));
  }
  return out;
}

describe('configs and settings', () => {
  it('saves, lists, reads back and deletes configurations keeping the raw text', async () => {
    const store = await freshStore();
    const raw = '{\n  "devices": [{"client_address": "0x10"}],\n  "signals": []\n}';
    await store.saveConfig('site A', raw);
    await store.saveConfig('site B', '{}');
    expect((await store.getConfig('site A'))?.raw).toBe(raw);
    expect((await store.listConfigs()).map((c) => c.name)).toEqual(['site A', 'site B']);
    await store.deleteConfig('site A');
    expect(await store.getConfig('site A')).toBeUndefined();
  });

  it('stores settings of any shape', async () => {
    const store = await freshStore();
    expect(await store.getSetting('theme')).toBeUndefined();
    await store.setSetting('theme', { dark: true });
    expect(await store.getSetting<{ dark: boolean }>('theme')).toEqual({ dark: true });
  });
});

describe('readings', () => {
  it('adds a poll and queries by device, signal and time window in time order', async () => {
    const store = await freshStore();
    for (const p of polls(5)) await store.addReadings(p);
    expect(await store.countReadings()).toBe(30);
    expect(await store.countReadings({ device_alias: 'm2' })).toBe(10);
    const e = await store.queryReadings({ device_alias: 'm2', signal_alias: 'e' });
    expect(e.map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    const window = await store.queryReadings({ device_alias: 'm1', from: 1_700_000_010_000, to: 1_700_000_030_000 });
    expect(window).toHaveLength(6);
    expect(window.every((r) => r.ts >= 1_700_000_010_000 && r.ts <= 1_700_000_030_000)).toBe(true);
    const newest = await store.queryReadings({ device_alias: 'm3', signal_alias: 'p', newestFirst: true, limit: 2 });
    expect(newest.map((r) => r.value)).toEqual([4, 3]);
    expect(await store.countReadings({ signal_alias: 'p' })).toBe(15);
    expect(await store.queryReadings({ from: 10, to: 5 })).toEqual([]);
  });

  it('does not mutate the caller’s readings and returns the stored id', async () => {
    const store = await freshStore();
    const r = reading('m1', 'e', 1);
    await store.addReadings([r]);
    expect('id' in r).toBe(false);
    const [stored] = await store.queryReadings();
    expect(typeof stored.id).toBe('number');
    expect(stored).toMatchObject(r);
  });

  it.each([1, 2, 4, 1000])('iterates with page size %i without losing or repeating rows that share a timestamp', async (pageSize) => {
    // 6 readings a poll share one ts: with small pages a run of equal keys spans several pages.
    const store = await freshStore({ pageSize });
    for (const p of polls(7)) await store.addReadings(p);
    const expected = (await store.queryReadings()).map((r) => r.id);
    const forward: number[] = [];
    for await (const r of store.iterateReadings()) forward.push(r.id);
    expect(forward).toHaveLength(42);
    expect(new Set(forward).size).toBe(42);
    expect(forward).toEqual(expected);
    const backwards: number[] = [];
    for await (const r of store.iterateReadings({ newestFirst: true })) backwards.push(r.id);
    expect(new Set(backwards).size).toBe(42);
    const ts = (await store.queryReadings({ newestFirst: true })).map((r) => r.ts);
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    const limited: number[] = [];
    for await (const r of store.iterateReadings({ device_alias: 'm1', limit: 9 })) limited.push(r.id);
    expect(limited).toHaveLength(9);
    const bySignal: number[] = [];
    for await (const r of store.iterateReadings({ signal_alias: 'p', from: 1_700_000_020_000 })) bySignal.push(r.value as number);
    expect(bySignal).toEqual([2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]);
  });

  it('an export sees rows deleted or added while it runs consistently (no repeats)', async () => {
    const store = await freshStore({ pageSize: 4 });
    for (const p of polls(3)) await store.addReadings(p);
    const seen: { id: number; ts: number }[] = [];
    for await (const r of store.iterateReadings()) {
      if (seen.length === 5) {
        // Pages 1 and 2 (8 rows) are already in hand; the 10 rows after them lose their 2 m1 rows.
        await store.deleteReadings({ device_alias: 'm1' });
        await store.addReadings(polls(1, 1_900_000_000_000)[0]);
      }
      seen.push({ id: r.id, ts: r.ts });
    }
    expect(new Set(seen.map((r) => r.id)).size).toBe(seen.length);
    expect(seen).toHaveLength(8 + 8 + 6);
    expect(seen.slice(-6).every((r) => r.ts === 1_900_000_000_000)).toBe(true);
  });

  it('keeps iterating when the consumer is slow (each page is its own transaction)', async () => {
    const store = await freshStore({ pageSize: 3 });
    for (const p of polls(2)) await store.addReadings(p);
    let n = 0;
    for await (const _ of store.iterateReadings()) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      n++;
    }
    expect(n).toBe(12);
  });

  it('deletes by filter and reports how many', async () => {
    const store = await freshStore();
    for (const p of polls(3)) await store.addReadings(p);
    expect(await store.deleteReadings({ device_alias: 'm1', signal_alias: 'e' })).toBe(3);
    expect(await store.deleteReadings({ signal_alias: 'p' })).toBe(9);
    expect(await store.countReadings()).toBe(6);
    expect(await store.deleteReadings()).toBe(6);
    expect(await store.countReadings()).toBe(0);
  });
});

describe('failed writes leave nothing behind', () => {
  it('turns a QuotaExceededError thrown partway through a poll into STORAGE_FULL and writes none of it', async () => {
    const store = await freshStore();
    await store.addReadings(polls(1)[0]);
    const realAdd = FakeObjectStore.prototype.add;
    let calls = 0;
    vi.spyOn(FakeObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore, ...args) {
      if (++calls === 4) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realAdd.apply(this, args);
    });
    const err = await store.addReadings(polls(2, 1_800_000_000_000)[1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('STORAGE_FULL');
    expect((err as MeterError).message).toContain('saving 6 readings');
    vi.restoreAllMocks();
    expect(calls).toBe(4);
    expect(await store.countReadings()).toBe(6); // only the earlier poll
    expect(await store.countReadings({ from: 1_800_000_000_000 })).toBe(0);
  });

  it('maps a quota failure that surfaces asynchronously, as the transaction error, to STORAGE_FULL', async () => {
    const store = await freshStore();
    // fake-indexeddb queues every write as an operation run later; failing the 3rd one reproduces a
    // browser that accepts the put() call and then aborts the transaction with QuotaExceededError.
    // The internal method is not in its typings, hence the structural cast.
    type Queue = { _execRequestAsync(obj: { operation?: () => unknown }): unknown };
    const proto = FakeTransaction.prototype as unknown as Queue;
    const realExec = proto._execRequestAsync;
    let writes = 0;
    vi.spyOn(proto, '_execRequestAsync').mockImplementation(function (this: Queue, obj) {
      if (obj.operation && ++writes === 3) {
        obj.operation = () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
      }
      return realExec.call(this, obj);
    });
    const err = await store.addReadings(polls(1)[0]).catch((e: unknown) => e);
    vi.restoreAllMocks();
    expect(writes).toBeGreaterThanOrEqual(3);
    expect((err as MeterError).code).toBe('STORAGE_FULL');
    expect(await store.countReadings()).toBe(0);
  });

  it('refuses a poll containing a reading that no index could find, writing none of it', async () => {
    const store = await freshStore();
    const poll = polls(1)[0];
    const err = await store.addReadings([...poll, { ...poll[0], ts: Number.NaN }]).catch((e: unknown) => e);
    expect((err as MeterError).code).toBe('STORAGE');
    expect((err as MeterError).message).toContain('Reading 6');
    expect(await store.countReadings()).toBe(0);
  });

  it('turns a failing request (constraint error) into STORAGE and rolls back the whole poll', async () => {
    const store = await freshStore();
    const poll = polls(1)[0];
    // A reading that cannot be cloned fails the put: the earlier ones of the poll must roll back.
    const bad = { ...poll[5], value: (() => 1) as unknown as number };
    const err = await store.addReadings([...poll.slice(0, 5), bad]).catch((e: unknown) => e);
    expect((err as MeterError).code).toBe('STORAGE');
    expect(await store.countReadings()).toBe(0);
  });
});

describe('profiles, events and traces', () => {
  it('saves and lists profiles without their rows, reads one back whole', async () => {
    const store = await freshStore();
    const id = await store.saveProfile({
      device_alias: 'm1',
      name: 'P.01',
      readAt: 5,
      columns: [{ name: 'time', isTime: true }, { name: '+A', unit: 'kWh', address: '1.5.0' }],
      rows: [[1, 0.5], [2, 0.7]],
    });
    await store.saveProfile({ device_alias: 'm2', name: 'P.98', readAt: 6, columns: [], rows: [] });
    const list = await store.listProfiles('m1');
    expect(list).toEqual([expect.objectContaining({ id, name: 'P.01', rowCount: 2 })]);
    expect(list[0]).not.toHaveProperty('rows');
    expect((await store.listProfiles()).map((p) => p.name)).toEqual(['P.01', 'P.98']);
    expect((await store.getProfile(id))?.rows).toEqual([[1, 0.5], [2, 0.7]]);
    await store.deleteProfile(id);
    expect(await store.getProfile(id)).toBeUndefined();
  });

  it('queries events by device and time', async () => {
    const store = await freshStore();
    await store.addEvents([
      { ts: 1, device_alias: 'm1', kind: 'change', message: 'a' },
      { ts: 2, device_alias: 'm2', kind: 'error', message: 'b' },
      { ts: 3, device_alias: 'm1', signal_alias: 'e', kind: 'change', message: 'c' },
    ]);
    expect((await store.queryEvents({ device_alias: 'm1' })).map((e) => e.message)).toEqual(['a', 'c']);
    expect((await store.queryEvents({ from: 2, newestFirst: true })).map((e) => e.message)).toEqual(['c', 'b']);
    expect(await store.queryEvents({ limit: 1 })).toHaveLength(1);
  });

  it('caps the trace store to the newest N entries and filters by port and level', async () => {
    const store = await freshStore({ traceCap: 10 });
    for (let batch = 0; batch < 3; batch++) {
      await store.addTraces(
        Array.from({ length: 6 }, (_, i) => ({
          ts: batch * 6 + i,
          port: i % 2 ? 'COM1' : 'COM2',
          level: i % 8,
          dir: 'tx' as const,
          text: `t${batch * 6 + i}`,
        })),
      );
    }
    const all = await store.queryTraces();
    expect(all.map((t) => t.ts)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect((await store.queryTraces({ port: 'COM1', newestFirst: true, limit: 2 })).map((t) => t.ts)).toEqual([17, 15]);
    expect((await store.queryTraces({ maxLevel: 1 })).every((t) => t.level <= 1)).toBe(true);
    await store.clearTraces();
    expect(await store.queryTraces()).toEqual([]);
  });
});

describe('storage manager', () => {
  function fakeStorage(): StorageManagerLike & { persist: ReturnType<typeof vi.fn> } {
    return {
      persist: vi.fn(async () => true),
      persisted: vi.fn(async () => true),
      estimate: vi.fn(async () => ({ usage: 1234, quota: 99999 })),
    };
  }

  it('requests persistence once, on the first save, and remembers it across sessions', async () => {
    const factory = new IDBFactory();
    const storage = fakeStorage();
    const store = await openMeterStore('p', { factory, storage });
    opened.push(store);
    expect(storage.persist).not.toHaveBeenCalled();
    await store.addReadings([reading('m1', 'e', 1)]);
    await store.saveConfig('x', '{}');
    await vi.waitFor(async () => expect(await store.getSetting(PERSIST_SETTING)).toMatchObject({ granted: true }));
    expect(storage.persist).toHaveBeenCalledTimes(1);
    store.close();
    const again = await openMeterStore('p', { factory, storage });
    opened.push(again);
    await again.saveConfig('y', '{}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(storage.persist).toHaveBeenCalledTimes(1);
  });

  it('reports the estimate, and degrades to nulls without a storage manager', async () => {
    const withManager = await freshStore({ storage: fakeStorage() });
    expect(await withManager.estimate()).toEqual({ usage: 1234, quota: 99999, persisted: true });
    const without = await freshStore({ storage: null });
    expect(await without.estimate()).toEqual({ usage: null, quota: null, persisted: false });
    expect(await without.requestPersistence()).toBe(false);
  });
});
