/**
 * Mode E sign-on timing (issue 16): the client waits the 200 ms IEC 62056-21 asks for after the
 * identification before its option select, and not more (the readout's 300 ms default was idle time on
 * every DLMS sign-on); a configured t2 still wins. Virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decorateLink } from '../../core/decorate-link';
import { landisLikeModeC } from '../../sim/iec/profiles';
import { signOnModeE } from './mode-e';
import { startMeter, type Harness } from './test-support/harness';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

/** Time from the identification's last byte in to the option select's first byte out. */
async function optionWait(t2Ms?: number): Promise<number> {
  h = startMeter({ ...landisLikeModeC(), onModeE: async () => undefined });
  const { clock, pair } = h;
  let lastIn = 0;
  let ackAt = -1;
  const link = decorateLink(pair.client, {
    read: async (ms) => {
      const got = await pair.client.read(ms);
      if (got.length > 0 && ackAt < 0) lastIn = clock.now();
      return got;
    },
    write: async (bytes) => {
      if (bytes[0] === 0x06 && ackAt < 0) ackAt = clock.now();
      await pair.client.write(bytes);
    },
  });
  await clock.run(signOnModeE(link, clock, t2Ms === undefined ? {} : { t2Ms }));
  return ackAt - lastIn;
}

describe('mode E: the wait before the option select', () => {
  it('is the 200 ms the standard asks for with a 20 ms margin, not the readout default of 300 ms', async () => {
    const wait = await optionWait();
    expect(wait).toBeGreaterThanOrEqual(210);
    expect(wait).toBeLessThan(225);
  });

  it('a configured t2 is kept', async () => {
    expect(await optionWait(450)).toBeGreaterThanOrEqual(450);
  });
});
