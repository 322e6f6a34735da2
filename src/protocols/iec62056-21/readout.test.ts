import { afterEach, describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import type { Link, LineSettings } from '../../core/link';
import { iskraLikeFast, landisLikeModeC, modeASmall, modeBQuirky, syntheticMeter } from '../../sim/iec/profiles';
import { parseDataBlock } from './datasets';
import { mapSignals } from './mapping';
import { readout } from './readout';
import { startMeter, type Harness } from './test-support/harness';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

async function expectCode(p: Promise<unknown>, ...codes: string[]): Promise<MeterError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MeterError);
    expect(codes).toContain((e as MeterError).code);
    return e as MeterError;
  }
  throw new Error('expected a MeterError');
}

describe('mode C readout against the virtual meter', () => {
  it('reads every data set at the negotiated rate, with the device address', async () => {
    h = startMeter(landisLikeModeC());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { address: '45678903', log: h.log }));
    expect(r.mode).toBe('C');
    expect(r.baudRate).toBe(9600);
    expect(r.complete).toBe(true);
    expect(r.identification).toMatchObject({ manufacturer: 'LGZ', modeE: true, ident: 'ZMD4104407.B32' });
    const expected = parseDataBlock(h.meter.readoutText()).dataSets;
    expect(r.dataSets).toEqual(expected);
    expect(r.dataSets.find((d) => d.address === '1.8.0*24')?.values[0]).toEqual({ value: '0139876.1', unit: 'kWh' });
    // t2 honoured: the ACK went out no earlier than t2 after the identification (plus its 6 chars at 300 baud).
    expect(r.timing.ackSentAtMs! - r.timing.identAtMs).toBeGreaterThanOrEqual(300 + 6 * (10 / 0.3) - 0.001);
    expect(h.pair.client.line.baudRate).toBe(300); // back at the initial rate for the next sign-on
  });

  it('does not add idle time: total = wire time + reaction times + t2', async () => {
    h = startMeter(syntheticMeter(50));
    const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
    const c300 = 10 / 0.3;
    const c9600 = 10 / 9.6;
    const block = r.bytes + 3;
    const identLen = h.meter.identificationBytes().length;
    const lower = 5 * c300 + 200 + identLen * c300 + 300 + 6 * c300 + 200 + block * c9600;
    expect(r.timing.totalMs).toBeGreaterThanOrEqual(lower - 0.01);
    expect(r.timing.totalMs).toBeLessThanOrEqual(lower * 1.01);
  });

  it('answers the general request /?! and ignores a wrong address', async () => {
    h = startMeter(landisLikeModeC());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { address: '0' }));
    expect(r.dataSets.length).toBeGreaterThan(10);
    await expectCode(h.clock.run(readout(h.pair.client, h.clock, { address: '99999999', retries: 1 })), 'NO_ANSWER');
  });

  it('fast meter (lowercase flag) at 19200 with decimal commas', async () => {
    h = startMeter(iskraLikeFast());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { t2Ms: 200 }));
    expect(r.identification.fastReaction).toBe(true);
    expect(r.baudRate).toBe(19200);
    const [v] = mapSignals(r, [{ device_alias: 'm', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'DOUBLE' }], 1);
    expect(v).toMatchObject({ value: 4321.56, unit: 'kWh', quality: 'good' });
  });

  it('maxBaud limits the proposed rate', async () => {
    h = startMeter(landisLikeModeC());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { maxBaud: 2400 }));
    expect(r.baudRate).toBe(2400);
  });

  it('a meter that cannot keep up with its announced rate: the client falls back', async () => {
    h = startMeter({ ...landisLikeModeC(), baudRates: [300, 1200, 2400] });
    const r = await h.clock.run(readout(h.pair.client, h.clock, { retries: 3 }));
    expect(r.baudRate).toBe(2400);
    expect(r.attempts).toBe(3); // 9600, then 4800, then 2400
    h.stop();
    h = startMeter({ ...landisLikeModeC(), baudRates: [300, 1200, 2400] });
    await expectCode(h.clock.run(readout(h.pair.client, h.clock, { retries: 3, baudFallback: false })), 'TIMEOUT');
  });

  it('with an echoing optical head', async () => {
    h = startMeter(landisLikeModeC());
    h.pair.faults.setEcho(true);
    const r = await h.clock.run(readout(h.pair.client, h.clock, { echo: 'auto', log: h.log }));
    expect(r.echo).toBe(true);
    expect(r.dataSets).toEqual(parseDataBlock(h.meter.readoutText()).dataSets);
    const r2 = await h.clock.run(readout(h.pair.client, h.clock, { echo: true }).then(async (x) => x));
    expect(r2.complete).toBe(true);
  });

  it('with a meter that echoes every byte it hears', async () => {
    h = startMeter({ ...landisLikeModeC(), echo: true });
    const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
    expect(r.echo).toBe(true);
    expect(r.complete).toBe(true);
  });

  it('without echo and echo disabled', async () => {
    h = startMeter(landisLikeModeC());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { echo: false }));
    expect(r.echo).toBe(false);
    expect(r.complete).toBe(true);
  });

  it('partial blocks are acknowledged and stitched', async () => {
    h = startMeter({ ...landisLikeModeC(), faults: { partialBlockSize: 37 } });
    const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
    expect(r.blocks).toBeGreaterThan(5);
    expect(r.dataSets).toEqual(parseDataBlock(h.meter.readoutText()).dataSets);
  });

  it('BCC errors: NAK and repeat', async () => {
    h = startMeter({ ...landisLikeModeC(), faults: { bccErrors: 2, partialBlockSize: 100 } });
    const r = await h.clock.run(readout(h.pair.client, h.clock, { retries: 3 }));
    expect(h.meter.stats.naksReceived).toBe(2);
    expect(r.attempts).toBe(1);
    expect(r.dataSets).toEqual(parseDataBlock(h.meter.readoutText()).dataSets);
  });

  it('BCC errors beyond retry_counter: CHECKSUM, never a damaged readout', async () => {
    h = startMeter({ ...landisLikeModeC(), faults: { bccErrors: 100 } });
    await expectCode(h.clock.run(readout(h.pair.client, h.clock, { retries: 2 })), 'CHECKSUM');
  });

  it('random corruption on the wire: the exact readout or a typed error', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      h?.stop();
      h = startMeter(syntheticMeter(40));
      h.pair.faults.setRandom({ corrupt: 0.002, drop: 0.0005, seed });
      const expected = parseDataBlock(h.meter.readoutText()).dataSets;
      try {
        const r = await h.clock.run(readout(h.pair.client, h.clock, { retries: 4 }));
        expect(r.dataSets).toEqual(expected);
      } catch (e) {
        expect(e).toBeInstanceOf(MeterError);
      }
    }
  });

  it('dropped and duplicated bytes in the data message are recovered', async () => {
    h = startMeter(landisLikeModeC());
    const run = readout(h.pair.client, h.clock, { retries: 3 });
    await h.clock.advance(1500); // identification received, ACK on its way
    h.pair.faults.dropNext('toClient', 1); // the STX of the data message
    const r = await h.clock.run(run);
    expect(r.attempts).toBe(2);
    expect(r.dataSets).toEqual(parseDataBlock(h.meter.readoutText()).dataSets);
    // A duplicated STX: the block fails to decode, NAK, and the repeat is intact.
    await h.clock.advance(2000); // the meter falls back to its initial state
    const run2 = readout(h.pair.client, h.clock, { retries: 3 });
    await h.clock.advance(1700); // the ACK has left, the data message is not yet written
    h.pair.faults.duplicateNext('toClient', 1);
    const r2 = await h.clock.run(run2);
    expect(r2.dataSets).toEqual(r.dataSets);
    expect(r2.attempts).toBe(1);
    expect(h.meter.stats.naksReceived).toBe(1);
  });

  it('a session that forgets to switch baud fails', async () => {
    h = startMeter(landisLikeModeC());
    const real = h.pair.client;
    const stubborn: Link = {
      kind: 'serial',
      get line() {
        return real.line;
      },
      write: (b) => real.write(b),
      read: (ms) => real.read(ms),
      setLine: async (_s: LineSettings) => undefined,
      discardInput: () => real.discardInput(),
      close: () => real.close(),
    };
    // The meter's 9600-baud data is nothing at 300 baud: the client waits in vain.
    await expectCode(h.clock.run(readout(stubborn, h.clock, { retries: 1 })), 'TIMEOUT');
  });

  it('wake-up: required by the meter, sent by the client', async () => {
    h = startMeter({ ...landisLikeModeC(), wakeUpRequired: true });
    await expectCode(h.clock.run(readout(h.pair.client, h.clock, { retries: 0 })), 'NO_ANSWER');
    const t0 = h.clock.now();
    const r = await h.clock.run(readout(h.pair.client, h.clock, { wakeUp: true, retries: 0 }));
    expect(r.complete).toBe(true);
    expect(r.timing.startMs - t0).toBeLessThan(1);
    expect(r.timing.totalMs).toBeGreaterThan(2200 + 1500);
  });

  it('over TCP (stream link): ACK sent, no switch', async () => {
    h = startMeter(landisLikeModeC(), { kind: 'stream' });
    const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
    expect(r.baudRate).toBe(9600);
    expect(r.complete).toBe(true);
  });

  it('mode B meter: switch without ACK; LF-only lines and leading garbage', async () => {
    h = startMeter(modeBQuirky());
    const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
    expect(r.mode).toBe('B');
    expect(r.baudRate).toBe(2400);
    expect(r.dataSets.map((d) => d.address)).toEqual(['1.8.0', '2.8.0', '0.9.1', '0.9.2']);
    expect(r.timing.ackSentAtMs).toBeUndefined();
  });

  it('mode A meter: everything at 300 baud', async () => {
    h = startMeter(modeASmall());
    const r = await h.clock.run(readout(h.pair.client, h.clock, { mode: 'A' }));
    expect(r.mode).toBe('A');
    expect(r.baudRate).toBe(300);
    expect(r.dataSets.map((d) => [d.address, d.values[0].value])).toEqual([
      ['3:14', '314'],
      ['4:15', '415'],
    ]);
  });

  it('unplug mid-readout: PORT_LOST; abort: CANCELLED', async () => {
    h = startMeter(syntheticMeter(200));
    const p = readout(h.pair.client, h.clock, {});
    const hh = h;
    h.clock.schedule(1500, () => hh.pair.unplug());
    await expectCode(h.clock.run(p), 'PORT_LOST');
    h = startMeter(syntheticMeter(200));
    const ac = new AbortController();
    const p2 = readout(h.pair.client, h.clock, { signal: ac.signal });
    h.clock.schedule(1200, () => ac.abort());
    await expectCode(h.clock.run(p2), 'CANCELLED');
  });
});

