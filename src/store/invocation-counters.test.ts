import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openMeterStore } from './index';
import { IdbInvocationCounterStore } from './invocation-counters';

describe('invocation counters in IndexedDB', () => {
  it('persist per meter and client across store connections and never go backwards', async () => {
    const factory = new IDBFactory();
    const first = new IdbInvocationCounterStore(() => openMeterStore('ic-test', { factory }));
    expect(await first.get('meter-A', 0x30)).toBeUndefined();
    await first.set('meter-A', 0x30, 41);
    await first.set('meter-B', 0x30, 7);
    const again = new IdbInvocationCounterStore(() => openMeterStore('ic-test', { factory }));
    expect(await again.get('meter-A', 0x30)).toBe(41);
    expect(await again.get('meter-A', 0x31)).toBeUndefined();
    await expect(again.set('meter-A', 0x30, 40)).rejects.toMatchObject({ code: 'PROTOCOL' });
    await again.set('meter-A', 0x30, 42);
    expect(await first.get('meter-A', 0x30)).toBe(42);
    await expect(again.set('meter-A', 0x30, 2 ** 32)).rejects.toMatchObject({ code: 'PROTOCOL' });
  });
});
