import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MeterKnowledge } from '../protocols/dlms-client/knowledge';
import { openMeterStore } from './meter-store';
import { IdbMeterKnowledgeStore } from './meter-knowledge';
import { UPGRADE_STEPS } from './schema';

describe('meter knowledge in IndexedDB', () => {
  it('keeps what was learnt per meter across connections, and forgets on request', async () => {
    const factory = new IDBFactory();
    const k = new MeterKnowledge();
    k.classes.set('0.0.44.0.0.255', 18);
    k.scalers.set('1.0.1.8.0.255:3', { scaler: -1, unit: 30 });
    k.lists = { mode: 'off', reason: 'a malformed list answer' };
    k.identity = '4d5343';
    const a = new IdbMeterKnowledgeStore('kn', factory);
    await a.save('PORT1/11/1', k.serialise());
    a.close();
    const b = new IdbMeterKnowledgeStore('kn', factory);
    const back = new MeterKnowledge();
    back.restore(await b.load('PORT1/11/1'));
    expect(back.classes.get('0.0.44.0.0.255')).toBe(18);
    expect(back.scalers.get('1.0.1.8.0.255:3')).toEqual({ scaler: -1, unit: 30 });
    expect(back.listNote).toBe('This meter answers lists unreliably: reading one by one.');
    expect(await b.load('other')).toBeUndefined();
    await b.forget('PORT1/11/1');
    expect(await b.load('PORT1/11/1')).toBeUndefined();
    b.close();
  });

  it('upgrades a version 1 database written by the meter store, keeping its data', async () => {
    const factory = new IDBFactory();
    const v1 = await openMeterStore('old', { factory, storage: null, upgradeSteps: UPGRADE_STEPS.slice(0, 1) });
    await v1.setSetting('keep', 'me');
    v1.close();
    const store = new IdbMeterKnowledgeStore('old', factory);
    await store.save('m', new MeterKnowledge().serialise());
    store.close();
    const again = await openMeterStore('old', { factory, storage: null });
    expect(await again.getSetting('keep')).toBe('me');
    again.close();
  });
});
