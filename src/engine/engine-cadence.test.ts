import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/virtual-clock';
import { Engine } from './engine';
import { EventLog, FakeMeters, configOf, iecDevice, iecSignal } from './test-kit';

describe('polling cadence (property)', () => {
  it('reads start every max(scan_rate_ms, read time), never piling up, never drifting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 500, max: 30_000 }), fc.integer({ min: 1, max: 40_000 }), async (scan, readMs) => {
        const clock = new VirtualClock();
        const meters = new FakeMeters(clock, { readMs });
        const events = new EventLog(clock);
        const dev = iecDevice('m', { scan_rate_ms: scan, timeout_ms: 60_000 });
        const engine = new Engine({
          config: configOf([dev], [iecSignal('m', 'a')]),
          clock,
          openLink: meters.openLink,
          createDriver: meters.createDriver,
          onEvent: events.onEvent,
          keepSessionMaxIdleMs: 60_000,
        });
        const horizon = 120_000;
        await clock.run(async () => {
          engine.start();
          await clock.sleep(horizon);
          await engine.stop();
        });
        const period = Math.max(scan, readMs);
        const starts = meters.of('m', 'read').map((c) => c.start);
        const expected = Array.from({ length: Math.ceil(horizon / period) }, (_, i) => i * period);
        expect(starts).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
