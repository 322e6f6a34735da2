import type { ReadingValue } from '../core/reading';
import type { ProfileColumn } from '../store/records';
import { DEFAULT_CHUNK_CHARS, encodeInChunks } from './chunking';
import { CRLF, textCell, valueCell } from './csv-cells';
import { formatIsoWithOffset, resolveTimeZone } from './iso-time';
import { jsonSafeValue } from './readings-json';

/** A profile or event-log table; rows may be streamed. */
export interface ProfileTable {
  device_alias?: string;
  name?: string;
  readAt?: number;
  columns: readonly ProfileColumn[];
  rows: Iterable<readonly ReadingValue[]> | AsyncIterable<readonly ReadingValue[]>;
}

export interface ProfileExportOptions {
  timeZone?: string;
  header?: boolean;
  bom?: boolean;
  chunkChars?: number;
}

/** Header cell: the unit rides in brackets because a profile has one unit per column, not per row. */
export function profileHeaderCell(c: ProfileColumn): string {
  return textCell(c.unit ? `${c.name} [${c.unit}]` : c.name);
}

function timeOrValue(v: ReadingValue | undefined, isTime: boolean | undefined, timeZone: string): string | ReadingValue {
  if (isTime && typeof v === 'number' && Number.isFinite(v)) return formatIsoWithOffset(v, timeZone);
  return v ?? null;
}

function profileCsvRecord(cols: readonly ProfileColumn[], timeZone: string): (row: readonly ReadingValue[]) => string {
  return (row) => {
    const cells: string[] = [];
    // Rows longer than the column list keep their extra cells: dropping meter data silently is worse.
    const width = Math.max(cols.length, row.length);
    for (let i = 0; i < width; i++) {
      // A formatted time starts with a digit, so valueCell passes it through unchanged.
      cells.push(valueCell(timeOrValue(row[i], cols[i]?.isTime, timeZone)));
    }
    return cells.join(',') + CRLF;
  };
}

export function encodeProfileCsv(table: ProfileTable, options: ProfileExportOptions = {}): AsyncGenerator<string, void, undefined> {
  const timeZone = resolveTimeZone(options.timeZone);
  const head = (options.bom ? '\uFEFF' : '') + ((options.header ?? true) ? table.columns.map(profileHeaderCell).join(',') + CRLF : '');
  return encodeInChunks(table.rows, profileCsvRecord(table.columns, timeZone), head, () => '', options.chunkChars ?? DEFAULT_CHUNK_CHARS);
}

/** `{"device_alias","name","readAt","columns":[...],"rows":[[...],...]}`, time cells as ISO strings. */
export function encodeProfileJson(table: ProfileTable, options: ProfileExportOptions = {}): AsyncGenerator<string, void, undefined> {
  const timeZone = resolveTimeZone(options.timeZone);
  const meta: Record<string, unknown> = {};
  if (table.device_alias !== undefined) meta.device_alias = table.device_alias;
  if (table.name !== undefined) meta.name = table.name;
  if (table.readAt !== undefined) meta.readAt = formatIsoWithOffset(table.readAt, timeZone);
  meta.columns = table.columns;
  // Splice "rows" into the metadata object's closing brace so the rows can stream.
  const head = `${JSON.stringify(meta).slice(0, -1)},"rows":[`;
  let first = true;
  const row = (cells: readonly ReadingValue[]): string => {
    const sep = first ? '\n' : ',\n';
    first = false;
    return sep + JSON.stringify(Array.from(cells, (v, i) => jsonSafeValue(timeOrValue(v, table.columns[i]?.isTime, timeZone))));
  };
  return encodeInChunks(table.rows, row, head, () => (first ? ']}\n' : '\n]}\n'), options.chunkChars ?? DEFAULT_CHUNK_CHARS);
}
