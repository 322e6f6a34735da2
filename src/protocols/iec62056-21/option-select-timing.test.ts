/**
 * The 200 ms IEC 62056-21 asks between the identification and the client's option select, against a
 * virtual meter that keeps it strictly (issue 16): the meter refuses an earlier option select, so a
 * mode E sign-on or a mode C readout that waits less than 200 ms fails here. Virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IecMeterProfile } from '../../sim/iec/virtual-meter';
import { landisLikeModeC, syntheticMeter } from '../../sim/iec/profiles';
import { signOnModeE } from './mode-e';
import { readout } from './readout';
import { startMeter, type Harness } from './test-support/harness';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

/** A mode C readout with t2 `t2Ms` (the client's default when undefined): its data sets, or the error code. */
async function readWith(profile: IecMeterProfile, t2Ms?: number): Promise<number | string> {
  h = startMeter(profile);
  const run = readout(h.pair.client, h.clock, { retries: 1, recoveryDelayMs: 1600, ...(t2Ms === undefined ? {} : { t2Ms }) });
  return h.clock.run(run).then(
    (r) => r.dataSets.length,
    (e: { code?: string }) => e.code ?? 'thrown',
  );
}

describe('the virtual meter keeps the 200 ms before the option select', () => {
  it('the mode C readout with its default t2 is accepted', async () => {
    expect(await readWith(syntheticMeter(20))).toBe(20);
    expect(h!.meter.stats.earlyAcks).toBe(0);
  });

  it('t2 of exactly 200 ms is accepted', async () => {
    expect(await readWith(syntheticMeter(20), 200)).toBe(20);
    expect(h!.meter.stats.earlyAcks).toBe(0);
  });

  it('an option select 150 ms after the identification is ignored: no readout', async () => {
    expect(typeof (await readWith(syntheticMeter(20), 150))).toBe('string');
    expect(h!.meter.stats.earlyAcks).toBe(2);
    expect(h!.meter.stats.readouts).toBe(0);
  });

  it("earlyAck 'initial-baud': the meter answers at the sign-on rate, which the switched client cannot read", async () => {
    expect(typeof (await readWith({ ...syntheticMeter(20), earlyAck: 'initial-baud' }, 150))).toBe('string');
    // The second sign-on may find the meter still printing the first readout at 300 baud.
    expect(h!.meter.stats.earlyAcks).toBeGreaterThanOrEqual(1);
  });

  it('a lenient meter (minAckDelayMs 0) takes the early option select', async () => {
    expect(await readWith({ ...syntheticMeter(20), minAckDelayMs: 0 }, 150)).toBe(20);
  });

  it('mode E with its own t2 (MODE_E_T2_MS, 220 ms) is accepted', async () => {
    h = startMeter({ ...landisLikeModeC(), onModeE: async () => undefined });
    const { clock } = h;
    const r = await clock.run(signOnModeE(h.pair.client, clock, { retries: 0 }));
    await clock.run(clock.sleep(500)); // the option select reaches the meter
    expect(r.baudRate).toBe(9600);
    expect(h.meter.stats).toMatchObject({ modeE: 1, earlyAcks: 0 });
  });

  it('mode E with t2 below 200 ms is refused by the meter', async () => {
    h = startMeter({ ...landisLikeModeC(), onModeE: async () => undefined });
    const meter = h.meter;
    const { clock } = h;
    await expect(clock.run(signOnModeE(h.pair.client, clock, { retries: 0, t2Ms: 150 }))).resolves.toBeDefined();
    await clock.run(clock.sleep(500));
    // The client cannot tell at once (mode E has no answer of its own); the meter never went to HDLC.
    expect(meter.stats).toMatchObject({ modeE: 0, earlyAcks: 1 });
  });
});
