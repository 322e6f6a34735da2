import type { Reading } from '../../core/reading';
import { readingsCsvStream } from '../../export/readings-csv';
import { readingsJsonStream } from '../../export/readings-json';
import type { ExportSource } from '../components/export-buttons';
import { getStore } from '../store-client';

/** The readings of this read, frozen at the click (polling may keep adding while the file is written). */
export function sessionSource(readings: readonly Reading[]): ExportSource {
  return {
    name: 'this-read',
    csv: () => readingsCsvStream(readings.slice()),
    json: () => readingsJsonStream(readings.slice()),
  };
}

/** Every stored reading, paged from IndexedDB as the file is written, so memory stays flat. */
async function* allStored(): AsyncGenerator<Reading, void, undefined> {
  const store = await getStore();
  for await (const r of store.iterateReadings()) {
    // The store's id is an internal key: exports list what was read, not how it was filed.
    const { id: _id, ...reading } = r;
    yield reading;
  }
}

export const storedSource: ExportSource = {
  name: 'all-readings',
  csv: () => readingsCsvStream(allStored()),
  json: () => readingsJsonStream(allStored()),
};
