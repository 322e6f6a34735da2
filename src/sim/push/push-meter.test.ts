import { describe, expect, it } from 'vitest';
import type { LineSettings } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { fromHex } from '../../protocols/dlms/hex';
import { PushListener, type PushEvent, type PushListenerOptions } from '../../protocols/push';
import { startPushMeter, type SimPushMeterOptions } from './push-meter';

/** The push meter over a memory wire under virtual time; the listener must give back the meter's values. */

const LINE_2400_8E1: LineSettings = { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 };
const LINE_115200_8N1: LineSettings = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };
const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');

async function listen(meterOpts: SimPushMeterOptions, line: LineSettings, pushes: number, listenerOpts: PushListenerOptions = {}) {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line });
  const meter = startPushMeter(clock, pair.meter, meterOpts);
  const listener = new PushListener(listenerOpts);
  const events: PushEvent[] = [];
  const until = (pushes + 0.5) * meterOpts.intervalMs;
  await clock.run(async () => {
    while (clock.now() < until) {
      const chunk = await pair.client.read(meterOpts.intervalMs);
      if (chunk.length > 0) events.push(...(await listener.feed(chunk)));
    }
    // Stop the meter, then take in what is still on the wire.
    meter.stop();
    for (;;) {
      const chunk = await pair.client.read(2 * meterOpts.intervalMs);
      if (chunk.length === 0) break;
      events.push(...(await listener.feed(chunk)));
    }
  });
  return { meter, listener, events };
}

function goodOf(events: PushEvent[]) {
  return events.filter((e): e is Extract<PushEvent, { kind: 'push' }> => e.kind === 'push');
}

