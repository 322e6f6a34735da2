/** Sessions fed arbitrary meter bytes: they end with a result or a typed MeterError, never hang. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MeterError } from '../../core/errors';
import { VirtualClock } from '../../core/virtual-clock';
import { textToBytes } from './chars';
import { encodeDataMessage, encodeIdentification } from './messages';
import { listenModeD } from './mode-d';
import { openProgrammingSession } from './programming';
import { readout } from './readout';
import { ScriptedLink } from './test-support/scripted-link';
import { syntheticMeter } from '../../sim/iec/profiles';
import { parseDataBlock } from './datasets';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { startMeter } from './test-support/harness';
import { OneFaultLink } from './test-support/one-fault-link';

const ident = encodeIdentification({ manufacturer: 'ABC', baudChar: '5', ident: 'FUZZ' });
const good = encodeDataMessage('1.8.0(1*kWh)\r\n!\r\n');

/** Chunks built from meaningful pieces and random bytes, mutated. */
const chunks = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 30 }),
    fc.constant(ident),
    fc.constant(good),
    fc.constant(textToBytes('/XYZ5\\2ID\r\n\r\n1.8.0(5)\r\n!12AB\r\n')),
    fc.tuple(fc.constantFrom(ident, good), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, p, v]) => {
      const c = b.slice();
      c[p % c.length] = v;
      return c;
    }),
  ),
  { maxLength: 8 },
);

async function settle(p: Promise<unknown>, clock: VirtualClock): Promise<void> {
  try {
    await clock.run(p, { maxVirtualMs: 10 * 60_000 });
  } catch (e) {
    expect(e).toBeInstanceOf(MeterError);
  }
}

describe('session fuzzing', () => {
  it('readout, programming sign-on and mode D with arbitrary answers', async () => {
    await fc.assert(
      fc.asyncProperty(chunks, async (cs) => {
        for (const run of [
          (l: ScriptedLink, c: VirtualClock) => readout(l, c, { retries: 1, timeoutMs: 1000 }),
          (l: ScriptedLink, c: VirtualClock) => openProgrammingSession(l, c, { retries: 1, timeoutMs: 1000, password: 'x' }),
          (l: ScriptedLink, c: VirtualClock) => listenModeD(l, c, { retries: 1, timeoutMs: 1000 }),
        ]) {
          const clock = new VirtualClock();
          const link = new ScriptedLink(clock, cs.map((c) => c.slice()));
          await settle(run(link, clock), clock);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('one damaged, lost or doubled byte anywhere in the meter\'s answer: the exact readout or a typed error', async () => {
    const expected = parseDataBlock(new VirtualIecMeter(syntheticMeter(30)).readoutText()).dataSets;
    // Bytes the client receives in a clean session: the identification and the data message.
    const total = new VirtualIecMeter(syntheticMeter(30)).identificationBytes().length + new VirtualIecMeter(syntheticMeter(30)).readoutText().length + 3;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: total - 1 }), fc.constantFrom('corrupt', 'drop', 'duplicate' as const), fc.integer({ min: 1, max: 255 }), async (offset, kind, mask) => {
        const h = startMeter(syntheticMeter(30));
        const link = new OneFaultLink(h.pair.client, offset, kind, mask);
        try {
          const r = await h.clock.run(readout(link, h.clock, { retries: 3 }));
          expect(r.dataSets).toEqual(expected);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
        } finally {
          h.stop();
        }
      }),
      { numRuns: 150 },
    );
  });
});
