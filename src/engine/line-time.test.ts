/**
 * Issue 16 through the drivers: the SNRM proposes max_info_field / window_size, a meter that refuses it is
 * still read (and asked with 128 / 1 from then on), and each read writes one strategy line at trace level 3.
 * Virtual time against simulators with a reaction time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/virtual-clock';
import { createSerialPair } from '../core/memory-link';
import { LINE_300_7E1, LINE_9600_8N1 } from '../core/link';
import { validateConfig } from '../config';
import type { DeviceConfig } from '../config/types';
import { createDriver } from './drivers';
import { Engine } from './engine';
import type { DriverContext, DriverSignal } from './driver';
import { DlmsDriver } from './drivers/dlms';
import { SimDlmsMeter } from '../sim/dlms/server';
import { serverAddress } from '../protocols/hdlc/address';
import { decodeFrame } from '../protocols/hdlc/frame';
import { VirtualIecMeter } from '../sim/iec/virtual-meter';
import { syntheticMeter } from '../sim/iec/profiles';

const ADDRESS = serverAddress({ logical: 1, physical: 17, size: 2 });

function configured(device: Record<string, unknown>, signals: Record<string, unknown>[]): { device: DeviceConfig; signals: DriverSignal[] } {
  const checked = validateConfig({ devices: [device], signals });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const d = checked.config.devices[0];
  return {
    device: d,
    signals: checked.config.signals.map((s) => ({
      signal_alias: s.signal_alias,
      device_alias: s.device_alias,
      address: String((s as unknown as Record<string, unknown>).obis_job ?? (s as unknown as Record<string, unknown>).tag_job_todo),
      number_type: s.number_type,
      config: s as unknown as Record<string, unknown>,
    })),
  };
}

const DLMS_DEVICE = { name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT1', mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2 };
const DLMS_SIGNALS = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.32.7.0.255'].map((o, i) => ({ signal_name: `s${i}`, device_alias: 'm', signal_alias: `s${i}`, obis_job: o }));

/** Two polls of a DLMS meter with 100 ms reaction that refuses proposals above 128 / 1 (or not), each on a fresh line. */
async function twoDlmsPolls(refuse: 'FRMR' | 'DM' | 'silence' | undefined) {
  const { device, signals } = configured(DLMS_DEVICE, DLMS_SIGNALS);
  const driver = createDriver(device) as DlmsDriver;
  const clock = new VirtualClock();
  const logs: [number, string][] = [];
  const results = [];
  for (let poll = 0; poll < 2; poll++) {
    const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 100 });
    const ac = new AbortController();
    meter
      .serveHdlc(pair.meter, { address: ADDRESS, supported: { maxInfoTx: 1024, maxInfoRx: 1024, windowTx: 7, windowRx: 7 }, ...(refuse ? { refuseProposal: { maxInfo: 128, window: 1, answer: refuse } } : {}) }, ac.signal)
      .done.catch(() => undefined);
    const ctx: DriverContext = { link: pair.client, clock, signal: ac.signal, log: (level, m) => logs.push([level, m]) };
    results.push(
      await clock.run(async () => {
        await driver.connect(ctx);
        const r = await driver.read(signals, ctx);
        await driver.disconnect();
        return r;
      }),
    );
    ac.abort();
  }
  return { results, logs, driver };
}

