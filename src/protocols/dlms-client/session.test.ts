import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { HdlcClient } from '../hdlc/client-session';
import { serverAddress, serverAddressFromSerial, type HdlcAddress } from '../hdlc/address';
import { WrapperClient } from '../wrapper/client-session';
import { parseObis } from '../cosem/obis';
import { SimDlmsMeter, type SimDlmsMeterOptions } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { DlmsSession, type DlmsSessionOptions } from './session';
import { MeterKnowledge } from './reader';
import type { DlmsTransport } from '../transport';

const EPOCH = Date.UTC(2026, 0, 1);
const NOW = EPOCH + 10 * 24 * 3600_000 + 3600_000 * 13.5;
const obis = (t: string) => parseObis(t).obis;

interface Rig {
  clock: VirtualClock;
  meter: SimDlmsMeter;
  session: DlmsSession;
  transport: DlmsTransport;
  pair: ReturnType<typeof createSerialPair>;
}

function hdlcRig(
  meterOpts: Partial<SimDlmsMeterOptions> = {},
  sessionOpts: Partial<DlmsSessionOptions> = {},
  link: { server?: HdlcAddress; client?: number; window?: number; maxInfo?: number } = {},
): Rig {
  const clock = new VirtualClock(NOW);
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const server = link.server ?? serverAddress({ logical: 1, physical: 17, size: 2 });
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: EPOCH }), ...meterOpts });
  meter.serveHdlc(pair.meter, { address: server, supported: { windowRx: 7, windowTx: 7, maxInfoRx: 512, maxInfoTx: 512 } });
  const transport = new HdlcClient(pair.client, clock, {
    server,
    client: link.client ?? 0x10,
    timeoutMs: 1500,
    retries: 3,
    proposal: { windowRx: link.window ?? 1, windowTx: link.window ?? 1, maxInfoRx: link.maxInfo ?? 128, maxInfoTx: link.maxInfo ?? 128 },
  });
  const session = new DlmsSession(transport, new MeterKnowledge(), { referencing: meterOpts.referencing ?? 'LN', auth: 'None', ...sessionOpts });
  return { clock, meter, session, transport, pair };
}

