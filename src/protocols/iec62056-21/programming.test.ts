import { afterEach, describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { landisLikeModeC } from '../../sim/iec/profiles';
import { parseLoadProfile } from './load-profile';
import { openProgrammingSession } from './programming';
import { startMeter, type Harness } from './test-support/harness';

let h: Harness | undefined;
afterEach(() => {
  h?.stop();
  h = undefined;
});

describe('programming mode against the virtual meter', () => {
  it('password, R1, R5 load profile, R6 in partial blocks, P.98 logbook, W1, B0', async () => {
    h = startMeter(landisLikeModeC());
    const lines: string[] = [];
    const bytesSeen: string[] = [];
    const log = (_l: number, m: string, b?: Uint8Array) => {
      lines.push(m);
      if (b) bytesSeen.push(String.fromCharCode(...b));
    };
    h.pair.faults.setEcho(true); // the echo carries the password back: it must not be logged either
    const hh = h;
    await h.clock.run(async () => {
      const s = await openProgrammingSession(hh.pair.client, hh.clock, { address: '45678903', password: '00003141', log });
      expect(s.passwordSeed).toBe('34A1F0C2');
      expect(s.baudRate).toBe(9600);

      const r1 = await s.read('R1', '1.8.0');
      expect(r1.dataSets[0]).toMatchObject({ address: '1.8.0', values: [{ value: '0147238.4', unit: 'kWh' }] });

      const r5 = await s.read('R5', 'P.01(2601010000;2601010300)');
      const [p] = parseLoadProfile(r5.dataSets);
      expect(p.periodMinutes).toBe(15);
      expect(p.channels.map((c) => c.address)).toEqual(['1.5.0', '2.5.0']);
      expect(p.rows).toHaveLength(13);
      expect(p.rows[12].localMs - p.rows[0].localMs).toBe(3 * 3600_000);
      expect(p.rows[0].values[0].value).toBe('20.000');

      const r6 = await s.read('R6', 'P.01(2601010000;2601020000)');
      expect(r6.blocks).toBeGreaterThan(3);
      expect(parseLoadProfile(r6.dataSets)[0].rows).toHaveLength(97);

      const lb = await s.read('R5', 'P.98(;)');
      expect(lb.dataSets.map((d) => d.values[1].value)).toEqual(['0040', '0080', '4000']);

      await s.write('W1', 'C.7.0', '0000');
      expect((await s.read('R1', 'C.7.0')).dataSets[0].values[0].value).toBe('0000');
      await expect(s.read('R1', '9.9.9')).rejects.toMatchObject({ code: 'REJECTED' });
      await s.close();
    });
    expect(h.pair.client.line.baudRate).toBe(300);
    expect(h.meter.stats.programmingSessions).toBe(1);
    expect(lines.join('\n')).not.toContain('00003141');
    expect(bytesSeen.join('')).not.toContain('00003141');
    expect(lines.join('\n')).toContain('P1(********)');
  });

  it('wrong password: AUTH_FAILED, and the password is not in the error', async () => {
    h = startMeter(landisLikeModeC());
    const err = await h.clock.run(openProgrammingSession(h.pair.client, h.clock, { password: 'wrong-pw' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect((err as MeterError).code).toBe('AUTH_FAILED');
    expect((err as MeterError).message).not.toContain('wrong-pw');
  });

  it('a command damaged on its way to the meter is NAKed and repeated', async () => {
    h = startMeter(landisLikeModeC());
    const hh = h;
    await h.clock.run(async () => {
      const s = await openProgrammingSession(hh.pair.client, hh.clock, { password: '00003141' });
      hh.pair.faults.corruptNext('toMeter', 1);
      const r = await s.read('R1', '2.8.0');
      expect(r.dataSets[0].values[0].value).toBe('0000012.9');
      await s.close();
    });
  });

  it('BCC error in an answer: NAK, repeat', async () => {
    h = startMeter(landisLikeModeC());
    const hh = h;
    await h.clock.run(async () => {
      const s = await openProgrammingSession(hh.pair.client, hh.clock, { password: '00003141' });
      hh.meter.setFaults({ bccErrors: 2 });
      const r = await s.read('R6', 'P.01(2601010000;2601011000)');
      expect(parseLoadProfile(r.dataSets)[0].rows).toHaveLength(41);
      expect(hh.meter.stats.naksReceived).toBe(2);
      await s.close();
    });
  });
});