describe('session options', () => {
  it('poll_delay_ms and serial_close_delay add exactly their time; progress is reported', async () => {
    h = startMeter(syntheticMeter(10));
    const base = await h.clock.run(readout(h.pair.client, h.clock, {}));
    await h.clock.advance(2000);
    const phases: string[] = [];
    const t0 = h.clock.now();
    const r = await h.clock.run(readout(h.pair.client, h.clock, { pollDelayMs: 200, closeDelayMs: 400, onProgress: (p) => phases.push(p.phase) }));
    expect(r.timing.totalMs - base.timing.totalMs).toBeCloseTo(200, 6);
    expect(h.clock.now() - t0 - r.timing.totalMs).toBeCloseTo(400, 6);
    expect(phases[0]).toBe('sign-on');
    expect(phases).toContain('identified');
    expect(phases).toContain('data');
    expect(phases[phases.length - 1]).toBe('done');
  });

  it('rejects an out-of-range t2 as CONFIG_INVALID', async () => {
    h = startMeter(syntheticMeter(10));
    await expectCode(h.clock.run(readout(h.pair.client, h.clock, { t2Ms: 5000 })), 'CONFIG_INVALID');
  });

  it('the baud switch comes only after the ACK has left the line', async () => {
    h = startMeter(syntheticMeter(10));
    const lines: string[] = [];
    const hh = h;
    await h.clock.run(readout(h.pair.client, h.clock, { log: (_l, m) => lines.push(`${hh.clock.now().toFixed(3)} ${m}`) }));
    const ack = lines.find((l) => l.includes('tx ACK 0'))!;
    const sw = lines.find((l) => l.includes('line switched to 9600'))!;
    // The ACK is logged when it starts; six characters at 300 baud 7E1 later the line switches.
    expect(Number(sw.split(' ')[0]) - Number(ack.split(' ')[0])).toBeCloseTo(6 * (10 / 0.3), 6);
  });
});

