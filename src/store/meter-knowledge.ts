/**
 * What the DLMS reader learnt about each meter (interface classes, scalers, the object list's classes,
 * whether its list answers can be trusted), kept in IndexedDB so the next session, reload or restart
 * starts from it. One record per meter key; the record is the reader's own plain serialised form.
 *
 * A connection of its own to the app's database (opened, and upgraded when needed, with the same schema
 * steps as the meter store), so this module needs nothing from the meter store but the schema.
 */
import { MeterError } from '../core/errors';
import type { MeterKnowledgeData, MeterKnowledgeStore } from '../protocols/dlms-client/knowledge';
import { STORE, UPGRADE_STEPS, runUpgradeSteps } from './schema';
import { toStorageError } from './storage-errors';

export class IdbMeterKnowledgeStore implements MeterKnowledgeStore {
  private db?: Promise<IDBDatabase>;

  constructor(
    private readonly dbName = 'meterscope',
    private readonly factory: IDBFactory | undefined = (globalThis as { indexedDB?: IDBFactory }).indexedDB,
  ) {}

  async load(meterKey: string): Promise<MeterKnowledgeData | undefined> {
    const db = await this.open();
    const value = await request<unknown>(db.transaction(STORE.meterKnowledge, 'readonly').objectStore(STORE.meterKnowledge).get(meterKey), 'reading meter knowledge');
    return value === undefined ? undefined : (value as MeterKnowledgeData);
  }

  async save(meterKey: string, data: MeterKnowledgeData): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE.meterKnowledge, 'readwrite');
    tx.objectStore(STORE.meterKnowledge).put(data, meterKey);
    await done(tx, 'keeping meter knowledge');
  }

  /** Forget one meter (or every meter): the next session learns again. */
  async forget(meterKey?: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE.meterKnowledge, 'readwrite');
    const store = tx.objectStore(STORE.meterKnowledge);
    if (meterKey === undefined) store.clear();
    else store.delete(meterKey);
    await done(tx, 'forgetting meter knowledge');
  }

  close(): void {
    void this.db?.then((db) => db.close()).catch(() => undefined);
    this.db = undefined;
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= this.openOnce().catch((e: unknown) => {
      this.db = undefined;
      throw e;
    });
    return this.db;
  }

  private openOnce(): Promise<IDBDatabase> {
    const factory = this.factory;
    if (!factory) return Promise.reject(new MeterError('STORAGE', 'IndexedDB is not available in this environment.'));
    return new Promise((resolve, reject) => {
      const req = factory.open(this.dbName, UPGRADE_STEPS.length);
      req.onupgradeneeded = (event) => {
        const tx = req.transaction;
        if (tx) runUpgradeSteps(UPGRADE_STEPS, req.result, tx, event.oldVersion, event.newVersion ?? UPGRADE_STEPS.length);
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab with a newer app wants to upgrade: step aside.
        db.onversionchange = () => {
          db.close();
          this.db = undefined;
        };
        resolve(db);
      };
      req.onerror = () => reject(toStorageError(req.error, `opening the database "${this.dbName}"`));
    });
  }
}

function request<T>(req: IDBRequest, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(toStorageError(req.error, what));
  });
}

function done(tx: IDBTransaction, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(toStorageError(tx.error, what));
    tx.onabort = () => reject(toStorageError(tx.error, what));
  });
}
