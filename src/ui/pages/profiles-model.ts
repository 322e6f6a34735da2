/**
 * Pure logic of the Profiles page: which profiles a device offers, date-range inputs, turning a
 * profile into the stored table shape (Time column first, as the worker stores it) and into chart data.
 */
import type { ReadingValue } from '../../core/reading';
import type { ProfileColumn, ProfileRecord } from '../../store/records';
import type { ProfileResult } from '../../worker/engine-api';

export interface ProfileChoice {
  address: string;
  label: string;
}

const DLMS_CHOICES: ProfileChoice[] = [
  { address: '1.0.99.1.0.255', label: 'Load profile 1 (1.0.99.1.0.255)' },
  { address: '1.0.99.2.0.255', label: 'Load profile 2 (1.0.99.2.0.255)' },
  { address: '0.0.99.98.0.255', label: 'Standard event log (0.0.99.98.0.255)' },
];
const IEC_CHOICES: ProfileChoice[] = [
  { address: 'P.01', label: 'Load profile (P.01)' },
  { address: 'P.98', label: 'Logbook (P.98)' },
];

/** The profiles worth offering for a protocol; Elgama meters speak either, depending on the model. */
export function profileChoices(protocol: string): ProfileChoice[] {
  if (protocol === 'DLMS') return DLMS_CHOICES;
  if (protocol === 'IEC 62056-21') return IEC_CHOICES;
  return [...DLMS_CHOICES, ...IEC_CHOICES];
}

/** A table as shown, stored and exported: the same shape the store keeps. */
export type ProfileTableData = Omit<ProfileRecord, 'id'> & { id?: number };

/** A fresh result in the stored shape: a Time column (epoch ms) first, then the meter's columns. */
export function resultToTable(r: ProfileResult, readAt: number, words: (address: string) => string = () => ''): ProfileTableData {
  const columns: ProfileColumn[] = [
    { name: 'Time', isTime: true },
    ...r.columns.map((c, i) => {
      // IEC channels are named by their data-set address (1.5.0): add the words a technician says.
      const w = /^[\d.*:-]+$/.test(c.name) ? words(c.name) : '';
      const col: ProfileColumn = { name: w ? `${w} (${c.name})` : c.name, address: c.address ?? r.address };
      if (c.unit) col.unit = c.unit;
      // A DLMS profile repeats its clock column among the values: print it as a time too.
      if (c.name === 'Time' && r.rows.every((row) => row.values[i] === null || typeof row.values[i] === 'number')) col.isTime = true;
      return col;
    }),
  ];
  return withoutRepeatedTime({
    ...(r.storedId !== undefined ? { id: r.storedId } : {}),
    device_alias: r.device_alias,
    name: r.name,
    columns,
    rows: r.rows.map((row) => [row.ts, ...row.values]),
    readAt,
  });
}

/**
 * A DLMS profile captures the clock as a column of its own, which the worker also puts first as the
 * row time: show (and export) a time column only once when the two agree on every row.
 */
export function withoutRepeatedTime<T extends ProfileTableData>(t: T): T {
  const first = t.columns.findIndex((c) => c.isTime);
  if (first < 0) return t;
  const dup = t.columns.findIndex((c, i) => i !== first && c.isTime && t.rows.every((r) => r[i] === r[first]));
  if (dup < 0) return t;
  return {
    ...t,
    columns: t.columns.filter((_, i) => i !== dup),
    rows: t.rows.map((r) => r.filter((_, i) => i !== dup)),
  };
}

export interface ChartSeries {
  label: string;
  unit: string;
  values: (number | null)[];
  /** Drawn as bars (an amount per interval) rather than a line (a level). */
  bars?: boolean;
  /** What the values are, for the axis label ("Energy per interval"). */
  quantity?: string;
}

export interface ChartData {
  /** Seconds since the epoch (uPlot's time scale), ascending. */
  x: number[];
  series: ChartSeries[];
}

/**
 * Chart data: rows with a time, in time order; one series per column holding at least one number.
 * Text cells (status words, event texts) become gaps rather than being guessed into numbers.
 */
export function chartData(t: ProfileTableData, maxSeries = 8): ChartData {
  const timeCol = t.columns.findIndex((c) => c.isTime);
  if (timeCol < 0) return { x: [], series: [] };
  const rows = t.rows
    .filter((r) => typeof r[timeCol] === 'number' && Number.isFinite(r[timeCol] as number))
    .slice()
    .sort((a, b) => (a[timeCol] as number) - (b[timeCol] as number));
  const series: ChartSeries[] = [];
  t.columns.forEach((c, i) => {
    if (c.isTime || series.length >= maxSeries) return;
    const values = rows.map((r) => numeric(r[i]));
    if (values.some((v) => v !== null)) series.push({ label: c.name, unit: c.unit ?? '', values });
  });
  return { x: rows.map((r) => (r[timeCol] as number) / 1000), series };
}

function numeric(v: ReadingValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** `<input type="datetime-local">` text for an epoch ms, in local time, to the minute. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** How the date-time fields are written (one text field each, see the Profiles page). */
export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:MM';

/** The text of a date-time field for an epoch ms: local time, to the minute, `2026-01-15 08:00`. */
export function toFieldText(ms: number): string {
  return toLocalInput(ms).replace('T', ' ');
}

/**
 * Back from a field's local time (`2026-01-15 08:00`, or with a `T` as datetime-local writes it,
 * seconds optional); NaN when empty, malformed or not a real date (31 February).
 */
export function fromLocalInput(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return NaN;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, sec);
  // Date rolls 31 February over into March: such a text is a typing error, not a date.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || h > 23 || mi > 59 || sec > 59) return NaN;
  return date.getTime();
}

export function checkRange(from: number, to: number): string | undefined {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Enter both a start and an end time.';
  if (from > to) return 'The start must be before the end.';
  return undefined;
}

/** A one-line description of the chart for screen readers (the table below carries every value). */
export function chartSummary(name: string, d: ChartData, fmt: (ms: number) => string): string {
  if (d.x.length === 0) return `${name}: nothing to chart.`;
  const parts = d.series.map((s) => {
    const nums = s.values.filter((v): v is number => v !== null);
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return `${s.label}${s.unit ? ` (${s.unit})` : ''} from ${min} to ${max}`;
  });
  return `Chart of ${name}: ${d.x.length} points from ${fmt(d.x[0]! * 1000)} to ${fmt(d.x[d.x.length - 1]! * 1000)}; ${parts.join('; ')}.`;
}
