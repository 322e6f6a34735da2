/**
 * Session tests for how real meters write IEC 62056-21 and DSMR P1 (issue 21) and how broken or hostile
 * peers behave (issues 11 and 13, IEC part). Each behaviour is an option of the virtual meter; each
 * test fails without its fix (noted per test).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { LINE_300_7E1, type LineSettings } from '../../core/link';
import { dsmr22P1, dsmr5P1, easyMeterModeD, heatMeterModeB, landisLikeModeC, localTimeMeter, modeBQuirky } from '../../sim/iec/profiles';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { parseDataBlock } from './datasets';
import { mapSignals } from './mapping';
import { encodeDataMessage } from './messages';
import { listenModeD } from './mode-d';
import { readout } from './readout';
import { startMeter, type Harness } from './test-support/harness';
import { ScriptedLink } from './test-support/scripted-link';
import { VirtualClock } from '../../core/virtual-clock';
import { textToBytes } from './chars';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

const P1_115200: LineSettings = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };
const LINE_9600_7E1: LineSettings = { ...LINE_300_7E1, baudRate: 9600 };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MeterError) return e.code;
    throw e;
  }
  throw new Error('expected a MeterError');
}

const sig = (tag: string, number_type: string, value_index?: number) => ({
  device_alias: 'm',
  signal_alias: `${tag}#${value_index ?? ''}:${number_type}`,
  tag_job_todo: tag,
  number_type,
  ...(value_index !== undefined ? { value_index } : {}),
});

describe("'!' right after the last data set", () => {
  // Without the fix: FRAMING ("no '!' end line") in a readout, TIMEOUT in mode D.
  it('a real heat meter readout (mode B) is complete', async () => {
    h = startMeter(heatMeterModeB());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { retries: 0 }));
    expect(r.complete).toBe(true);
    expect(r.dataSets).toHaveLength(50);
    expect(r.dataSets.at(-1)).toMatchObject({ address: '0.0', values: [{ value: '00010213' }] });
    const [energy] = mapSignals(r, [sig('6.8', 'DOUBLE')], 0, { timeZone: 'UTC' });
    expect(energy).toMatchObject({ value: 29.055, unit: 'MWh', quality: 'good', decimals: 3 });
  });

  it('the endOnDataLine option on a mode C readout', async () => {
    h = startMeter({ ...landisLikeModeC(), faults: { endOnDataLine: true } });
    expect(h.meter.readoutText()).toMatch(/\(0004\)!\r\n$/);
    const r = await h.clock.run(readout(h.pair.client, h.clock, { retries: 0 }));
    expect(r.complete).toBe(true);
    expect(r.dataSets).toEqual(parseDataBlock(new VirtualIecMeter(landisLikeModeC()).readoutText()).dataSets);
  });

  it('mode D push without CRC (EasyMeter) and DSMR 5 with CRC', async () => {
    h = startMeter({ ...easyMeterModeD(), faults: { endOnDataLine: true } }, { line: LINE_9600_7E1 });
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line: LINE_9600_7E1, timeoutMs: 5000 }));
    expect(t.dataSets).toHaveLength(5);
    h.stop();
    h = startMeter({ ...dsmr5P1(), faults: { endOnDataLine: true } }, { line: P1_115200 });
    const d = await h.clock.run(listenModeD(h.pair.client, h.clock, { line: P1_115200, requireCrc: true }));
    expect(d.check).toBe('crc');
    expect(d.dataSets).toHaveLength(37);
    expect(d.badFrames).toBe(0);
  });
});

describe('a cut-off telegram followed by a complete one', () => {
  // Without the fix: both are taken as one telegram, its CRC fails, and the good one is lost.
  it.each([60, 300, 517])('DSMR 5 cut after %i bytes: the next telegram is read, the cut one counted', async (cut) => {
    h = startMeter({ ...dsmr5P1(), faults: { cutNextPushAt: cut } }, { line: P1_115200 });
    const logs: string[] = [];
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line: P1_115200, requireCrc: true, retries: 1, log: (_l, m) => logs.push(m) }));
    expect(t.check).toBe('crc');
    expect(t.dataSets).toHaveLength(37);
    expect(t.badFrames).toBe(1);
    expect(t.receivedAtMs).toBeLessThan(1000); // the complete one right after the cut, not the next push
    expect(logs.some((m) => m.includes('cut off'))).toBe(true);
  });

  it('IEC mode D framed with STX..ETX: cut mid-block, then a whole one', async () => {
    const block = encodeDataMessage('1.8.0(001234.5*kWh)\r\n2.8.0(000000.1*kWh)\r\n!\r\n');
    const telegram = '/ABC4MODED\r\n' + String.fromCharCode(...block);
    const line = { ...LINE_300_7E1, baudRate: 2400 };
    h = startMeter({ ...modeBQuirky(), supportedModes: ['D'], faults: { cutNextPushAt: 25 }, modeD: { line, intervalMs: 60_000, telegram } }, { line });
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line, retries: 1 }));
    expect(t.check).toBe('bcc');
    expect(t.badFrames).toBe(1);
    expect(t.dataSets.map((d) => d.address)).toEqual(['1.8.0', '2.8.0']);
  });
});

describe('DSMR 2.2 gas: a profile of one entry, the value on the next line', () => {
  // Without the fix: `good` with the value of the time stamp (161107190000).
  it('reads 1.001 m3 with its time (meter local time, converted to UTC)', async () => {
    h = startMeter(dsmr22P1(), { line: LINE_9600_7E1 });
    const t = await h.clock.run(listenModeD(h.pair.client, h.clock, { line: LINE_9600_7E1, timeoutMs: 15_000 }));
    const [gas, gasIdx2] = mapSignals(t, [sig('0-1:24.3.0', 'DOUBLE'), sig('0-1:24.3.0', 'DOUBLE', 2)], 7, { timeZone: 'Europe/Amsterdam' });
    expect(gas).toMatchObject({ value: 1.001, unit: 'm3', quality: 'good', raw: '161107190000', ts: Date.UTC(2016, 10, 7, 18, 0, 0) });
    expect(gasIdx2).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' }); // one channel only
  });
});

describe('several values in one data set, local time stamps', () => {
  it('value_index picks the field; time stamps are times, converted with the season letter', async () => {
    h = startMeter(localTimeMeter());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { retries: 0 }));
    const zone = { timeZone: 'Europe/Vilnius' };
    const out = mapSignals(
      r,
      [
        sig('1-0:1.6.0*255', 'DOUBLE'),
        sig('1-0:1.6.0*255', 'STRING', 2),
        sig('1-0:1.6.0*255', 'DOUBLE', 2),
        sig('1-0:1.6.0*01', 'STRING', 2),
        sig('1-0:31.7.0', 'DOUBLE', 3),
        sig('1-0:31.7.0', 'DOUBLE', 4),
        sig('0-0:1.0.0', 'STRING'),
        sig('0-1:24.2.1', 'DOUBLE'),
        sig('0-1:24.3.0', 'DOUBLE'),
        sig('1-0:99.97.0', 'UINT16'),
      ],
      5,
      zone,
    );
    // 2026-10-25 is the autumn change in Vilnius: 04:00 EEST -> 03:00 EET; 02:15 S is 23:15 UTC the day before.
    expect(out[0]).toMatchObject({ value: 12.345, unit: 'kW', quality: 'good', raw: '261025021500S', ts: Date.UTC(2026, 9, 24, 23, 15) });
    expect(out[1]).toMatchObject({ value: '2026-10-24T23:15:00.000Z', raw: '261025021500S', quality: 'good' });
    expect(out[2]).toMatchObject({ quality: 'bad', error: 'TYPE_MISMATCH' });
    expect(out[3]).toMatchObject({ value: '2026-09-30T11:15:00.000Z', raw: '2609301415' }); // summer time by the zone's rules
    expect(out[4]).toMatchObject({ value: 11.87, unit: 'A' });
    expect(out[5]).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED' });
    expect(out[6]).toMatchObject({ value: '2026-10-24T23:30:00.000Z', raw: '261025023000S' });
    expect(out[7]).toMatchObject({ value: 1234.567, unit: 'm3', ts: Date.UTC(2026, 9, 24, 23, 0) });
    expect(out[8]).toMatchObject({ value: 1234.567, unit: 'm3', ts: Date.UTC(2026, 9, 24, 23, 0), raw: '261025020000' });
    expect(out[9]).toMatchObject({ value: 2, quality: 'good' });
  });
});

describe('a hang-up after a complete readout (issue 11, finding 5)', () => {
  // Without the fix: the close delay is cut by the lost link and every value is lost (CANCELLED / PORT_LOST).
  it('a TCP gateway that closes 200 ms after the readout: the readout stands, the hang-up is logged', async () => {
    const ac = new AbortController();
    h = startMeter({ ...landisLikeModeC(), faults: { hangUpAfterReadoutMs: 200 }, onHangUp: () => ac.abort(new MeterError('PORT_LOST', 'The gateway closed the connection.')) }, { kind: 'stream' });
    const hh = h;
    const r = await h.clock.run(readout(h.pair.client, h.clock, { closeDelayMs: 400, signal: ac.signal, log: hh.log }));
    expect(r.complete).toBe(true);
    expect(r.dataSets).toHaveLength(20);
    expect(r.afterError).toBeDefined();
    expect(h.meter.hungUp).toBe(true);
    expect(h.logs.some((m) => m.includes('after a complete readout'))).toBe(true);
  });
});

describe('hostile peers: bounded in time and memory (issue 13, findings 3 and 4)', () => {
  // Without the fix each byte pushes the deadline out: the readout outlives the 6 h virtual limit.
  it('a frame start, then one byte every 700 ms: TIMEOUT within timeout + the longest legal block at the line rate', async () => {
    h = startMeter({ ...landisLikeModeC(), faults: { trickleMs: 700 } });
    const start = h.clock.now();
    const code = await h.clock.run(codeOf(readout(h.pair.client, h.clock, { retries: 0 })), { maxVirtualMs: 6 * 3600_000 });
    expect(code).toBe('TIMEOUT');
    const took = h.clock.now() - start;
    // Sign-on (~2 s at 300 baud) + 2.5 s + 1.5 s + 128 KiB at 9600 7E1 (1.04 ms a character) = 141 s.
    expect(took).toBeGreaterThan(130_000);
    expect(took).toBeLessThan(150_000);
  });

  it('a smaller maxBlockBytes bounds it tighter; mode D trickle ends too', async () => {
    h = startMeter({ ...landisLikeModeC(), faults: { trickleMs: 700 } });
    const start = h.clock.now();
    expect(await h.clock.run(codeOf(readout(h.pair.client, h.clock, { retries: 0, maxBlockBytes: 4096 })), { maxVirtualMs: 3600_000 })).toBe('TIMEOUT');
    // Sign-on ~2 s + 4 s + (4 KiB + 4 KiB slack) at 9600 7E1 = 14.2 s.
    expect(h.clock.now() - start).toBeLessThan(15_000);
    h.stop();
    h = startMeter({ ...dsmr5P1(), faults: { trickleMs: 700 } }, { line: P1_115200 });
    const t0 = h.clock.now();
    expect(await h.clock.run(codeOf(listenModeD(h.pair.client, h.clock, { line: P1_115200 })), { maxVirtualMs: 3600_000 })).toBe('TIMEOUT');
    // 1.5 s + 16 KiB at 115200 (0.087 ms a character): under 3 s after the '/'.
    expect(h.clock.now() - t0).toBeLessThan(3_000);
  });

  it.each(['block', 'line'] as const)('a %s flood after the sign-on: LENGTH, nothing kept', async (kind) => {
    h = startMeter({ ...landisLikeModeC(), faults: { flood: kind } });
    const start = h.clock.now();
    const code = await h.clock.run(codeOf(readout(h.pair.client, h.clock, { retries: 0, maxBlockBytes: 16 * 1024 })), { maxVirtualMs: 3600_000 });
    expect(code).toBe('LENGTH');
    expect(h.clock.now() - start).toBeLessThan(60_000);
  });

  it.each(['block', 'line'] as const)('a %s flood in mode D: LENGTH, the buffer never past maxBytes', async (kind) => {
    h = startMeter({ ...dsmr5P1(), faults: { flood: kind } }, { line: P1_115200 });
    const t0 = h.clock.now();
    // A '/' flood first cuts the real header (one FRAMING bad frame), then fills the buffer.
    expect(await h.clock.run(codeOf(listenModeD(h.pair.client, h.clock, { line: P1_115200, retries: kind === 'line' ? 1 : 0 })), { maxVirtualMs: 3600_000 })).toBe('LENGTH');
    expect(h.clock.now() - t0).toBeLessThan(3_000);
    // With retries, what follows a dropped flood is noise without a '/': it ends at the timeout.
    h.stop();
    h = startMeter({ ...dsmr5P1(), faults: { flood: kind } }, { line: P1_115200 });
    expect(await h.clock.run(codeOf(listenModeD(h.pair.client, h.clock, { line: P1_115200, retries: 2 })), { maxVirtualMs: 3600_000 })).toMatch(/^(LENGTH|TIMEOUT)$/);
  });

  it('a peer that answers the sign-on with endless bad lines: PROTOCOL after a bounded number, not for ever', async () => {
    const clock = new VirtualClock();
    // An endless script: every read returns another line that is not an identification.
    const endless = { shift: () => textToBytes('/X\r\n') } as unknown as Uint8Array[]; // ScriptedLink only calls shift()
    const link = new ScriptedLink(clock, endless, 200);
    expect(await clock.run(codeOf(readout(link, clock, { retries: 0 })), { maxVirtualMs: 3600_000 })).toBe('PROTOCOL');
    expect(clock.now()).toBeLessThan(10_000);
  });
});

