import type { Reading, ReadingValue } from '../core/reading';
import { DEFAULT_CHUNK_CHARS, encodeInChunks, toReadableStream } from './chunking';
import { formatIsoWithOffset, resolveTimeZone } from './iso-time';
import { NO_LABELS, type ReadingLabels } from './reading-labels';
import type { ReadingSource } from './readings-csv';

export interface JsonOptions {
  /** IANA zone for ISO timestamps; default: the local zone. */
  timeZone?: string;
  /** `iso` (default): "2026-11-25T14:03:00.000+01:00"; `epoch`: milliseconds as a number. */
  timestamps?: 'iso' | 'epoch';
  /** Device and signal names and the meter's identity; default: none. */
  labels?: ReadingLabels;
  chunkChars?: number;
}

/** The exported shape: fixed key order, absent optional fields left out, the store's id dropped. */
export interface ReadingJson {
  ts: string | number | null;
  device_alias: string;
  device_name?: string;
  meter_id?: string;
  signal_alias: string;
  signal_name?: string;
  address?: string;
  value: ReadingValue;
  /** The meter's decimals: 50 with decimals 2 was read as 50.00. */
  decimals?: number;
  unit?: string;
  quality: 'good' | 'bad';
  error?: string;
  /** The meter's own text or bytes beside a converted value. */
  raw?: string;
}

/** JSON has no NaN or Infinity; as strings they survive instead of silently becoming null. */
export function jsonSafeValue(v: ReadingValue): ReadingValue {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

export function readingToJson(r: Reading, timestamps: 'iso' | 'epoch', timeZone: string, labels: ReadingLabels = NO_LABELS): ReadingJson {
  const ts = !Number.isFinite(r.ts) ? null : timestamps === 'epoch' ? r.ts : formatIsoWithOffset(r.ts, timeZone);
  const l = labels.of(r);
  // Optional fields stay undefined, which JSON.stringify leaves out, and the key order stays fixed.
  return {
    ts,
    device_alias: r.device_alias,
    device_name: l.device_name,
    meter_id: l.meter_id,
    signal_alias: r.signal_alias,
    signal_name: l.signal_name,
    address: r.address,
    value: jsonSafeValue(r.value ?? null),
    decimals: typeof r.value === 'number' ? r.decimals : undefined,
    unit: r.unit,
    quality: r.quality,
    error: r.error,
    raw: r.raw,
  };
}

function rowEncoder(options: JsonOptions): (r: Reading) => string {
  const timeZone = resolveTimeZone(options.timeZone);
  const timestamps = options.timestamps ?? 'iso';
  const labels = options.labels ?? NO_LABELS;
  return (r) => JSON.stringify(readingToJson(r, timestamps, timeZone, labels));
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