describe('line time through the drivers (issue 16)', () => {
  it('max_info_field and window_size default to 1024 / 7 and are validated', () => {
    const { device } = configured(DLMS_DEVICE, []);
    expect(device).toMatchObject({ max_info_field: 1024, window_size: 7 });
    expect(validateConfig({ devices: [{ ...DLMS_DEVICE, window_size: 8 }], signals: [] }).ok).toBe(false);
    expect(validateConfig({ devices: [{ ...DLMS_DEVICE, max_info_field: 4000 }], signals: [] }).ok).toBe(false);
  });

  for (const refuse of ['FRMR', 'DM', 'silence'] as const) {
    it(`a meter refusing the proposal with ${refuse} is read, and asked with 128 / 1 from then on`, async () => {
      const { results, logs, driver } = await twoDlmsPolls(refuse);
      for (const r of results) expect(r.map((x) => x.quality)).toEqual(['good', 'good', 'good']);
      expect(driver.linkKnowledge.refusedProposal).toBe(true);
      // Only the first session fell back; the second proposed the defaults straight away.
      expect(logs.filter(([, m]) => m.includes('proposing the defaults 128 / 1'))).toHaveLength(1);
      expect(logs.filter(([l, m]) => l === 3 && m.includes('HDLC 128 B / window 1'))).toHaveLength(2);
    });
  }

  it('one strategy line per read at level 3: round trips, turnarounds, bytes, line time', async () => {
    const { results, logs } = await twoDlmsPolls(undefined);
    expect(results[0].every((r) => r.quality === 'good')).toBe(true);
    const lines = logs.filter(([l, m]) => l === 3 && m.includes('turnaround'));
    expect(lines).toHaveLength(2);
    const m = /read 3 values: (\d+) round trips?, (\d+) turnarounds?, (\d+) bytes, ([\d.]+) s on the line \(bytes ([\d.]+) s, waiting ([\d.]+) s\), HDLC 1024 B \/ window 7$/.exec(lines[1][1]);
    expect(m, lines[1][1]).not.toBeNull();
    const [trips, turns, bytes, seconds, wire, waiting] = m!.slice(1).map(Number);
    expect(turns).toBeGreaterThanOrEqual(trips);
    // Every turnaround costs the meter's 100 ms reaction; the bytes take 10 bits each at 9600 baud.
    expect(waiting * 1000).toBeGreaterThanOrEqual(turns * 100 - 10);
    expect(wire).toBeCloseTo((bytes * 10) / 9600, 2);
    expect(seconds).toBeCloseTo(wire + waiting, 2);
  });

  it('the IEC driver writes one strategy line per readout', async () => {
    const { device, signals } = configured({ name: 'i', device_alias: 'i', protocol: 'IEC 62056-21', device: 'PORT1', type: 'C' }, [
      { signal_name: 'a', device_alias: 'i', signal_alias: 'a', tag_job_todo: '1.8.1', number_type: 'FLOAT' },
    ]);
    const clock = new VirtualClock();
    const pair = createSerialPair(clock, { line: LINE_300_7E1 });
    const meter = new VirtualIecMeter({ ...syntheticMeter(30, 9600), reactionMs: 150 });
    const ac = new AbortController();
    void meter.serve(pair.meter, clock, ac.signal).catch(() => undefined);
    const logs: [number, string][] = [];
    const driver = createDriver(device);
    const ctx: DriverContext = { link: pair.client, clock, signal: ac.signal, log: (level, m) => logs.push([level, m]) };
    const r = await clock.run(() => driver.read(signals, ctx));
    ac.abort();
    expect(r[0].quality).toBe('good');
    const lines = logs.filter(([l, m]) => l === 3 && m.startsWith('readout of 30 data sets: 2 turnarounds'));
    expect(lines, logs.map(([, m]) => m).join('\n')).toHaveLength(1);
  });

  it('a kept association is used while the meter holds it, and re-associated without a bad reading once the meter dropped it', async () => {
    const { device, signals } = configured({ ...DLMS_DEVICE, retry_counter: 1 }, DLMS_SIGNALS);
    const driver = createDriver(device) as DlmsDriver;
    const clock = new VirtualClock();
    const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
    // The simulator option: the meter forgets the HDLC connection after 60 s without a byte.
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 50 });
    const ac = new AbortController();
    meter.serveHdlc(pair.meter, { address: ADDRESS, inactivityTimeoutMs: 60_000 }, ac.signal).done.catch(() => undefined);
    const logs: [number, string][] = [];
    const ctx: DriverContext = { link: pair.client, clock, signal: ac.signal, log: (level, m) => logs.push([level, m]) };
    const polls = await clock.run(async () => {
      await driver.connect(ctx);
      const out = [await driver.read(signals, ctx)];
      await clock.sleep(30_000); // scan_rate_ms shorter than the meter's timeout: the association is still there
      out.push(await driver.read(signals, ctx));
      const kept = meter.counters.associations;
      await clock.sleep(90_000); // longer: the meter has dropped it
      out.push(await driver.read(signals, ctx));
      await driver.disconnect();
      return { out, kept };
    });
    ac.abort();
    expect(polls.kept).toBe(1);
    expect(meter.counters.associations).toBe(2);
    for (const r of polls.out) expect(r.map((x) => x.quality)).toEqual(['good', 'good', 'good']);
    expect(logs.filter(([, m]) => m.includes('associating again'))).toHaveLength(1);
    // The dropped connection is not taken for a list the meter cannot answer.
    expect(driver.note).toBeUndefined();
  });

  for (const [timeoutS, kept] of [[60, true], [5, false]] as const) {
    it(`polling every 10 s a meter whose HDLC setup says ${timeoutS} s: the association is ${kept ? 'kept' : 'ended after each poll, never dropped under us'}`, async () => {
      const { device } = configured({ ...DLMS_DEVICE, scan_rate_ms: 10_000, retry_counter: 1 }, DLMS_SIGNALS);
      const checked = validateConfig({ devices: [{ ...DLMS_DEVICE, scan_rate_ms: 10_000, retry_counter: 1 }], signals: DLMS_SIGNALS });
      if (!checked.ok) throw new Error('config');
      const clock = new VirtualClock();
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 50 });
      let dms = 0;
      const onBeforeSend = (frame: Uint8Array) => {
        if (decodeFrame(frame).type === 'DM') dms++;
        return frame;
      };
      meter.serveHdlc(pair.meter, { address: ADDRESS, inactivityTimeoutMs: timeoutS * 1000, onBeforeSend }).done.catch(() => undefined);
      const readings: string[] = [];
      const engine = new Engine({
        config: checked.config,
        clock,
        openLink: async () => pair.client,
        createDriver,
        onEvent: (e) => {
          if (e.type === 'readings') readings.push(...e.readings.map((r) => r.quality));
        },
      });
      expect(device.scan_rate_ms).toBe(10_000);
      await clock.run(async () => {
        engine.start();
        await clock.sleep(35_000);
        await engine.stop();
      });
      expect(readings).toHaveLength(4 * 3);
      expect(readings.every((q) => q === 'good')).toBe(true);
      expect(meter.counters.associations).toBe(kept ? 1 : 4);
      // Ended politely (DISC) before the meter's timeout, never found dropped (DM).
      expect(dms).toBe(0);
    });
  }
});
