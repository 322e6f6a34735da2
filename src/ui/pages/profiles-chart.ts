/**
 * What a technician reads a load profile for, as chart data: energy per interval (the difference of a
 * cumulative register, or average power × interval), average demand (energy per interval ÷ interval
 * length, or the power column itself), or the registers as stored. Missing intervals stay gaps; the
 * interval after a gap gets no bar (its difference spans several intervals); the profile status
 * column is decoded into words. Pure: the page and its tests share it.
 */
import type { ReadingValue } from '../../core/reading';
import type { ProfileColumn } from '../../store/records';
import type { ChartData, ChartSeries, ProfileTableData } from './profiles-model';

export type ChartMode = 'energy' | 'demand' | 'register';

/** What a column holds, decided from its OBIS / data-set address and unit. */
export type ColumnRole = 'cumulative' | 'interval-energy' | 'power' | 'status' | 'other';

export interface ChartColumn {
  index: number;
  label: string;
  unit: string;
  role: ColumnRole;
}

export interface ProfileChart extends ChartData {
  mode: ChartMode;
  /** The interval of the profile (the most common spacing of its rows), seconds; 0 when unknown. */
  periodS: number;
  /** Intervals missing from the buffer (no row where one was due). */
  missing: number;
  /** Intervals left without a value because a cumulative register went down (reset, replacement). */
  decreases: number;
  /** Rows whose status column says something (power down, clock adjusted...), in time order. */
  flagged: { ts: number; flags: string[] }[];
}

/**
 * The profile status bits as commonly used (IDIS / DSMR / many vendors' "AMR profile status", object
 * 0.0.96.10.x): the Blue Book leaves the meaning to the companion specification, so a meter's own
 * documentation wins where it differs. Bits 6 and 4 are reserved there.
 */
const STATUS_BITS: readonly [number, string][] = [
  [0x80, 'power down'],
  [0x40, 'bit 6 (reserved)'],
  [0x20, 'clock adjusted'],
  [0x10, 'bit 4 (reserved)'],
  [0x08, 'daylight saving'],
  [0x04, 'data not valid'],
  [0x02, 'clock invalid'],
  [0x01, 'critical error'],
];

/** Set bits of a profile status value in words (bits above 7 by number); empty for 0. */
export function profileStatusFlags(v: number): string[] {
  if (!Number.isInteger(v) || v < 0) return [`not a status value (${v})`];
  const out: string[] = [];
  for (const [bit, name] of STATUS_BITS) if (v & bit) out.push(name);
  for (let b = 8; b < 32; b++) if (Math.floor(v / 2 ** b) % 2 === 1) out.push(`bit ${b}`);
  return out;
}

/** A status cell as the table shows it: `128 · power down`, `0 · ok`. */
export function statusText(v: ReadingValue | undefined): string | undefined {
  if (typeof v !== 'number') return undefined;
  const flags = profileStatusFlags(v);
  return `${v} · ${flags.length ? flags.join(', ') : 'ok'}`;
}

/** OBIS value groups of a column address (`1.0.1.8.0.255`, `1-0:1.8.0`, IEC `1.8.0`), else undefined. */
function groups(address: string | undefined): { c: number; d: number; a?: number } | undefined {
  if (!address) return undefined;
  const full = /^(\d+)[.-](\d+)[.:](\d+)\.(\d+)\.(\d+)(?:[.*](\d+))?$/.exec(address);
  if (full) return { a: Number(full[1]), c: Number(full[3]), d: Number(full[4]) };
  const iec = /^(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (iec) return { c: Number(iec[1]), d: Number(iec[2]) };
  return undefined;
}

/** The address a column came from: its own, or the data-set address an IEC column is named by. */
function addressOf(c: ProfileColumn): string | undefined {
  if (c.address && groups(c.address)) return c.address;
  const inName = /\(([\d.:*-]+)\)$/.exec(c.name)?.[1] ?? (/^[\d.:*-]+$/.test(c.name) ? c.name : undefined);
  return inName;
}

interface UnitScale {
  base: string;
  factor: number;
  energy: boolean;
}

const PREFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9 };

/** `kWh` → Wh ×1000 (energy); `MW` → W ×10^6 (power); undefined for anything else. */
export function unitScale(unit: string): UnitScale | undefined {
  const m = /^([kMG]?)(Wh|varh|VAh|W|var|VA)$/.exec(unit.trim());
  if (!m) return undefined;
  return { base: m[2]!, factor: PREFIX[m[1]!]!, energy: m[2]!.endsWith('h') };
}

