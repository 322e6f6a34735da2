import type { Reading } from '../core/reading';
import { DEFAULT_CHUNK_CHARS, encodeInChunks, toReadableStream } from './chunking';
import { CRLF, textCell, valueCell } from './csv-cells';
import { formatIsoWithOffset, resolveTimeZone } from './iso-time';

export const READING_CSV_COLUMNS = ['ts', 'device_alias', 'signal_alias', 'address', 'value', 'unit', 'quality', 'error'] as const;

export interface CsvOptions {
  /** IANA zone for the timestamps' offset; default: the local zone. */
  timeZone?: string;
  /** Write the header line (default true). */
  header?: boolean;
  /** Start with a UTF-8 byte order mark, which old Excel needs to read UTF-8 (default false). */
  bom?: boolean;
  /** Approximate characters per emitted chunk (default 64 Ki). */
  chunkChars?: number;
}

export type ReadingSource = AsyncIterable<Reading> | Iterable<Reading>;

/** One CSV record, CRLF included. */
export function readingCsvRecord(r: Reading, timeZone: string): string {
  return (
    (Number.isFinite(r.ts) ? formatIsoWithOffset(r.ts, timeZone) : '') +
    ',' + textCell(r.device_alias) +
    ',' + textCell(r.signal_alias) +
    ',' + textCell(r.address) +
    ',' + valueCell(r.value) +
    ',' + textCell(r.unit) +
    ',' + textCell(r.quality) +
    ',' + textCell(r.error) +
    CRLF
  );
}

/** CSV text in ~64 KB string chunks, produced only as fast as they are consumed. */
export function encodeReadingsCsv(readings: ReadingSource, options: CsvOptions = {}): AsyncGenerator<string, void, undefined> {
  // Resolved here, not lazily: a bad zone name fails before the first byte is written.
  const timeZone = resolveTimeZone(options.timeZone);
  const head = (options.bom ? '\uFEFF' : '') + ((options.header ?? true) ? READING_CSV_COLUMNS.join(',') + CRLF : '');
  return encodeInChunks(readings, (r) => readingCsvRecord(r, timeZone), head, () => '', options.chunkChars ?? DEFAULT_CHUNK_CHARS);
}

export function readingsCsvStream(readings: ReadingSource, options: CsvOptions = {}): ReadableStream<Uint8Array> {
  return toReadableStream(encodeReadingsCsv(readings, options));
}
