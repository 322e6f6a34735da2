/**
 * Issue 16, the kept association through the engine: the runner tells the driver before a read that it may
 * keep the session, so the DLMS driver asks the meter's HDLC inactivity timeout inside its first read's list;
 * a session is kept past keepSessionMaxIdleMs (30 s) when that timeout allows, ended with DISC when it does
 * not, and associated again without a bad reading when the meter dropped it anyway. Virtual time against
 * the DLMS simulator with a reaction time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/virtual-clock';
import { createSerialPair } from '../core/memory-link';
import { LINE_9600_8N1 } from '../core/link';
import { validateConfig } from '../config';
import { createDriver } from './drivers';
import { Engine } from './engine';
import { SimDlmsMeter } from '../sim/dlms/server';
import { serverAddress } from '../protocols/hdlc/address';
import { decodeFrame } from '../protocols/hdlc/frame';

const ADDRESS = serverAddress({ logical: 1, physical: 17, size: 2 });
const DEVICE = { name: 'm', device_alias: 'm', protocol: 'DLMS', device: 'PORT1', mode: 'DLMS-HDLC', type: 'LN', auth: 'None', client_address: 16, physical_address: 17, logical_address: 1, address_size: 2, retry_counter: 1 };
const SIGNALS = ['1.0.1.8.0.255', '1.0.2.8.0.255', '1.0.32.7.0.255'].map((o, i) => ({ signal_name: `s${i}`, device_alias: 'm', signal_alias: `s${i}`, obis_job: o }));

interface Run {
  /** Meter requests (APDUs) and associations counted at the end of each poll. */
  polls: { requests: number; associations: number; qualities: string[] }[];
  /** DM frames the meter sent: a kept connection found dropped. */
  dms: number;
}

/**
 * Polls `count` times every `scanMs` a meter that drops the HDLC connection after `timeoutS` idle seconds
 * (and says so in its HDLC setup object; `tellTimeout: false`: it has no attribute 8 to give).
 */
async function poll(opts: { timeoutS: number; scanMs: number; count: number; tellTimeout?: boolean; dropAtMs?: number }): Promise<Run> {
  const device = { ...DEVICE, scan_rate_ms: opts.scanMs };
  const checked = validateConfig({ devices: [device], signals: SIGNALS });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', reactionMs: 50 });
  let dms = 0;
  const onBeforeSend = (frame: Uint8Array) => {
    if (decodeFrame(frame).type === 'DM') dms++;
    return frame;
  };
  const { server } = meter.serveHdlc(pair.meter, { address: ADDRESS, inactivityTimeoutMs: opts.timeoutS * 1000, onBeforeSend });
  if (opts.tellTimeout === false) meter.model.findByObis('0.0.22.0.0.255')?.attributes.delete(8);
  // The meter drops the connection on its own (a power dip, a restart) while the engine keeps it.
  if (opts.dropAtMs !== undefined) clock.schedule(opts.dropAtMs, () => server.reset());
  const polls: Run['polls'] = [];
  const engine = new Engine({
    config: checked.config,
    clock,
    openLink: async () => pair.client,
    createDriver,
    onEvent: (e) => {
      if (e.type === 'readings') polls.push({ requests: meter.counters.requests, associations: meter.counters.associations, qualities: e.readings.map((r) => r.quality) });
    },
  });
  await clock.run(async () => {
    engine.start();
    await clock.sleep((opts.count - 1) * opts.scanMs + opts.scanMs / 2);
    await engine.stop();
  });
  expect(polls).toHaveLength(opts.count);
  return { polls, dms };
}

/** Requests each poll took. */
const perPoll = (r: Run): number[] => r.polls.map((p, i) => p.requests - (i > 0 ? r.polls[i - 1].requests : 0));

describe('kept association and the meter inactivity timeout (issue 16)', () => {
  it('120 s timeout, polled every 60 s: one association over 5 polls, the timeout read inside the first list', async () => {
    const r = await poll({ timeoutS: 120, scanMs: 60_000, count: 5 });
    for (const p of r.polls) expect(p.qualities).toEqual(['good', 'good', 'good']);
    expect(r.polls.at(-1)!.associations).toBe(1);
    // AARQ and one GET-with-list (values, scalers, logical device name, inactivity timeout); then one list a poll.
    expect(perPoll(r)).toEqual([2, 1, 1, 1, 1]);
    expect(r.dms).toBe(0);
  });

  it('20 s timeout, polled every 60 s: the session ends (DISC) after each poll, never found dropped', async () => {
    const r = await poll({ timeoutS: 20, scanMs: 60_000, count: 5 });
    for (const p of r.polls) expect(p.qualities).toEqual(['good', 'good', 'good']);
    expect(r.polls.map((p) => p.associations)).toEqual([1, 2, 3, 4, 5]);
    expect(r.dms).toBe(0);
    // The timeout is learnt once: every later poll is AARQ + one list, as the first.
    expect(new Set(perPoll(r).slice(1)).size).toBe(1);
    expect(perPoll(r)[0]).toBe(perPoll(r)[1]);
  });

  it('a meter that dropped the kept association is associated again in the same poll, no bad reading', async () => {
    const r = await poll({ timeoutS: 120, scanMs: 60_000, count: 5, dropAtMs: 90_000 });
    for (const p of r.polls) expect(p.qualities).toEqual(['good', 'good', 'good']);
    expect(r.polls.map((p) => p.associations)).toEqual([1, 1, 2, 2, 2]);
    expect(r.dms).toBe(1);
  });

  it('a meter without the timeout to give: the item fails alone, the read is good and the engine limit decides', async () => {
    const long = await poll({ timeoutS: 120, scanMs: 60_000, count: 3, tellTimeout: false });
    for (const p of long.polls) expect(p.qualities).toEqual(['good', 'good', 'good']);
    expect(perPoll(long)[0]).toBe(2);
    expect(long.polls.map((p) => p.associations)).toEqual([1, 2, 3]);
    const short = await poll({ timeoutS: 120, scanMs: 10_000, count: 3, tellTimeout: false });
    for (const p of short.polls) expect(p.qualities).toEqual(['good', 'good', 'good']);
    expect(short.polls.map((p) => p.associations)).toEqual([1, 1, 1]);
  });
});
