/**
 * The app's IndexedDB store (MeterStore): configurations, readings (reading-table.ts), profiles,
 * events, the trace and settings. The database itself and the transaction helpers are in meter-db.ts.
 */
import type { IDBPDatabase } from 'idb';
import { MeterError } from '../core/errors';
import type { Reading } from '../core/reading';
import type {
  EventQuery,
  EventRecord,
  NewEvent,
  NewProfile,
  NewTrace,
  ProfileRecord,
  ProfileSummary,
  ReadingFilter,
  ReadingQuery,
  StorageEstimateInfo,
  StoredConfig,
  StoredReading,
  TraceQuery,
  TraceRecord,
} from './records';
import { defaultStorage, inWriteTx, noop, openDatabase, plural, readOr, stripId, type MeterDB, type StorageManagerLike } from './meter-db';
import { ReadingTable } from './reading-table';
import { INDEX, STORE, UPGRADE_STEPS, type UpgradeStep } from './schema';

export type { MeterDB, StorageManagerLike } from './meter-db';

export interface OpenMeterStoreOptions {
  /** Defaults to globalThis.indexedDB. Tests pass a fresh fake-indexeddb factory for isolation. */
  factory?: IDBFactory;
  /** Defaults to navigator.storage when present; null disables persistence requests. */
  storage?: StorageManagerLike | null;
  /** How many trace entries to keep (newest win). Default 50,000. */
  traceCap?: number;
  /** Records per cursor page in iterateReadings. Default 500. */
  pageSize?: number;
  /** Schema steps; only tests pass this, to simulate older or newer app versions. */
  upgradeSteps?: readonly UpgradeStep[];
}

export const DEFAULT_TRACE_CAP = 50_000;
export const PERSIST_SETTING = 'storage.persistRequested';

export interface MeterStore {
  saveConfig(name: string, raw: string): Promise<StoredConfig>;
  getConfig(name: string): Promise<StoredConfig | undefined>;
  listConfigs(): Promise<StoredConfig[]>;
  deleteConfig(name: string): Promise<void>;

  /** One poll, one transaction: resolves after the commit, or rejects with nothing written. */
  addReadings(readings: readonly Reading[]): Promise<void>;
  queryReadings(query?: ReadingQuery): Promise<StoredReading[]>;
  /** Pages through a cursor, one short transaction a page, so memory stays flat for any size. */
  iterateReadings(filter?: ReadingQuery): AsyncGenerator<StoredReading, void, undefined>;
  countReadings(filter?: ReadingFilter): Promise<number>;
  /** Returns how many readings were deleted. */
  deleteReadings(filter?: ReadingFilter): Promise<number>;

  saveProfile(profile: NewProfile): Promise<number>;
  listProfiles(device_alias?: string): Promise<ProfileSummary[]>;
  getProfile(id: number): Promise<ProfileRecord | undefined>;
  deleteProfile(id: number): Promise<void>;

  addEvents(events: readonly NewEvent[]): Promise<void>;
  queryEvents(query?: EventQuery): Promise<EventRecord[]>;

  addTraces(traces: readonly NewTrace[]): Promise<void>;
  queryTraces(query?: TraceQuery): Promise<TraceRecord[]>;
  clearTraces(): Promise<void>;

  getSetting<T = unknown>(key: string): Promise<T | undefined>;
  setSetting(key: string, value: unknown): Promise<void>;

  estimate(): Promise<StorageEstimateInfo>;
  /** Asks the browser not to evict this origin's data; false where unsupported or refused. */
  requestPersistence(): Promise<boolean>;
  close(): void;
}

class IdbMeterStore implements MeterStore {
  private persistOnce: Promise<void> | undefined;

  private readonly readings: ReadingTable;

  constructor(
    private readonly db: IDBPDatabase<MeterDB>,
    factory: IDBFactory,
    private readonly storage: StorageManagerLike | null,
    private readonly traceCap: number,
    pageSize: number,
  ) {
    this.readings = new ReadingTable(db, factory, pageSize, () => this.afterFirstSave());
  }

  // ---- configs ----

