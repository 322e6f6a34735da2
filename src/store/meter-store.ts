import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
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
import { INDEX, STORE, UPGRADE_STEPS, runUpgradeSteps, type UpgradeStep } from './schema';
import { isQuotaError, toStorageError } from './storage-errors';
import { planReadingScan, type ReadingIndexName, type ReadingScanPlan } from './reading-plan';

export interface MeterDB extends DBSchema {
  configs: { key: string; value: StoredConfig };
  readings: {
    key: number;
    value: StoredReading;
    indexes: { by_device: string; by_device_ts: [string, number]; by_device_signal_ts: [string, string, number]; by_ts: number };
  };
  profiles: { key: number; value: ProfileRecord; indexes: { by_device: string; by_readAt: number } };
  events: { key: number; value: EventRecord; indexes: { by_ts: number; by_device_ts: [string, number] } };
  traces: { key: number; value: TraceRecord; indexes: { by_ts: number } };
  settings: { key: string; value: unknown };
}

/** The part of navigator.storage the store uses; injectable because Node has none. */
export type StorageManagerLike = Pick<StorageManager, 'persist' | 'persisted' | 'estimate'>;

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

type AnyStore = StoreNames<MeterDB>;
type WriteTx<N extends AnyStore> = IDBPTransaction<MeterDB, [N], 'readwrite'>;

const noop = (): void => undefined;

function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing left to undo.
  }
}

/**
 * Run `work` inside `tx` and wait for the commit. Any failure aborts the transaction, so a
 * half-written poll never stays behind, and is turned into a typed MeterError.
 */
async function inWriteTx<N extends AnyStore, T>(
  tx: WriteTx<N>,
  what: string,
  work: (tx: WriteTx<N>) => T | Promise<T>,
): Promise<T> {
  const done = tx.done;
  done.catch(noop); // observed below; this only keeps an early abort from being "unhandled"
  try {
    const result = await work(tx);
    await done;
    return result;
  } catch (e) {
    abortQuietly(tx);
    await done.catch(noop);
    // A quota failure often shows only on the transaction (the request error is generic or absent).
    const txError = tx.error;
    throw toStorageError(isQuotaError(txError) ? txError : e, what);
  }
}

function stripId<T extends object>(value: T): T {
  if (!('id' in value)) return value;
  const copy = { ...value } as Record<string, unknown>;
  delete copy.id;
  return copy as T;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

class IdbMeterStore implements MeterStore {
  private persistOnce: Promise<void> | undefined;

  constructor(
    private readonly db: IDBPDatabase<MeterDB>,
    private readonly factory: IDBFactory,
    private readonly storage: StorageManagerLike | null,
    private readonly traceCap: number,
    private readonly pageSize: number,
  ) {}

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
    if (readings.length === 0) return;
    // A reading without a finite ts or string aliases would be stored but missing from the indexes,
    // i.e. invisible to every query and export: refuse the poll up front instead.
    readings.forEach((r, i) => {
      if (!Number.isFinite(r.ts) || typeof r.device_alias !== 'string' || typeof r.signal_alias !== 'string') {
        throw new MeterError('STORAGE', `Reading ${i} of the poll has no valid ts/device_alias/signal_alias; nothing was saved.`);
      }
    });
    const tx = this.db.transaction(STORE.readings, 'readwrite', { durability: 'strict' });
    await inWriteTx(tx, `saving ${plural(readings.length, 'reading')}`, (t) => {
      for (const r of readings) {
        // The request's own rejection is reported through tx.done; this only silences the duplicate.
        t.store.add(stripId(r) as StoredReading).catch(noop);
      }
    });
    this.afterFirstSave();
  }

  async queryReadings(query: ReadingQuery = {}): Promise<StoredReading[]> {
    const out: StoredReading[] = [];
    for await (const r of this.iterateReadings(query)) out.push(r);
    return out;
  }

  async *iterateReadings(filter: ReadingQuery = {}): AsyncGenerator<StoredReading, void, undefined> {
    const plan = planReadingScan(filter);
    if (!plan) return;
    const limit = filter.limit ?? Infinity;
    if (!(limit > 0)) return;
    const pages = filter.newestFirst ? this.pagesBackward(plan) : this.pagesForward(plan);
    let remaining = limit;
    for await (const page of pages) {
      // Each page's transaction is over before anything is yielded: a slow consumer (a file being
      // written) would otherwise let the transaction expire under the cursor.
      for (const r of page) {
        if (plan.post && !plan.post(r)) continue;
        yield r;
        if (--remaining <= 0) return;
      }
    }
  }

  /**
   * Oldest first with getAll(range, count): one request a page instead of one a record, which is far
   * cheaper in browsers (and in fake-indexeddb, whose cursors rescan on every step). Records sharing
   * the last index key (one poll shares a ts) are told apart by primary key.
   */
  private async *pagesForward(plan: ReadingScanPlan): AsyncGenerator<StoredReading[], void, undefined> {
    const keyOf = indexKeyOf(plan.index);
    let last: { key: IDBValidKey; primaryKey: number } | undefined;
    let seenAtLastKey = 0;
    for (;;) {
      const want = this.pageSize + seenAtLastKey;
      let batch: StoredReading[];
      try {
        batch = await this.db.getAllFromIndex(STORE.readings, plan.index, resumeRange(plan, last, 'next') ?? undefined, want);
      } catch (e) {
        throw toStorageError(e, 'reading stored readings');
      }
      const page = last ? batch.filter((r) => !this.alreadySeen(keyOf(r), r.id, last!, 'next')) : batch;
      if (page.length > 0) {
        const tail = page[page.length - 1];
        const tailKey = keyOf(tail);
        const run = countTrailingRun(page, (r) => this.factory.cmp(keyOf(r), tailKey) === 0);
        seenAtLastKey = last && this.factory.cmp(last.key, tailKey) === 0 ? seenAtLastKey + run : run;
        last = { key: tailKey, primaryKey: tail.id };
        yield page;
      }
      if (batch.length < want) return;
    }
  }

  /** Newest first: getAll has no direction, so this walks a cursor backwards, a page a transaction. */
  private async *pagesBackward(plan: ReadingScanPlan): AsyncGenerator<StoredReading[], void, undefined> {
    let last: { key: IDBValidKey; primaryKey: number } | undefined;
    for (;;) {
      const page: StoredReading[] = [];
      let exhausted = false;
      try {
        const tx = this.db.transaction(STORE.readings, 'readonly');
        let cursor = await tx.store.index(plan.index).openCursor(resumeRange(plan, last, 'prev'), 'prev');
        while (cursor && last && this.alreadySeen(cursor.key, cursor.primaryKey, last, 'prev')) cursor = await cursor.continue();
        while (cursor && page.length < this.pageSize) {
          page.push(cursor.value);
          last = { key: cursor.key, primaryKey: cursor.primaryKey };
          cursor = await cursor.continue();
        }
        exhausted = cursor === null;
        await tx.done;
      } catch (e) {
        throw toStorageError(e, 'reading stored readings');
      }
      if (page.length > 0) yield page;
      if (exhausted) return;
    }
  }

  private alreadySeen(key: IDBValidKey, primaryKey: number, last: { key: IDBValidKey; primaryKey: number }, dir: 'next' | 'prev'): boolean {
    const c = this.factory.cmp(key, last.key);
    if (c !== 0) return dir === 'next' ? c < 0 : c > 0;
    return dir === 'next' ? primaryKey <= last.primaryKey : primaryKey >= last.primaryKey;
  }

  async countReadings(filter: ReadingFilter = {}): Promise<number> {
    const plan = planReadingScan(filter);
    if (!plan) return 0;
    if (!plan.post) {
      return this.read('counting readings', () =>
        this.db.countFromIndex(STORE.readings, plan.index, plan.range ?? undefined),
      );
    }
    let n = 0;
    for await (const _ of this.iterateReadings(filter)) n++;
    return n;
  }

  async deleteReadings(filter: ReadingFilter = {}): Promise<number> {
    const plan = planReadingScan(filter);
    if (!plan) return 0;
    const tx = this.db.transaction(STORE.readings, 'readwrite');
    return inWriteTx(tx, 'deleting readings', async (t) => {
      let n = 0;
      let cursor = await t.store.index(plan.index).openCursor(plan.range ?? undefined);
      while (cursor) {
        if (!plan.post || plan.post(cursor.value)) {
          cursor.delete().catch(noop);
          n++;
        }
        cursor = await cursor.continue();
      }
      return n;
    });
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

  private async read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toStorageError(e, what);
    }
  }
}