describe('DLMS client against the simulated meter (HDLC, virtual time)', () => {
  it('LN: associates, reads 20 registers with one GET-with-list, scalers applied, then from cache', async () => {
    const { clock, session, transport } = hdlcRig();
    await clock.run(async () => {
      const assoc = await session.connect();
      expect(assoc.conformance.has('multiple-references')).toBe(true);
      const codes = [
        '1.0.1.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255',
        '1.0.1.7.0.255', '1.0.2.7.0.255', '1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255', '1.0.31.7.0.255',
        '1.0.51.7.0.255', '1.0.71.7.0.255', '1.0.14.7.0.255', '1.0.13.7.0.255', '0.0.96.1.0.255', '0.0.42.0.0.255',
        '1.0.1.6.0.255', '1.0.1.4.0.255',
      ];
      const before = transport.stats.roundTrips;
      const first = await session.readValues(codes.map((c) => ({ obis: obis(c), attribute: 2 })));
      const firstTrips = transport.stats.roundTrips - before;
      for (const r of first) expect(r.error).toBeUndefined();
      const voltage = first[8];
      expect(voltage.scaled?.unit).toBe('V');
      expect(voltage.scaled?.value).toBeGreaterThan(225);
      expect(voltage.scaled?.value).toBeLessThan(235);
      const energy = first[0];
      expect(energy.scaled?.unit).toBe('Wh');
      expect(first[16].data).toMatchObject({ type: 'octet-string' });
      // First contact: the classes are guessed from the OBIS codes and ride in one list with the 16
      // scalers, as many round trips as a later poll (issue 16).
      expect(firstTrips).toBe(1);
      const again = transport.stats.roundTrips;
      const second = await session.readValues(codes.map((c) => ({ obis: obis(c), attribute: 2 })));
      expect(transport.stats.roundTrips - again).toBe(1);
      expect(second[8].scaled?.unit).toBe('V');
      await session.close();
    });
  });

  it('reads a day of 15-minute load profile by range, with timestamps and scaled columns, in blocks', async () => {
    const { clock, session } = hdlcRig({ maxPdu: 1024 }, { clientMaxPdu: 512 });
    await clock.run(async () => {
      await session.connect();
      const from = EPOCH + 5 * 24 * 3600_000;
      const profile = await session.readProfile(obis('1.0.99.1.0.255'), { from, to: from + 24 * 3600_000 - 1 });
      expect(profile.rows.length).toBe(96);
      expect(profile.rows[0].ts).toBe(from);
      expect(profile.rows[95].ts).toBe(from + 95 * 900_000);
      expect(profile.capturePeriodS).toBe(900);
      expect(profile.columns[2].unit).toBe('Wh');
      const col = profile.rows.map((r) => r.values[2] as number);
      for (let i = 1; i < col.length; i++) expect(col[i]).toBeGreaterThanOrEqual(col[i - 1]);
      const byEntry = await session.readProfile(obis('1.0.99.1.0.255'), { fromEntry: 1, toEntry: 10 });
      expect(byEntry.rows.length).toBe(10);
      const log = await session.readProfile(obis('0.0.99.98.0.255'), { from: EPOCH - 30 * 24 * 3600_000, to: NOW });
      expect(log.rows.length).toBeGreaterThan(5);
    });
  });

  it('guesses the class, falls back when the meter says the class is wrong, and remembers it', async () => {
    const { clock, session, transport } = hdlcRig();
    await clock.run(async () => {
      await session.connect();
      // The association object is class 15, the LN guess for 0.0.40.0.0.255; ask for a data object the guess gets wrong:
      // 0.0.96.14.0.255 (current tariff) is class 1 here, the guess tries 1 first; 1.0.1.6.0.255 is class 4 (guess 4).
      const [tariff, maxDemand] = await session.readValues([
        { obis: obis('0.0.96.14.0.255'), attribute: 2 },
        { obis: obis('1.0.1.6.0.255'), attribute: 2 },
      ]);
      expect(tariff.error).toBeUndefined();
      expect(maxDemand.scaled?.unit).toBe('W');
      // 0.0.96.10.1.255 is a class 1 status object: guess [1,3] works directly.
      const t0 = transport.stats.roundTrips;
      const [status] = await session.readValues([{ obis: obis('1.0.0.2.0.255'), attribute: 2 }]);
      expect(status.error).toBeUndefined();
      expect(transport.stats.roundTrips - t0).toBeLessThanOrEqual(2);
    });
  });

  it('a missing object is a per-signal OBJECT_UNDEFINED, the others still read', async () => {
    const { clock, session } = hdlcRig();
    await clock.run(async () => {
      await session.connect();
      const [missing, ok] = await session.readValues([
        { obis: obis('1.0.99.99.99.255'), attribute: 2 },
        { obis: obis('1.0.32.7.0.255'), attribute: 2 },
      ]);
      expect(missing.error?.code).toBe('OBJECT_UNDEFINED');
      expect(ok.scaled?.unit).toBe('V');
    });
  });

  it('SN referencing: resolves base names from the object list and reads with READ', async () => {
    const { clock, session } = hdlcRig({ referencing: 'SN' }, { referencing: 'SN' });
    await clock.run(async () => {
      const assoc = await session.connect();
      expect(assoc.vaaName).toBe(0xfa00);
      const [energy, voltage] = await session.readValues([
        { obis: obis('1.0.1.8.0.255'), attribute: 2 },
        { obis: obis('1.0.32.7.0.255'), attribute: 2 },
      ]);
      expect(energy.scaled?.unit).toBe('Wh');
      expect(voltage.scaled?.unit).toBe('V');
      const profile = await session.readProfile(obis('1.0.99.1.0.255'), { from: EPOCH, to: EPOCH + 3600_000 });
      expect(profile.rows.length).toBe(5);
    });
  });

  it('Low authentication: the right password associates, a wrong one is AUTH_FAILED and closes the link', async () => {
    const good = hdlcRig({ lowPassword: '12345678' }, { auth: 'Low', password: '12345678' }, { client: 0x11 });
    await good.clock.run(async () => {
      await good.session.connect();
      expect(good.session.open).toBe(true);
    });
    const bad = hdlcRig({ lowPassword: '12345678' }, { auth: 'Low', password: 'wrong' }, { client: 0x11 });
    await bad.clock.run(async () => {
      await expect(bad.session.connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      expect(bad.transport.connected).toBe(false);
    });
  });

  it('works with a window of 7 and large frames, and with a 4-byte serial-number address', async () => {
    const server = serverAddressFromSerial('02141421');
    const { clock, session, transport } = hdlcRig({}, {}, { server, window: 7, maxInfo: 512 });
    await clock.run(async () => {
      await session.connect();
      const p = await session.readProfile(obis('1.0.99.1.0.255'), { from: EPOCH, to: EPOCH + 24 * 3600_000 - 1 });
      expect(p.rows.length).toBe(96);
      expect(transport.stats.retries).toBe(0);
    });
  });

  it('recovers from a corrupted frame and never returns corrupted data', async () => {
    const { clock, session, pair } = hdlcRig();
    await clock.run(async () => {
      await session.connect();
      pair.faults.corruptNext('toClient', 3);
      const [v] = await session.readValues([{ obis: obis('1.0.32.7.0.255'), attribute: 2 }]);
      expect(v.scaled?.unit).toBe('V');
      expect(v.scaled?.value).toBeGreaterThan(225);
    });
  });
});

describe('DLMS client over the TCP wrapper', () => {
  it('reads values and releases with RLRQ', async () => {
    const clock = new VirtualClock(NOW);
    const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 5 });
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: EPOCH }) });
    meter.serveWrapper(pair.meter);
    const transport = new WrapperClient(pair.client, clock, { clientWPort: 0x10, serverWPort: 1, timeoutMs: 1000 });
    const session = new DlmsSession(transport, new MeterKnowledge(), { referencing: 'LN', auth: 'None' });
    await clock.run(async () => {
      await session.connect();
      const [e] = await session.readValues([{ obis: obis('1.0.1.8.0.255'), attribute: 2 }]);
      expect(e.scaled?.unit).toBe('Wh');
      await session.close();
      expect(meter.counters.associations).toBe(1);
    });
  });
});