  async saveConfig(name: string, raw: string): Promise<StoredConfig> {
    if (!name) throw new MeterError('CONFIG_INVALID', 'A saved configuration needs a name.');
    const record: StoredConfig = { name, raw, savedAt: Date.now() };
    const tx = this.db.transaction(STORE.configs, 'readwrite', { durability: 'strict' });
    await inWriteTx(tx, `saving configuration "${name}"`, (t) => {
      t.store.put(record).catch(noop);
    });
    this.afterFirstSave();
    return record;
  }

  async getConfig(name: string): Promise<StoredConfig | undefined> {
    return this.read(`reading configuration "${name}"`, () => this.db.get(STORE.configs, name));
  }

  async listConfigs(): Promise<StoredConfig[]> {
    return this.read('listing configurations', () => this.db.getAll(STORE.configs));
  }

  async deleteConfig(name: string): Promise<void> {
    const tx = this.db.transaction(STORE.configs, 'readwrite');
    await inWriteTx(tx, `deleting configuration "${name}"`, (t) => {
      t.store.delete(name).catch(noop);
    });
  }

  // ---- readings ----

  async addReadings(readings: readonly Reading[]): Promise<void> {
    return this.readings.add(readings);
  }

  async queryReadings(query: ReadingQuery = {}): Promise<StoredReading[]> {
    return this.readings.query(query);
  }

  iterateReadings(filter: ReadingQuery = {}): AsyncGenerator<StoredReading, void, undefined> {
    return this.readings.iterate(filter);
  }

  async countReadings(filter: ReadingFilter = {}): Promise<number> {
    return this.readings.count(filter);
  }

  async deleteReadings(filter: ReadingFilter = {}): Promise<number> {
    return this.readings.delete(filter);
  }

  // ---- profiles ----

  async saveProfile(profile: NewProfile): Promise<number> {
    const tx = this.db.transaction(STORE.profiles, 'readwrite', { durability: 'strict' });
    const value = (profile.id === undefined ? stripId(profile) : profile) as ProfileRecord;
    const id = await inWriteTx(tx, `saving profile "${profile.name}"`, (t) => t.store.put(value));
    this.afterFirstSave();
    return id;
  }

  async listProfiles(device_alias?: string): Promise<ProfileSummary[]> {
    const all = await this.read('listing profiles', () =>
      device_alias === undefined
        ? this.db.getAllFromIndex(STORE.profiles, INDEX.profilesByReadAt)
        : this.db.getAllFromIndex(STORE.profiles, INDEX.profilesByDevice, device_alias),
    );
    return all.map(({ rows, ...rest }) => ({ ...rest, rowCount: rows.length }));
  }

  async getProfile(id: number): Promise<ProfileRecord | undefined> {
    return this.read(`reading profile ${id}`, () => this.db.get(STORE.profiles, id));
  }

  async deleteProfile(id: number): Promise<void> {
    const tx = this.db.transaction(STORE.profiles, 'readwrite');
    await inWriteTx(tx, `deleting profile ${id}`, (t) => {
      t.store.delete(id).catch(noop);
    });
  }

  // ---- events ----

  async addEvents(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const tx = this.db.transaction(STORE.events, 'readwrite');
    await inWriteTx(tx, `saving ${plural(events.length, 'event')}`, (t) => {
      for (const e of events) t.store.add(stripId(e) as EventRecord).catch(noop);
    });
  }