/** The profile status column (0.x.96.10.y, or a unit-less column called status). */
export function isStatusColumn(c: ProfileColumn): boolean {
  const g = groups(addressOf(c));
  if (g && g.a === 0 && g.c === 96 && g.d === 10) return true;
  return /\bstatus\b/i.test(c.name) && !c.unit;
}

function numbers(rows: readonly (readonly ReadingValue[])[], i: number): (number | null)[] {
  return rows.map((r) => (typeof r[i] === 'number' && Number.isFinite(r[i] as number) ? (r[i] as number) : null));
}

function nonDecreasing(vs: readonly (number | null)[]): boolean {
  let prev: number | undefined;
  let seen = 0;
  for (const v of vs) {
    if (v === null) continue;
    if (prev !== undefined && v < prev) return false;
    prev = v;
    seen++;
  }
  return seen >= 2;
}

/** Every column that can be charted or decoded, with what it holds. */
export function chartColumns(t: ProfileTableData): ChartColumn[] {
  const out: ChartColumn[] = [];
  t.columns.forEach((c, index) => {
    if (c.isTime) return;
    const vs = numbers(t.rows, index);
    if (!vs.some((v) => v !== null)) return;
    const unit = c.unit ?? '';
    let role: ColumnRole = 'other';
    if (isStatusColumn(c)) role = 'status';
    else {
      const scale = unitScale(unit);
      const g = groups(addressOf(c));
      if (scale?.energy) {
        // D = 8: time integral 1 (from the start: a meter reading); D = 29: energy in the interval itself.
        if (g?.d === 29) role = 'interval-energy';
        else if (g?.d === 8 || nonDecreasing(vs)) role = 'cumulative';
        else role = 'interval-energy';
      } else if (scale) role = 'power';
    }
    out.push({ index, label: c.name, unit, role });
  });
  return out;
}

/** Columns drawn by default in a mode: energy and demand columns, else whatever is numeric. */
export function defaultPicks(cols: readonly ChartColumn[], mode: ChartMode, max = 4): number[] {
  const useful = cols.filter((c) => (mode === 'register' ? c.role !== 'status' : c.role === 'cumulative' || c.role === 'interval-energy' || c.role === 'power'));
  return (useful.length ? useful : cols.filter((c) => c.role !== 'status')).slice(0, max).map((c) => c.index);
}

/** The most common positive spacing of sorted times (ms), 0 when there are fewer than two. */
function typicalStep(ts: readonly number[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i]! - ts[i - 1]!;
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 0;
  let n = 0;
  for (const [d, c] of counts) if (c > n || (c === n && d < best)) [best, n] = [d, c];
  return best;
}

/** At most this many empty slots are inserted for missing intervals; beyond, one gap marker per hole. */
const MAX_SLOTS = 20_000;

/**
 * Chart data for a mode and the picked columns (indexes into t.columns). Series units are base units
 * (Wh, W, var...) so the axes can add SI prefixes; the x axis has one slot per interval, missing ones
 * included (null), so bars keep their width and gaps show as gaps.
 */