describe('signal mapping', () => {
  it('exact addresses, number types, missing and mismatching values', async () => {
    h = startMeter(landisLikeModeC());
    const r = await h.clock.run(readout(h.pair.client, h.clock, {}));
    const sig = (tag: string, type: string) => ({ device_alias: 'm1', signal_alias: `${tag}:${type}`, tag_job_todo: tag, number_type: type });
    const out = mapSignals(r, [sig('1.8.0*24', 'DOUBLE'), sig('1.8.0', 'DOUBLE'), sig('9.9.9', 'FLOAT'), sig('1.8.0', 'INT16'), sig('C.7.0', 'UINT16'), sig('0.0.0', 'STRING'), sig('F.F', 'DIGITAL'), sig('1.8', 'DOUBLE')], 42);
    expect(out[0]).toMatchObject({ value: 139876.1, unit: 'kWh', quality: 'good', ts: 42, address: '1.8.0*24' });
    expect(out[1]).toMatchObject({ value: 147238.4, unit: 'kWh' });
    expect(out[2]).toMatchObject({ quality: 'bad', error: 'OBJECT_UNDEFINED', value: null });
    expect(out[3]).toMatchObject({ quality: 'bad', error: 'TYPE_MISMATCH' });
    expect(out[4]).toMatchObject({ value: 4, quality: 'good' });
    expect(out[5]).toMatchObject({ value: '45678903' });
    expect(out[6]).toMatchObject({ value: 0 }); // DIGITAL is 0 or 1, as for DLMS signals
    expect(out[7]).toMatchObject({ error: 'OBJECT_UNDEFINED' });
    const more = mapSignals(r, [sig('1.8.0', 'INT32'), sig('1.8.0', 'BOGUS'), sig('0.9.1', 'DOUBLE'), sig('1.6.1', 'STRING')], 0);
    expect(more[0]).toMatchObject({ value: 147238, quality: 'good' }); // rounded, as for DLMS signals
    expect(more[1]).toMatchObject({ quality: 'bad', error: 'CONFIG_INVALID' });
    expect(more[2]).toMatchObject({ value: 143512 });
    expect(more[3]).toMatchObject({ value: '0042.17', unit: 'kW' });
  });
});
