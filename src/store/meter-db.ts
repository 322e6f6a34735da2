/**
 * The MeterScope database as idb sees it, opening it (upgrades from schema.ts), and the transaction
 * helpers every part of the store uses: a failed write aborts its whole transaction and becomes a
 * typed MeterError.
 */
import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { MeterError } from '../core/errors';
import type { EventRecord, ProfileRecord, StoredConfig, StoredReading, TraceRecord } from './records';
import { runUpgradeSteps, type UpgradeStep } from './schema';
import { isQuotaError, toStorageError } from './storage-errors';

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

export type AnyStore = StoreNames<MeterDB>;
export type WriteTx<N extends AnyStore> = IDBPTransaction<MeterDB, [N], 'readwrite'>;

export const noop = (): void => undefined;

export function abortQuietly(tx: { abort(): void }): void {
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
export async function inWriteTx<N extends AnyStore, T>(
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

export function stripId<T extends object>(value: T): T {
  if (!('id' in value)) return value;
  const copy = { ...value } as Record<string, unknown>;
  delete copy.id;
  return copy as T;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Run a read and turn its failure into a typed MeterError saying what was being read. */
export async function readOr<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toStorageError(e, what);
  }
}

export function defaultStorage(): StorageManagerLike | null {
  const nav = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator;
  return nav?.storage && typeof nav.storage.persist === 'function' ? nav.storage : null;
}

/** idb's openDB always uses the global factory; this is the same dance with an injected one. */
export async function openDatabase(factory: IDBFactory, name: string, steps: readonly UpgradeStep[]): Promise<IDBPDatabase<MeterDB>> {
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
