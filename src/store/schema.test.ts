import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MeterError } from '../core/errors';
import { openMeterStore } from './meter-store';
import { SCHEMA_VERSION, STORE, UPGRADE_STEPS, type UpgradeStep } from './schema';

const v2ForTest: UpgradeStep = (_db, tx) => {
  // What a real v2 would look like: a new index on an existing store, plus a data migration.
  const readings = tx.objectStore(STORE.readings);
  readings.createIndex('by_quality', 'quality');
  tx.objectStore(STORE.settings).put('migrated', 'schema.v2');
};

function dbVersion(factory: IDBFactory, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name);
    req.onsuccess = () => {
      const v = req.result.version;
      req.result.close();
      resolve(v);
    };
    req.onerror = () => reject(req.error);
  });
}

describe('schema', () => {
  it('is version 2 with one step per version', () => {
    expect(SCHEMA_VERSION).toBe(UPGRADE_STEPS.length);
    expect(SCHEMA_VERSION).toBe(2);
  });

  it('creates every store on a fresh database', async () => {
    const factory = new IDBFactory();
    const store = await openMeterStore('fresh', { factory, storage: null });
    store.close();
    const names = await new Promise<string[]>((resolve) => {
      const req = factory.open('fresh');
      req.onsuccess = () => {
        resolve([...req.result.objectStoreNames]);
        req.result.close();
      };
    });
    expect(names.sort()).toEqual(['configs', 'events', 'meter_knowledge', 'profiles', 'readings', 'settings', 'traces']);
  });

  it('upgrading an existing v1 database by an appended step keeps its data', async () => {
    const factory = new IDBFactory();
    const v1 = await openMeterStore('old', { factory, storage: null, upgradeSteps: UPGRADE_STEPS.slice(0, 1) });
    await v1.saveConfig('site', '{"devices":[],"signals":[]}');
    await v1.addReadings([{ ts: 1, device_alias: 'm', signal_alias: 's', value: 42, quality: 'good' }]);
    await v1.saveProfile({ device_alias: 'm', name: 'P.01', columns: [], rows: [[1]], readAt: 1 });
    v1.close();
    expect(await dbVersion(factory, 'old')).toBe(1);

    const v2 = await openMeterStore('old', { factory, storage: null, upgradeSteps: [...UPGRADE_STEPS.slice(0, 1), v2ForTest] });
    expect(await dbVersion(factory, 'old').catch(() => -1)).toBe(2);
    expect((await v2.getConfig('site'))?.raw).toBe('{"devices":[],"signals":[]}');
    expect((await v2.queryReadings()).map((r) => r.value)).toEqual([42]);
    expect(await v2.listProfiles()).toHaveLength(1);
    expect(await v2.getSetting('schema.v2')).toBe('migrated');
    v2.close();
  });

  it('reopening with the current schema keeps data', async () => {
    const factory = new IDBFactory();
    const a = await openMeterStore('same', { factory, storage: null });
    await a.setSetting('k', 1);
    a.close();
    const b = await openMeterStore('same', { factory, storage: null });
    expect(await b.getSetting('k')).toBe(1);
    b.close();
  });

  it('refuses, with a typed error, a database written by a newer app', async () => {
    const factory = new IDBFactory();
    const newer = await openMeterStore('newer', { factory, storage: null, upgradeSteps: [...UPGRADE_STEPS, v2ForTest] });
    newer.close();
    const err = await openMeterStore('newer', { factory, storage: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('STORAGE');
    expect((err as MeterError).message).toContain('newer MeterScope');
  });

  it('a failing upgrade step leaves the old version in place and reports STORAGE', async () => {
    const factory = new IDBFactory();
    const v1 = await openMeterStore('broken', { factory, storage: null });
    await v1.setSetting('keep', 'me');
    v1.close();
    const boom: UpgradeStep = () => {
      throw new Error('step failed');
    };
    const err = await openMeterStore('broken', { factory, storage: null, upgradeSteps: [...UPGRADE_STEPS, boom] }).catch((e: unknown) => e);
    expect((err as MeterError).code).toBe('STORAGE');
    expect((err as MeterError).message).toContain('step failed');
    expect(await dbVersion(factory, 'broken')).toBe(SCHEMA_VERSION);
    const again = await openMeterStore('broken', { factory, storage: null });
    expect(await again.getSetting('keep')).toBe('me');
    again.close();
  });
});