describe('simulated push meter → listener', () => {
  const cases: [string, SimPushMeterOptions, LineSettings, PushListenerOptions][] = [
    ['Kaifa list 2, HDLC, plain, 2400 8E1', { profile: 'kaifa-list2', linkLayer: 'hdlc', intervalMs: 10_000, quirks: { taggedDateTime: true } }, LINE_2400_8E1, {}],
    ['Kaifa list 3, HDLC segmented (64-byte frames), 2400 8E1', { profile: 'kaifa-list3', linkLayer: 'hdlc', intervalMs: 10_000, segmentMaxBytes: 64 }, LINE_2400_8E1, {}],
    [
      'Kaifa list 1, HDLC I frames without LLC, line noise between pushes, auto-detected',
      { profile: 'kaifa-list1', linkLayer: 'hdlc', intervalMs: 2_000, quirks: { iFrames: true, noLlc: true, noiseBytes: 9 } },
      LINE_2400_8E1,
      {},
    ],
    [
      'noise between M-Bus pushes, auto-detected, auth+enc',
      { profile: 'obis-triples', linkLayer: 'mbus', intervalMs: 5_000, blockCipherKey: EK, authenticationKey: AK, quirks: { noiseBytes: 12 } },
      LINE_2400_8E1,
      { blockCipherKey: EK, authenticationKey: AK },
    ],
    ['Kamstrup, HDLC, 2400 8E1', { profile: 'kamstrup-list1', linkLayer: 'hdlc', intervalMs: 10_000 }, LINE_2400_8E1, {}],
    ['Aidon, raw', { profile: 'aidon-list', linkLayer: 'raw', intervalMs: 2_000 }, LINE_115200_8N1, { linkLayer: 'raw' }],
    [
      'Netz NÖ-like flat triples, M-Bus segmented, enc only, 2400 8E1',
      { profile: 'flat', linkLayer: 'mbus', intervalMs: 5_000, blockCipherKey: EK, security: 'enc', segmentMaxBytes: 40, quirks: { noDateTime: true } },
      LINE_2400_8E1,
      { blockCipherKey: EK },
    ],
    [
      'OBIS triples, HDLC, auth+enc, 115200 8N1',
      { profile: 'obis-triples', linkLayer: 'hdlc', intervalMs: 1_000, blockCipherKey: EK, authenticationKey: AK },
      LINE_115200_8N1,
      { blockCipherKey: EK, authenticationKey: AK },
    ],
    ['OBIS pairs, M-Bus, auth only, 115200 8N1', { profile: 'obis-pairs', linkLayer: 'mbus', intervalMs: 1_000, blockCipherKey: EK, authenticationKey: AK, security: 'auth' }, LINE_115200_8N1, { blockCipherKey: EK, authenticationKey: AK }],
  ];
  for (const [name, mo, line, lo] of cases) {
    it(name, async () => {
      const { meter, listener, events } = await listen(mo, line, 6, lo);
      expect(events.filter((e) => e.kind === 'bad')).toEqual([]);
      const good = goodOf(events);
      expect(good.length).toBe(meter.sent);
      expect(meter.sent).toBeGreaterThanOrEqual(5);
      good.forEach((p, k) => {
        const rec = meter.log[k];
        expect(new Map(p.values.map((v) => [v.obis, v.value]))).toEqual(rec.values);
        if (!mo.quirks?.noDateTime) expect(p.time).toBe(rec.time);
        expect(p.invocationCounter).toBe(rec.invocationCounter);
      });
      if (mo.linkLayer !== 'raw') expect(listener.detectedLinkLayer).toBe(mo.linkLayer);
    });
  }

  it('quirks are counted right: corrupt → crc, replay → counter, skip → nothing', async () => {
    const mo: SimPushMeterOptions = {
      profile: 'kaifa-list2',
      linkLayer: 'hdlc',
      intervalMs: 2_000,
      blockCipherKey: EK,
      authenticationKey: AK,
      quirks: { corruptEvery: 5, replayEvery: 7, skipEvery: 11 },
    };
    const { meter, listener, events } = await listen(mo, LINE_2400_8E1, 40, { blockCipherKey: EK, authenticationKey: AK });
    const fates = (f: string) => meter.log.filter((r) => r.fate === f).length;
    expect(fates('corrupt')).toBeGreaterThan(3);
    expect(fates('replay')).toBeGreaterThanOrEqual(3);
    expect(fates('skipped')).toBeGreaterThan(1);
    expect(listener.counters.bad.crc).toBe(fates('corrupt'));
    expect(listener.counters.bad.counter).toBe(fates('replay'));
    expect(listener.counters.pushes).toBe(fates('sent'));
    expect(events.filter((e) => e.kind === 'bad').every((e) => e.kind === 'bad' && (e.reason === 'crc' || e.reason === 'counter'))).toBe(true);
  });

  // Without the flush on silence this fails: segments carry no message number, and a push whose
  // first segments survived while its end and the next push's start were lost joins the next push's
  // remaining segments into a well-formed list of wrong values.
  for (const [linkLayer, flushOnSilence] of [
    ['hdlc', true],
    ['mbus', true],
  ] as const) {
    it(`${linkLayer}${flushOnSilence ? '' : ' without flush'}: 1 % of bytes corrupted, dropped or doubled on the wire: never a wrong good value`, async () => {
      const clock = new VirtualClock();
      const pair = createSerialPair(clock, { line: LINE_2400_8E1 });
      pair.faults.setRandom({ corrupt: 0.004, drop: 0.003, duplicate: 0.003, seed: 7 });
      const meter = startPushMeter(clock, pair.meter, { profile: 'kaifa-list3', linkLayer, intervalMs: 2_000, segmentMaxBytes: 80 });
      const listener = new PushListener();
      const events: PushEvent[] = [];
      await clock.run(async () => {
        while (clock.now() < 200 * 2_000) {
          // As a runner does: a silence between pushes ends whatever message is half received, so
          // the segments left after a lost one cannot join the next push's.
          const chunk = await pair.client.read(300);
          if (chunk.length > 0) events.push(...(await listener.feed(chunk)));
          else if (flushOnSilence) events.push(...(await listener.flush()));
        }
        meter.stop();
      });
      const good = goodOf(events);
      const bad = events.length - good.length;
      // About 300 bytes a push at 1 % each: most pushes are hit; those that are not must be exact.
      expect(good.length).toBeGreaterThan(20);
      expect(bad).toBeGreaterThan(20);
      // Every good push is one the meter sent, value for value (times are unique per push).
      const sentByTime = new Map(meter.log.map((r) => [r.time, r.values]));
      for (const p of good) expect(new Map(p.values.map((v) => [v.obis, v.value]))).toEqual(sentByTime.get(p.time!));
    });
  }

  it('a wrong key: every push refused as gcm, no values', async () => {
    const mo: SimPushMeterOptions = { profile: 'obis-triples', linkLayer: 'mbus', intervalMs: 1_000, blockCipherKey: EK, authenticationKey: AK };
    const { listener, events } = await listen(mo, LINE_115200_8N1, 5, { blockCipherKey: AK, authenticationKey: AK });
    expect(goodOf(events)).toEqual([]);
    expect(listener.counters.bad.gcm).toBe(events.length);
    expect(events.every((e) => e.kind === 'bad' && e.error.code === 'AUTH_FAILED')).toBe(true);
  });

  it('a listener restarted with the persisted counter refuses what it had already accepted', async () => {
    const mo: SimPushMeterOptions = { profile: 'obis-pairs', linkLayer: 'hdlc', intervalMs: 1_000, blockCipherKey: EK, authenticationKey: AK };
    const first = await listen(mo, LINE_115200_8N1, 4, { blockCipherKey: EK, authenticationKey: AK });
    const last = first.listener.lastInvocationCounter!;
    expect(last).toBe(first.meter.sent);
    const again = await listen(mo, LINE_115200_8N1, 4, { blockCipherKey: EK, authenticationKey: AK, lastInvocationCounter: last });
    expect(goodOf(again.events)).toEqual([]);
    expect(again.listener.counters.bad.counter).toBe(again.meter.sent);
  });

  it("refuses cipherStyle 'glo': data-notification has no glo- form", () => {
    const clock = new VirtualClock();
    const pair = createSerialPair(clock, { line: LINE_115200_8N1 });
    expect(() => startPushMeter(clock, pair.meter, { profile: 'flat', linkLayer: 'raw', intervalMs: 1000, blockCipherKey: EK, cipherStyle: 'glo' })).toThrow(/glo/);
  });
});
