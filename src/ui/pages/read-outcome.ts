/**
 * How a "Read now" ended, in words for the result card and for a screen reader. Pure: unit-tested.
 */
import type { LiveRow } from '../components/live-table';

/** How the last "Read now" ended; kept for the tab, so a walk to History and back keeps the card. */
export interface ReadOutcome {
  count: number;
  bad: number;
  ms: number;
  /** Set when the read failed or was cancelled: said instead of the count. */
  problem?: string;
}

/** How many values the card shows; the full list is in the Values card below. */
export const KEY_VALUES = 4;

/** "27 values read in 3.0 s · 0 errors", or what went wrong. */
export function outcomeLine(o: ReadOutcome): string {
  if (o.problem) return o.problem;
  const values = `${o.count} value${o.count === 1 ? '' : 's'}`;
  return `${values} read in ${(o.ms / 1000).toFixed(1)} s · ${o.bad} error${o.bad === 1 ? '' : 's'}`;
}

/** The values to show first: those read (good first, in configuration order), at most `n`. */
export function keyRows(rows: readonly LiveRow[], n = KEY_VALUES): LiveRow[] {
  const read = rows.filter((r) => r.quality !== 'waiting');
  return [...read.filter((r) => r.quality === 'good'), ...read.filter((r) => r.quality === 'bad')].slice(0, n);
}

/** The sentence a screen reader hears when the read ends: the outcome and the first value. */
export function outcomeSpeech(o: ReadOutcome, rows: readonly LiveRow[]): string {
  const first = keyRows(rows, 1)[0];
  const value = first && first.quality === 'good' ? ` First value: ${first.name}, ${first.value}${first.unit ? ` ${first.unit}` : ''}.` : '';
  const line = outcomeLine(o).replace(' · ', ', ');
  return `${line}${/[.!?]$/.test(line) ? '' : '.'}${o.problem ? '' : value}`;
}

