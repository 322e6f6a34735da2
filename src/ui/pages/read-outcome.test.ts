import { describe, expect, it } from 'vitest';
import type { LiveRow } from '../components/live-table';
import { keyRows, outcomeLine, outcomeSpeech } from './read-outcome';

const row = (key: string, quality: LiveRow['quality'], value = '—'): LiveRow => ({
  key,
  device_alias: 'd',
  signal_alias: key,
  name: `Name ${key}`,
  value,
  unit: 'kWh',
  quality,
});

describe('read outcome', () => {
  it('says count, time and errors in one line', () => {
    expect(outcomeLine({ count: 27, bad: 0, ms: 3000 })).toBe('27 values read in 3.0 s · 0 errors');
    expect(outcomeLine({ count: 1, bad: 1, ms: 1250 })).toBe('1 value read in 1.3 s · 1 error');
    expect(outcomeLine({ count: 0, bad: 0, ms: 10, problem: 'Reading failed: no answer' })).toBe('Reading failed: no answer');
  });

  it('shows values read first (good before bad), never ones still waiting, at most four', () => {
    const rows = [row('a', 'waiting'), row('b', 'bad'), row('c', 'good', '1'), row('d', 'good', '2'), row('e', 'good', '3'), row('f', 'good', '4'), row('g', 'good', '5')];
    expect(keyRows(rows).map((r) => r.key)).toEqual(['c', 'd', 'e', 'f']);
    expect(keyRows([row('a', 'waiting'), row('b', 'bad')]).map((r) => r.key)).toEqual(['b']);
  });

  it('tells a screen reader the outcome and the first value', () => {
    expect(outcomeSpeech({ count: 2, bad: 0, ms: 2000 }, [row('a', 'good', '147,238.4')])).toBe(
      '2 values read in 2.0 s, 0 errors. First value: Name a, 147,238.4 kWh.',
    );
    expect(outcomeSpeech({ count: 0, bad: 0, ms: 0, problem: 'Cancelled.' }, [row('a', 'good', '1')])).toBe('Cancelled.');
  });
});
