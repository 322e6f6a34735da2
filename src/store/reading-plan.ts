import type { StoredReading, ReadingFilter } from './records';
import { INDEX } from './schema';

export type ReadingIndexName = (typeof INDEX)['readingsByDeviceSignalTs' | 'readingsByDeviceTs' | 'readingsByTs'];

/** Which index to walk, over which range, and what (if anything) still has to be checked per row. */
export interface ReadingScanPlan {
  index: ReadingIndexName;
  range: IDBKeyRange | null;
  post?: (r: StoredReading) => boolean;
}

/**
 * Every plan walks an index that ends in `ts`, so results always come out in time order (ties in
 * insertion order). Returns null when the filter can match nothing (from > to).
 */
export function planReadingScan(f: ReadingFilter): ReadingScanPlan | null {
  const lo = f.from ?? -Infinity;
  const hi = f.to ?? Infinity;
  // NaN bounds or an inverted window: IDBKeyRange.bound would throw a DataError; the answer is "none".
  if (!(lo <= hi)) return null;
  if (f.device_alias !== undefined && f.signal_alias !== undefined) {
    return {
      index: INDEX.readingsByDeviceSignalTs,
      range: IDBKeyRange.bound([f.device_alias, f.signal_alias, lo], [f.device_alias, f.signal_alias, hi]),
    };
  }
  if (f.device_alias !== undefined) {
    return { index: INDEX.readingsByDeviceTs, range: IDBKeyRange.bound([f.device_alias, lo], [f.device_alias, hi]) };
  }
  const range = f.from === undefined && f.to === undefined ? null : IDBKeyRange.bound(lo, hi);
  if (f.signal_alias !== undefined) {
    const signal = f.signal_alias;
    return { index: INDEX.readingsByTs, range, post: (r) => r.signal_alias === signal };
  }
  return { index: INDEX.readingsByTs, range };
}
