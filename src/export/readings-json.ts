import type { Reading, ReadingValue } from '../core/reading';
import { DEFAULT_CHUNK_CHARS, encodeInChunks, toReadableStream } from './chunking';
import { formatIsoWithOffset, resolveTimeZone } from './iso-time';
import type { ReadingSource } from './readings-csv';

export interface JsonOptions {
  /** IANA zone for ISO timestamps; default: the local zone. */
  timeZone?: string;
  /** `iso` (default): "2026-11-25T14:03:00.000+01:00"; `epoch`: milliseconds as a number. */
  timestamps?: 'iso' | 'epoch';
  chunkChars?: number;
}

/** The exported shape: fixed key order, absent optional fields left out, the store's id dropped. */
export interface ReadingJson {
  ts: string | number | null;
  device_alias: string;
  signal_alias: string;
  address?: string;
  value: ReadingValue;
  unit?: string;
  quality: 'good' | 'bad';
  error?: string;
}

/** JSON has no NaN or Infinity; as strings they survive instead of silently becoming null. */
export function jsonSafeValue(v: ReadingValue): ReadingValue {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

export function readingToJson(r: Reading, timestamps: 'iso' | 'epoch', timeZone: string): ReadingJson {
  const ts = !Number.isFinite(r.ts) ? null : timestamps === 'epoch' ? r.ts : formatIsoWithOffset(r.ts, timeZone);
  // Optional fields stay undefined, which JSON.stringify leaves out, and the key order stays fixed.
  return {
    ts,
    device_alias: r.device_alias,
    signal_alias: r.signal_alias,
    address: r.address,
    value: jsonSafeValue(r.value ?? null),
    unit: r.unit,
    quality: r.quality,
    error: r.error,
  };
}

function rowEncoder(options: JsonOptions): (r: Reading) => string {
  const timeZone = resolveTimeZone(options.timeZone);
  const timestamps = options.timestamps ?? 'iso';
  return (r) => JSON.stringify(readingToJson(r, timestamps, timeZone));
}

/** One JSON array, streamed: `[`, rows joined with `,\n`, `]`. */
export function encodeReadingsJson(readings: ReadingSource, options: JsonOptions = {}): AsyncGenerator<string, void, undefined> {
  const encode = rowEncoder(options);
  let first = true;
  const row = (r: Reading): string => {
    const sep = first ? '\n' : ',\n';
    first = false;
    return sep + encode(r);
  };
  return encodeInChunks(readings, row, '[', () => (first ? ']\n' : '\n]\n'), options.chunkChars ?? DEFAULT_CHUNK_CHARS);
}

/** JSON Lines: one object per line, LF-terminated (the CLI's --format jsonl shape). */
export function encodeReadingsJsonLines(readings: ReadingSource, options: JsonOptions = {}): AsyncGenerator<string, void, undefined> {
  const encode = rowEncoder(options);
  return encodeInChunks(readings, (r) => encode(r) + '\n', '', () => '', options.chunkChars ?? DEFAULT_CHUNK_CHARS);
}

export function readingsJsonStream(readings: ReadingSource, options: JsonOptions = {}): ReadableStream<Uint8Array> {
  return toReadableStream(encodeReadingsJson(readings, options));
}

export function readingsJsonLinesStream(readings: ReadingSource, options: JsonOptions = {}): ReadableStream<Uint8Array> {
  return toReadableStream(encodeReadingsJsonLines(readings, options));
}