  async queryEvents(query: EventQuery = {}): Promise<EventRecord[]> {
    const lo = query.from ?? -Infinity;
    const hi = query.to ?? Infinity;
    if (!(lo <= hi)) return [];
    const limit = query.limit ?? Infinity;
    const direction: IDBCursorDirection = query.newestFirst ? 'prev' : 'next';
    return this.read('reading events', async () => {
      const tx = this.db.transaction(STORE.events, 'readonly');
      let cursor =
        query.device_alias === undefined
          ? await tx.store.index(INDEX.eventsByTs).openCursor(IDBKeyRange.bound(lo, hi), direction)
          : await tx.store
              .index(INDEX.eventsByDeviceTs)
              .openCursor(IDBKeyRange.bound([query.device_alias, lo], [query.device_alias, hi]), direction);
      const out: EventRecord[] = [];
      while (cursor && out.length < limit) {
        out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    });
  }

  // ---- traces ----

  async addTraces(traces: readonly NewTrace[]): Promise<void> {
    if (traces.length === 0) return;
    const tx = this.db.transaction(STORE.traces, 'readwrite');
    await inWriteTx(tx, `saving ${traces.length} trace entries`, async (t) => {
      for (const e of traces) t.store.add(stripId(e) as TraceRecord).catch(noop);
      // Trim in the same transaction, so the cap holds even if the tab closes right after.
      const total = await t.store.count();
      const excess = total - this.traceCap;
      if (excess <= 0) return;
      const cursor = await t.store.openKeyCursor();
      const firstKept = cursor ? await cursor.advance(excess) : null;
      if (firstKept) await t.store.delete(IDBKeyRange.upperBound(firstKept.key, true));
      else await t.store.clear();
    });
  }

  async queryTraces(query: TraceQuery = {}): Promise<TraceRecord[]> {
    const limit = query.limit ?? Infinity;
    const direction: IDBCursorDirection = query.newestFirst ? 'prev' : 'next';
    return this.read('reading the trace', async () => {
      const tx = this.db.transaction(STORE.traces, 'readonly');
      let cursor = await tx.store.openCursor(null, direction);
      const out: TraceRecord[] = [];
      while (cursor && out.length < limit) {
        const t = cursor.value;
        if ((query.port === undefined || t.port === query.port) && (query.maxLevel === undefined || t.level <= query.maxLevel)) {
          out.push(t);
        }
        cursor = await cursor.continue();
      }
      return out;
    });
  }

  async clearTraces(): Promise<void> {
    const tx = this.db.transaction(STORE.traces, 'readwrite');
    await inWriteTx(tx, 'clearing the trace', (t) => {
      t.store.clear().catch(noop);
    });
  }

  // ---- settings ----

  async getSetting<T = unknown>(key: string): Promise<T | undefined> {
    return this.read(`reading setting "${key}"`, async () => (await this.db.get(STORE.settings, key)) as T | undefined);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    const tx = this.db.transaction(STORE.settings, 'readwrite');
    await inWriteTx(tx, `saving setting "${key}"`, (t) => {
      t.store.put(value, key).catch(noop);
    });
  }

  // ---- storage manager ----

  async estimate(): Promise<StorageEstimateInfo> {
    if (!this.storage) return { usage: null, quota: null, persisted: false };
    const [est, persisted] = await Promise.all([
      this.storage.estimate().catch(() => ({}) as StorageEstimate),
      this.storage.persisted().catch(() => false),
    ]);
    return { usage: est.usage ?? null, quota: est.quota ?? null, persisted };
  }

  async requestPersistence(): Promise<boolean> {
    if (!this.storage) return false;
    try {
      return await this.storage.persist();
    } catch {
      return false;
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * Ask for persistent storage once, on the first save ever (remembered in settings). Not awaited by
   * the save: Firefox shows a prompt, and a readout must not wait for the user to answer it.
   */
  private afterFirstSave(): void {
    if (this.persistOnce) return;
    this.persistOnce = (async () => {
      if ((await this.getSetting(PERSIST_SETTING)) !== undefined) return;
      const granted = await this.requestPersistence();
      await this.setSetting(PERSIST_SETTING, { at: Date.now(), granted, supported: this.storage !== null });
    })().catch(noop);
  }

  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return readOr(what, fn);
  }
}

/** Open (creating or upgrading as needed) the MeterScope database. */
export async function openMeterStore(dbName = 'meterscope', options: OpenMeterStoreOptions = {}): Promise<MeterStore> {
  const factory = options.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new MeterError('STORAGE', 'IndexedDB is not available in this environment.');
  const steps = options.upgradeSteps ?? UPGRADE_STEPS;
  const db = await openDatabase(factory, dbName, steps);
  return new IdbMeterStore(
    db,
    factory,
    options.storage === undefined ? defaultStorage() : options.storage,
    options.traceCap ?? DEFAULT_TRACE_CAP,
    Math.max(1, options.pageSize ?? 500),
  );
}

