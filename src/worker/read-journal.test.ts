import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openMeterStore } from '../store/meter-store';
import { READ_MARK_SETTING, ReadJournal } from './read-journal';

async function freshStore() {
  return openMeterStore('journal', { factory: new IDBFactory(), storage: null });
}

describe('ReadJournal (what survives a reload)', () => {
  it('remembers the last loaded configuration exactly as text', async () => {
    const store = await freshStore();
    const journal = new ReadJournal(async () => store, () => 1000);
    expect(await journal.lastConfig()).toBeUndefined();
    await journal.rememberConfig('Site A', '{ "devices": [],\n "signals": [] }');
    // A new worker after the reload: a new journal over the same store.
    const after = new ReadJournal(async () => store, () => 2000);
    expect(await after.lastConfig()).toEqual({ name: 'Site A', text: '{ "devices": [],\n "signals": [] }', loadedAt: 1000 });
    store.close();
  });

  it('reports a read cut off by a reload as interrupted, once, and nothing after a read that ended', async () => {
    const store = await freshStore();
    let now = Date.UTC(2026, 10, 25, 12);
    const journal = new ReadJournal(async () => store, () => now);
    const endA = journal.begin('read', 'demo_dlms');
    const endB = journal.begin('read', 'demo_iec');
    await endA();
    // The page goes away here, with demo_iec still being read.
    void endB;
    await new Promise((r) => setTimeout(r, 0));
    now += 60_000;
    const next = new ReadJournal(async () => store, () => now);
    const events = await next.recoverInterrupted();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ device_alias: 'demo_iec', kind: 'interrupted' });
    expect(events[0]!.message).toMatch(/^A read started at 2026-11-25T12:00:00.000Z was interrupted/);
    expect((await store.queryEvents()).map((e) => e.kind)).toEqual(['interrupted']);
    expect(await next.recoverInterrupted()).toEqual([]);

    const end = next.begin('polling');
    await end();
    expect(await store.getSetting(READ_MARK_SETTING)).toBeNull();
    expect(await new ReadJournal(async () => store, () => now).recoverInterrupted()).toEqual([]);
    store.close();
  });
});