/** Range for the next page: starts at the last key seen (inclusive; ties are skipped by primary key). */
function resumeRange(
  plan: ReadingScanPlan,
  last: { key: IDBValidKey } | undefined,
  direction: IDBCursorDirection,
): IDBKeyRange | null {
  if (!last) return plan.range;
  const r = plan.range;
  if (direction === 'next') {
    return r && r.upper !== undefined ? IDBKeyRange.bound(last.key, r.upper, false, r.upperOpen) : IDBKeyRange.lowerBound(last.key);
  }
  return r && r.lower !== undefined ? IDBKeyRange.bound(r.lower, last.key, r.lowerOpen, false) : IDBKeyRange.upperBound(last.key);
}

function indexKeyOf(index: ReadingIndexName): (r: StoredReading) => IDBValidKey {
  switch (index) {
    case INDEX.readingsByDeviceSignalTs:
      return (r) => [r.device_alias, r.signal_alias, r.ts];
    case INDEX.readingsByDeviceTs:
      return (r) => [r.device_alias, r.ts];
    case INDEX.readingsByTs:
      return (r) => r.ts;
  }
}

function countTrailingRun<T>(items: readonly T[], same: (item: T) => boolean): number {
  let n = 0;
  for (let i = items.length - 1; i >= 0 && same(items[i]); i--) n++;
  return n;
}

function defaultStorage(): StorageManagerLike | null {
  const nav = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator;
  return nav?.storage && typeof nav.storage.persist === 'function' ? nav.storage : null;
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

/** idb's openDB always uses the global factory; this is the same dance with an injected one. */
async function openDatabase(factory: IDBFactory, name: string, steps: readonly UpgradeStep[]): Promise<IDBPDatabase<MeterDB>> {
  let upgradeError: unknown;
  try {
    const request = factory.open(name, steps.length);
    request.addEventListener('upgradeneeded', (event) => {
      const tx = request.transaction;
      if (!tx) return;
      try {
        runUpgradeSteps(steps, request.result, tx, event.oldVersion, event.newVersion ?? steps.length);
      } catch (e) {
        upgradeError = e;
        abortQuietly(tx);
      }
    });
    const db = (await wrap(request)) as unknown as IDBPDatabase<MeterDB>;
    // Another tab with a newer app wants to upgrade: step aside instead of blocking it forever.
    db.addEventListener('versionchange', () => db.close());
    return db;
  } catch (e) {
    const cause = upgradeError ?? e;
    if ((cause as { name?: unknown } | null)?.name === 'VersionError') {
      throw new MeterError('STORAGE', `The database "${name}" was written by a newer MeterScope; reload to update the app.`, { cause });
    }
    throw toStorageError(cause, `opening the database "${name}"`);
  }
}
