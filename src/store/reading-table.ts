/**
 * The readings store: one poll per transaction in, and out by index in pages (one short transaction
 * a page), so an export of any size keeps memory flat and never holds a transaction across a slow
 * consumer.
 */
import type { IDBPDatabase } from 'idb';
import { MeterError } from '../core/errors';
import type { Reading } from '../core/reading';
import { inWriteTx, noop, plural, readOr, stripId, type MeterDB } from './meter-db';
import type { ReadingFilter, ReadingQuery, StoredReading } from './records';
import { planReadingScan, type ReadingIndexName, type ReadingScanPlan } from './reading-plan';
import { INDEX, STORE } from './schema';
import { toStorageError } from './storage-errors';

export class ReadingTable {
  constructor(
    private readonly db: IDBPDatabase<MeterDB>,
    private readonly factory: IDBFactory,
    private readonly pageSize: number,
    /** Called after every committed write (the store asks for persistent storage once). */
    private readonly afterSave: () => void,
  ) {}

  async add(readings: readonly Reading[]): Promise<void> {
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
    this.afterSave();
  }

  async query(query: ReadingQuery = {}): Promise<StoredReading[]> {
    const out: StoredReading[] = [];
    for await (const r of this.iterate(query)) out.push(r);
    return out;
  }

  async *iterate(filter: ReadingQuery = {}): AsyncGenerator<StoredReading, void, undefined> {
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

  async count(filter: ReadingFilter = {}): Promise<number> {
    const plan = planReadingScan(filter);
    if (!plan) return 0;
    if (!plan.post) {
      return readOr('counting readings', () =>
        this.db.countFromIndex(STORE.readings, plan.index, plan.range ?? undefined),
      );
    }
    let n = 0;
    for await (const _ of this.iterate(filter)) n++;
    return n;
  }

  async delete(filter: ReadingFilter = {}): Promise<number> {
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