export function profileChart(t: ProfileTableData, mode: ChartMode, picks?: readonly number[]): ProfileChart {
  const timeCol = t.columns.findIndex((c) => c.isTime);
  const empty: ProfileChart = { mode, x: [], series: [], periodS: 0, missing: 0, decreases: 0, flagged: [] };
  if (timeCol < 0) return empty;
  const rows = t.rows
    .filter((r) => typeof r[timeCol] === 'number' && Number.isFinite(r[timeCol] as number))
    .slice()
    .sort((a, b) => (a[timeCol] as number) - (b[timeCol] as number));
  if (rows.length === 0) return empty;
  const ts = rows.map((r) => r[timeCol] as number);
  const step = typicalStep(ts);
  const cols = chartColumns(t);
  const chosen = (picks ?? defaultPicks(cols, mode)).map((i) => cols.find((c) => c.index === i)).filter((c): c is ChartColumn => !!c && c.role !== 'status');

  // Slots: every row, plus an empty slot for each missing interval when the spacing is regular.
  const slotOfRow: number[] = [];
  const x: number[] = [];
  let missing = 0;
  let slotsLeft = MAX_SLOTS;
  for (let i = 0; i < ts.length; i++) {
    if (i > 0 && step > 0) {
      const gap = ts[i]! - ts[i - 1]!;
      const absent = Math.round(gap / step) - 1;
      if (absent > 0) {
        missing += absent;
        const fill = Math.min(absent, slotsLeft);
        // Too many to draw one by one: a single empty slot still breaks the line.
        const k = fill > 0 ? fill : 1;
        for (let j = 1; j <= k; j++) x.push((ts[i - 1]! + (gap * j) / (k + 1)) / 1000);
        slotsLeft -= fill;
      }
    }
    slotOfRow.push(x.length);
    x.push(ts[i]! / 1000);
  }

  let decreases = 0;
  const series: ChartSeries[] = [];
  for (const c of chosen) {
    const vs = numbers(rows, c.index);
    const scale = unitScale(c.unit);
    const f = scale?.factor ?? 1;
    const values: (number | null)[] = new Array<number | null>(x.length).fill(null);
    let unit = scale ? scale.base : c.unit;
    let label = c.label;
    let bars = false;
    for (let i = 0; i < rows.length; i++) {
      const v = vs[i];
      let out: number | null = null;
      // Whether row i closes exactly one interval after row i-1 (no gap, no duplicate).
      const regular = i > 0 && step > 0 && ts[i]! - ts[i - 1]! === step;
      if (mode === 'register' || !scale) {
        out = v === null ? null : v * f;
      } else if (c.role === 'cumulative') {
        const prev = i > 0 ? vs[i - 1] : null;
        if (regular && v !== null && prev !== null && prev !== undefined) {
          const delta = (v - prev) * f;
          if (delta < 0) decreases++;
          else out = mode === 'energy' ? delta : delta / (step / 3_600_000);
        }
      } else if (c.role === 'interval-energy') {
        if (v !== null) out = mode === 'energy' ? v * f : step > 0 ? (v * f) / (step / 3_600_000) : null;
      } else if (c.role === 'power') {
        if (v !== null) out = mode === 'demand' ? v * f : step > 0 ? v * f * (step / 3_600_000) : null;
      } else {
        out = v;
      }
      values[slotOfRow[i]!] = out === null ? null : round(out);
    }
    if (mode !== 'register' && scale) {
      const energyBase = scale.energy ? scale.base : `${scale.base}h`;
      const powerBase = scale.energy ? scale.base.slice(0, -1) : scale.base;
      unit = mode === 'energy' ? energyBase : powerBase;
      label = `${c.label} — ${mode === 'energy' ? 'energy per interval' : 'average demand'}`;
      bars = mode === 'energy';
    }
    const quantity = mode === 'register' || !scale ? 'Register' : mode === 'energy' ? 'Energy per interval' : 'Average demand';
    if (values.some((v) => v !== null)) series.push({ label, unit, values, quantity, ...(bars ? { bars: true } : {}) });
  }

  const flagged: { ts: number; flags: string[] }[] = [];
  for (const c of cols.filter((k) => k.role === 'status')) {
    rows.forEach((r, i) => {
      const v = r[c.index];
      if (typeof v !== 'number') return;
      // Daylight saving is a state, not an event worth a technician's attention.
      const flags = profileStatusFlags(v).filter((f) => f !== 'daylight saving');
      if (flags.length) flagged.push({ ts: ts[i]!, flags });
    });
  }
  return { mode, x, series, periodS: step / 1000, missing, decreases, flagged };
}

/** Arithmetic noise off (0.1 + 0.2): 12 significant digits are more than any meter gives. */
function round(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(12));
}

const SI = ['', 'k', 'M', 'G', 'T'];

/**
 * A number with an SI prefix on its unit, for axes and summaries: 1234567 Wh → "1.23 MWh",
 * 0.5 W → "0.5 W". Units that take no prefix (%, none) print the number as is.
 */
export function siText(v: number, unit: string, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  let i = 0;
  let n = Math.abs(v);
  if (unitScale(unit)) {
    while (n >= 1000 && i < SI.length - 1) {
      n /= 1000;
      i++;
    }
  }
  const shown = Number(n.toPrecision(digits));
  const text = `${v < 0 ? '-' : ''}${shown}`;
  return unit ? `${text} ${SI[i]}${unit}` : text;
}

/** The prefix step (1, 1000, 10^6...) that keeps the largest magnitude of an axis under 1000. */
export function axisPrefix(max: number, unit: string): { factor: number; unit: string } {
  if (!unitScale(unit) || !Number.isFinite(max)) return { factor: 1, unit };
  let i = 0;
  let n = Math.abs(max);
  while (n >= 1000 && i < SI.length - 1) {
    n /= 1000;
    i++;
  }
  return { factor: 1000 ** i, unit: `${SI[i]}${unit}` };
}

/** The period in words: 900 → "15 min". */
export function periodText(s: number): string {
  if (s <= 0) return 'unknown interval';
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
