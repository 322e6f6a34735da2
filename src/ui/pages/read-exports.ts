import type { Reading } from '../../core/reading';
import { toReadableStream } from '../../export/chunking';
import { identitySignalsOf, labelsFromConfigs, type ReadingLabels } from '../../export/reading-labels';
import { encodeReadingsCsv, type ReadingSource } from '../../export/readings-csv';
import { encodeReadingsJson } from '../../export/readings-json';
import type { ReadingFilter } from '../../store';
import type { ExportSource } from '../components/export-buttons';
import { engineMonitor } from '../engine-client';
import { getStore } from '../store-client';
import { CSV_FACTORY, loadCsvPreferences, type CsvPreferences } from './settings-export';

/** What an export needs besides the readings: names and identities, and the user's CSV preferences. */
interface ExportContext {
  labels: ReadingLabels;
  csv: CsvPreferences;
}

/**
 * Names come from the loaded configuration first, then every saved one (History holds readings of
 * configurations loaded earlier); identity from readings of identity signals: those given, and the
 * newest stored one per identity signal. None of this may stop an export: without storage, the
 * columns stay empty and the file is written with the factory preferences.
 */
export async function exportContext(readings: readonly Reading[] = []): Promise<ExportContext> {
  const docs: unknown[] = [];
  const parse = (raw: string): void => {
    try {
      docs.push(JSON.parse(raw));
    } catch {
      // A saved document that is not JSON names nothing.
    }
  };
  if (engineMonitor.loaded) parse(engineMonitor.loaded.raw);
  let csv = CSV_FACTORY;
  const identity: Reading[] = [...readings];
  try {
    const store = await getStore();
    csv = await loadCsvPreferences(store);
    for (const c of await store.listConfigs()) if (c.name !== engineMonitor.loaded?.name) parse(c.raw);
    for (const s of identitySignalsOf(docs)) identity.push(...(await store.queryReadings({ ...s, limit: 1, newestFirst: true })));
  } catch {
    // Storage unavailable: export with what the page has.
  }
  return { labels: labelsFromConfigs(docs, identity), csv };
}

/**
 * CSV and JSON of readings. `readings()` is called at the click (a session is frozen then); the
 * context is gathered when the first chunk is asked for, after the save dialog has been answered.
 */
export function readingsExport(name: string, readings: () => ReadingSource, known: () => readonly Reading[] = () => []): ExportSource {
  return {
    name,
    csv: () => {
      const source = readings();
      const seen = known();
      return toReadableStream(
        (async function* () {
          const ctx = await exportContext(seen);
          yield* encodeReadingsCsv(source, { labels: ctx.labels, bom: ctx.csv.bom, separator: ctx.csv.separator });
        })(),
      );
    },
    json: () => {
      const source = readings();
      const seen = known();
      return toReadableStream(
        (async function* () {
          const ctx = await exportContext(seen);
          yield* encodeReadingsJson(source, { labels: ctx.labels });
        })(),
      );
    },
  };
}

/** The readings of this read, frozen at the click (polling may keep adding while the file is written). */
export function sessionSource(readings: readonly Reading[]): ExportSource {
  let frozen: Reading[] = [];
  return readingsExport(
    'this-read',
    () => (frozen = readings.slice()),
    () => frozen,
  );
}

/** Stored readings (all, or a History selection), paged from IndexedDB as the file is written. */
export function storedReadings(filter: ReadingFilter = {}): () => AsyncGenerator<Reading, void, undefined> {
  return async function* stored() {
    const store = await getStore();
    for await (const r of store.iterateReadings(filter)) {
      // The store's id is an internal key: exports list what was read, not how it was filed.
      const { id: _id, ...reading } = r;
      yield reading;
    }
  };
}

export const storedSource: ExportSource = readingsExport('all-readings', storedReadings());
