import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINE_9600_8N1 } from '../core/link';
import { createSerialPair } from '../core/memory-link';
import { VirtualClock } from '../core/virtual-clock';
import { serverAddress } from '../protocols/hdlc/address';
import { HdlcClient } from '../protocols/hdlc/client-session';
import { SimDlmsMeter } from './dlms/server';
import { landisLikeModeC } from './iec/profiles';
import { VirtualIecMeter } from './iec/virtual-meter';
import { type ReactionSpec, reactionDelays } from './reaction';

/** Virtual time from sending SNRM to having the UA, against a simulator with `reactionMs`. */
async function snrmTime(reactionMs: ReactionSpec | undefined): Promise<number> {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const address = serverAddress({ logical: 1, physical: 17, size: 2 });
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', ...(reactionMs !== undefined ? { reactionMs } : {}) });
  const abort = new AbortController();
  meter.serveHdlc(pair.meter, { address }, abort.signal).done.catch(() => undefined);
  const client = new HdlcClient(pair.client, clock, { server: address, client: 0x10 });
  const t = await clock.run(async () => {
    const t0 = clock.now();
    await client.connect();
    return clock.now() - t0;
  });
  abort.abort();
  return t;
}

describe('meter reaction time (issue 16)', () => {
  it('the DLMS simulator waits its reaction time before answering a frame', async () => {
    const at0 = await snrmTime(undefined);
    const at150 = await snrmTime(150);
    expect(at150 - at0).toBeCloseTo(150, 6);
  });

  it('a seeded range draws a different, repeatable delay per answer', async () => {
    const a = await snrmTime({ min: 40, max: 60, seed: 7 });
    const b = await snrmTime({ min: 40, max: 60, seed: 7 });
    const base = await snrmTime(undefined);
    expect(a).toBe(b);
    expect(a - base).toBeGreaterThanOrEqual(40);
    expect(a - base).toBeLessThanOrEqual(60);
  });

  it('range draws stay inside the range, whatever the order of min and max', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), fc.integer(), (x, y, seed) => {
        const next = reactionDelays({ min: x, max: y, seed });
        for (let i = 0; i < 20; i++) {
          const d = next();
          expect(d).toBeGreaterThanOrEqual(Math.min(x, y));
          expect(d).toBeLessThanOrEqual(Math.max(x, y));
        }
      }),
    );
    expect(reactionDelays(-5)()).toBe(0);
  });

  it('the IEC virtual meter takes a range too', () => {
    const m = new VirtualIecMeter({ ...landisLikeModeC(), reactionMs: { min: 30, max: 80, seed: 2 } });
    const draws = Array.from({ length: 50 }, () => m.reactionMs);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...draws)).toBeLessThanOrEqual(80);
    expect(new Set(draws).size).toBeGreaterThan(1);
  });
});
