import type { Reading } from '../core/reading';
import { DEFAULT_CHUNK_CHARS, encodeInChunks, toReadableStream } from './chunking';
import { CRLF, textCell, valueCell, type CsvSeparator } from './csv-cells';
import { formatIsoWithOffset, resolveTimeZone } from './iso-time';
import { NO_LABELS, type ReadingLabels } from './reading-labels';

/** Aliases for programs, names for people, identity and address to tell meters and registers apart. */
export const READING_CSV_COLUMNS = [
  'ts',
  'device_alias',
  'device_name',
  'meter_id',
  'signal_alias',
  'signal_name',
  'address',
  'value',
  'unit',
  'quality',
  'error',
  'raw',
] as const;

export interface CsvOptions {
  /** IANA zone for the timestamps' offset; default: the local zone. */
  timeZone?: string;
  /** Write the header line (default true). */
  header?: boolean;
  /** Start with a UTF-8 byte order mark, which old Excel needs to read UTF-8 (default false). */
  bom?: boolean;
  /** `,` (RFC 4180, default) or `;` with decimal commas, for spreadsheets in a comma decimal locale. */
  separator?: CsvSeparator;
  /** Device and signal names and the meter's identity; default: none (the columns stay empty). */
  labels?: ReadingLabels;
  /** Approximate characters per emitted chunk (default 64 Ki). */
  chunkChars?: number;
}

export type ReadingSource = AsyncIterable<Reading> | Iterable<Reading>;

/** One CSV record, CRLF included. */
export function readingCsvRecord(r: Reading, timeZone: string, separator: CsvSeparator = ',', labels: ReadingLabels = NO_LABELS): string {
  const l = labels.of(r);
  const t = (s: string | undefined) => textCell(s, separator);
  return (
    [
      Number.isFinite(r.ts) ? formatIsoWithOffset(r.ts, timeZone) : '',
      t(r.device_alias),
      t(l.device_name),
      t(l.meter_id),
      t(r.signal_alias),
      t(l.signal_name),
      t(r.address),
      valueCell(r.value, separator, r.decimals),
      t(r.unit),
      t(r.quality),
      t(r.error),
      t(r.raw),
    ].join(separator) + CRLF
  );
}

/** CSV text in ~64 KB string chunks, produced only as fast as they are consumed. */
export function encodeReadingsCsv(readings: ReadingSource, options: CsvOptions = {}): AsyncGenerator<string, void, undefined> {
  // Resolved here, not lazily: a bad zone name fails before the first byte is written.
  const timeZone = resolveTimeZone(options.timeZone);
  const separator = options.separator ?? ',';
  const labels = options.labels ?? NO_LABELS;
  const head = (options.bom ? '\uFEFF' : '') + ((options.header ?? true) ? READING_CSV_COLUMNS.join(separator) + CRLF : '');
  return encodeInChunks(readings, (r) => readingCsvRecord(r, timeZone, separator, labels), head, () => '', options.chunkChars ?? DEFAULT_CHUNK_CHARS);
}

export function readingsCsvStream(readings: ReadingSource, options: CsvOptions = {}): ReadableStream<Uint8Array> {
  return toReadableStream(encodeReadingsCsv(readings, options));
}
