/**
 * How the CLI prints readings: jsonl (one object a line, for programs), csv (RFC 4180, for
 * spreadsheets) or table (aligned columns, for a person at a terminal). Every formatter is told the
 * readings as they come, so polling output streams instead of waiting for the end.
 */
import type { Reading } from '../core/reading';
import { numberText, textCell, valueCell } from '../export/csv-cells';
import type { OutputFormat } from './args';

export interface ReadingFormatter {
  /** Printed once before the first rows ('' for none). */
  header(): string;
  /** Lines for these readings, each ending with its line break. */
  rows(readings: readonly Reading[]): string;
}

/** The JSON shape of one reading: every key present, missing parts as null. */
export interface ReadingLine {
  ts: string;
  device_alias: string;
  signal_alias: string;
  value: Reading['value'];
  unit: string | null;
  quality: 'good' | 'bad';
  error: string | null;
  /** The meter's own form beside a converted value: a COSEM date-time's 12 bytes in hex. */
  raw: string | null;
}

export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

export function readingLine(r: Reading): ReadingLine {
  // JSON has no NaN or Infinity: such a value would silently become null anyway, say so explicitly.
  const value = typeof r.value === 'number' && !Number.isFinite(r.value) ? null : r.value;
  return {
    ts: isoTime(r.ts),
    device_alias: r.device_alias,
    signal_alias: r.signal_alias,
    value,
    unit: r.unit ?? null,
    quality: r.quality,
    error: r.error ?? null,
    raw: r.raw ?? null,
  };
}

export const jsonlFormatter: ReadingFormatter = {
  header: () => '',
  rows: (readings) => readings.map((r) => `${JSON.stringify(readingLine(r))}\n`).join(''),
};

const CSV_COLUMNS = ['ts', 'device_alias', 'signal_alias', 'value', 'unit', 'quality', 'error'] as const;

/** RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break. */
export const csvFormatter: ReadingFormatter = {
  header: () => `${CSV_COLUMNS.join(',')}\r\n`,
  rows: (readings) =>
    readings
      .map((r) => [isoTime(r.ts), textCell(r.device_alias), textCell(r.signal_alias), valueCell(r.value, ',', r.decimals), textCell(r.unit), r.quality, r.error ?? ''].join(',') + '\r\n')
      .join(''),
};

/** Widths known in advance (from the configuration) keep a streamed table aligned from its first row. */
export interface TableHints {
  deviceAliases?: readonly string[];
  signalAliases?: readonly string[];
}

const TABLE_HEAD = ['TIME (UTC)', 'DEVICE', 'SIGNAL', 'VALUE', 'UNIT', 'STATUS'] as const;
const MIN_VALUE_WIDTH = 14;

export class TableFormatter implements ReadingFormatter {
  private readonly widths: number[];

  constructor(hints: TableHints = {}) {
    const longest = (xs: readonly string[] | undefined, title: string) => Math.max(title.length, ...(xs ?? []).map((x) => x.length));
    this.widths = [
      isoTime(0).replace(/\.\d+Z$/, 'Z').length,
      longest(hints.deviceAliases, TABLE_HEAD[1]),
      longest(hints.signalAliases, TABLE_HEAD[2]),
      MIN_VALUE_WIDTH,
      6,
    ];
  }

  header(): string {
    const rule = TABLE_HEAD.map((h, i) => '-'.repeat(i < this.widths.length ? this.widths[i] : h.length));
    return `${this.line([...TABLE_HEAD])}\n${rule.join('  ')}\n`;
  }

  rows(readings: readonly Reading[]): string {
    return readings
      .map((r) => {
        const status = r.quality === 'good' ? 'good' : `bad ${r.error ?? ''}`.trimEnd();
        return `${this.line([isoTime(r.ts).replace(/\.\d+Z$/, 'Z'), r.device_alias, r.signal_alias, showValue(r), r.unit ?? '', status])}\n`;
      })
      .join('');
  }

  private line(cells: string[]): string {
    return cells
      .map((c, i) => {
        const clean = c.replace(/[\r\n\t]/g, ' ');
        if (i === cells.length - 1) return clean;
        // Values align on the right so digits line up; everything else on the left.
        return i === 3 ? clean.padStart(this.widths[i]) : clean.padEnd(this.widths[i]);
      })
      .join('  ')
      .trimEnd();
  }
}

function showValue(r: Reading): string {
  if (r.quality !== 'good' || r.value === null) return '-';
  // The meter's decimals: a scaler of -2 prints 50.00, as the meter's display would.
  return typeof r.value === 'number' ? numberText(r.value, r.decimals) : String(r.value);
}

export function createFormatter(format: OutputFormat, hints: TableHints = {}): ReadingFormatter {
  switch (format) {
    case 'jsonl':
      return jsonlFormatter;
    case 'csv':
      return csvFormatter;
    case 'table':
      return new TableFormatter(hints);
  }
}
