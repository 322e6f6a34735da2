import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PushWatch, describeStats } from './push-stats';

describe('PushWatch', () => {
  it('learns the interval from the arrivals and counts one missing push per 3 intervals of silence', () => {
    const w = new PushWatch();
    w.started(0);
    expect(w.nextCheckAt).toBeUndefined();
    for (let t = 500; t <= 10_500; t += 2000) w.push(t, t);
    expect(w.stats.intervalMs).toBe(2000);
    expect(w.nextCheckAt).toBe(10_500 + 6000);
    expect(w.check(16_499)).toBe(0);
    expect(w.check(16_500)).toBe(1);
    expect(w.check(28_500)).toBe(2);
    expect(w.stats.missing).toBe(3);
    expect(describeStats(w.stats)).toBe('6 pushes, 3 missing, 0 bad, every 2 s');
  });

  it('uses push_interval_ms from the start, and any frame (even a bad one) resets the silence', () => {
    const w = new PushWatch(1000);
    w.started(0);
    expect(w.nextCheckAt).toBe(3000);
    w.bad('gcm', 2500);
    expect(w.check(5000)).toBe(0);
    expect(w.check(5500)).toBe(1);
    expect(describeStats(w.stats)).toBe('0 pushes, 1 missing, 1 bad (gcm 1), every 1 s');
  });

  it('is not moved by one late push (median of the gaps)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 60_000 }), fc.integer({ min: 3, max: 8 }), fc.integer({ min: 1, max: 5 }), (interval, n, late) => {
        const w = new PushWatch();
        let t = 0;
        w.started(t);
        for (let i = 0; i < n; i++) w.push((t += interval), t);
        w.push((t += interval * (1 + late)), t);
        return w.stats.intervalMs === interval;
      }),
    );
  });
});
