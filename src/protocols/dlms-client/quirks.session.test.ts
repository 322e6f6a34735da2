import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock';
import { LINE_9600_8N1 } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { SimDlmsMeter, type SimAssociationQuirks, type SimHdlcQuirks } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { conformanceFromNames, LN_CLIENT_CONFORMANCE } from '../dlms/acse';
import type { LnObjectEntry } from '../cosem/object-list';
import { parseObis } from '../cosem/obis';
import { type HdlcAddress } from '../hdlc/address';
import { HdlcClient } from '../hdlc/client-session';
import { MemoryInvocationCounterStore } from './invocation-counter';
import { MeterKnowledge } from './reader';
import { DlmsSession, type DlmsSessionOptions } from './session';

/**
 * Servers' own mistakes (issues 20 and 11): the whole demo meter read through a simulator with each quirk
 * gives the same values as through the well-behaved simulator, at no more than 1.1 x its line time where
 * the quirk is the server's alone. Virtual time over a 9600 baud memory wire.
 */
const EPOCH = Date.UTC(2026, 0, 1);
const NOW = EPOCH + 10 * 24 * 3600_000 + 3600_000 * 13.5;
/** Logical 0, physical 1 in the 2-byte form (`00 03`): what a configuration with address_size 2 sends. */
const SERVER_2: HdlcAddress = { value: 1, size: 2 };
const REGISTERS = ['1.0.1.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255', '1.0.1.7.0.255', '1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255', '1.0.31.7.0.255', '1.0.51.7.0.255', '1.0.71.7.0.255', '1.0.14.7.0.255', '1.0.13.7.0.255', '0.0.96.1.0.255', '0.0.42.0.0.255'];

/** The meter's model sees one frozen wall time, so values do not drift with the line time being compared. */
function frozenWall(clock: VirtualClock): Clock {
  return { now: () => clock.now(), wallTime: () => NOW, sleep: (ms, s) => clock.sleep(ms, s), schedule: (ms, fn) => clock.schedule(ms, fn) };
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));
}

interface Outcome {
  values: string[];
  lineMs: number;
  log: { level: number; message: string }[];
  transport: HdlcClient;
  meter: SimDlmsMeter;
  requests: Uint8Array[];
  answers: Uint8Array[];
  conformance: string[];
  meterConnectedAfter: boolean;
}

interface Run {
  hdlc?: SimHdlcQuirks;
  quirks?: SimAssociationQuirks;
  session?: Partial<DlmsSessionOptions>;
  /** Client's nrNeverAdvances knowledge from an earlier session. */
  known?: boolean;
  /** A ciphered association (authenticated and encrypted APDUs under the global key). */
  ciphered?: boolean;
}

const ST_CLIENT = Uint8Array.from([0x4d, 0x4d, 0x4d, 0, 0, 0, 0, 1]);
const ST_METER = Uint8Array.from([0x4d, 0x4d, 0x4d, 0, 0, 0xbc, 0x61, 0x4e]);
const EK = Uint8Array.from({ length: 16 }, (_, i) => i);
const AK = Uint8Array.from({ length: 16 }, (_, i) => 0xd0 + i);

/** Everything the demo meter's association lets the public client read: every attribute of every listed object. */
async function readWholeMeter(r: Run = {}): Promise<Outcome> {
  const clock = new VirtualClock(NOW);
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const meter = new SimDlmsMeter(frozenWall(clock), {
    referencing: 'LN',
    model: createDemoDlmsModel({ epochMs: EPOCH }),
    ...(r.hdlc ? { hdlc: r.hdlc } : {}),
    ...(r.quirks ? { quirks: r.quirks } : {}),
    ...(r.ciphered ? { security: { systemTitle: ST_METER, blockCipherKey: EK, authenticationKey: AK, requiredPolicy: 'authenticated_encrypted' as const } } : {}),
  });
  const requests: Uint8Array[] = [];
  const answers: Uint8Array[] = [];
  const handle = meter.handle.bind(meter);
  meter.handle = async (apdu, client) => {
    requests.push(apdu.slice());
    const answer = await handle(apdu, client);
    answers.push(answer);
    return answer;
  };
  const { server } = meter.serveHdlc(pair.meter, { address: SERVER_2, supported: { windowRx: 1, windowTx: 1, maxInfoRx: 128, maxInfoTx: 128 } });
  // A counter used before (the meter refuses 0 as already seen).
  const counterStore = new MemoryInvocationCounterStore();
  await counterStore.set('quirks', 0x10, 10);
  const log: Outcome['log'] = [];
  const transport = new HdlcClient(pair.client, clock, {
    server: SERVER_2,
    client: 0x10,
    timeoutMs: 2500,
    retries: 3,
    // Short request segments, so the AARQ and the list requests go out in several frames.
    proposal: { maxInfoTx: 32, maxInfoRx: 128, windowTx: 1, windowRx: 1 },
    ...(r.known ? { nrNeverAdvances: true } : {}),
    log: (level, message) => log.push({ level, message }),
  });
  const session = new DlmsSession(transport, new MeterKnowledge(), {
    referencing: 'LN',
    auth: 'None',
    log: (level, message) => log.push({ level, message }),
    ...(r.ciphered ? { security: { suite: 0, policy: 'authenticated_encrypted', clientSystemTitle: ST_CLIENT, blockCipherKey: EK, authenticationKey: AK, client: 0x10, counterStore, meterKey: 'quirks' } } : {}),
    ...r.session,
  });
  const values: string[] = [];
  let conformance: string[] = [];
  const t0 = clock.now();
  await clock.run(async () => {
    const assoc = await session.connect();
    conformance = [...assoc.conformance].sort();
    const list = (await session.readObjectList()) as LnObjectEntry[];
    values.push(show(list.map((o) => o.obis)));
    for (const o of list) {
      const attributes = o.accessRights?.attributes.map((a) => a.id) ?? [1, 2];
      for (const a of attributes) {
        if (o.classId === 15 && a === 2) continue; // the object list itself, read above
        try {
          values.push(`${o.obis}/${a} ${show(await session.get({ classId: o.classId, obis: o.logicalName, attributeId: a }))}`);
        } catch (e) {
          values.push(`${o.obis}/${a} error ${(e as { code?: string }).code ?? String(e)}`);
        }
      }
    }
    const listed = await session.readValues(REGISTERS.map((c) => ({ obis: parseObis(c).obis, attribute: 2 })));
    values.push(show(listed.map((v) => v.error?.code ?? v.scaled ?? v.data)));
    await session.close();
  });
  return { values, lineMs: clock.now() - t0, log, transport, meter, requests, answers, conformance, meterConnectedAfter: server.connected };
}

let baseline: Promise<Outcome> | undefined;
const wellBehaved = () => (baseline ??= readWholeMeter());

describe('the whole demo meter through servers with their own mistakes (virtual time, 9600 baud)', () => {
  it('well-behaved: the reference values and line time', async () => {
    const b = await wellBehaved();
    expect(b.values.length).toBeGreaterThan(40);
    expect(b.values.filter((v) => v.includes(' error ')).length).toBeLessThan(b.values.length / 4);
    expect(b.transport.nrNeverAdvances).toBe(false);
    expect(b.log.filter((l) => l.level <= 3 && l.message.startsWith('HDLC'))).toEqual([]);
  });

  it('20.1 N(R) never advances and RR is fatal: same values, no poll, one level-2 line, <= 1.1 x line time', async () => {
    const b = await wellBehaved();
    const q = await readWholeMeter({ hdlc: { nrNeverAdvances: true, dropLinkOnRR: true } });
    expect(q.values).toEqual(b.values);
    expect(q.transport.nrNeverAdvances).toBe(true);
    expect(q.log.filter((l) => l.level === 2 && /N\(R\)/.test(l.message))).toHaveLength(1);
    expect(q.transport.stats.retries).toBe(0);
    expect(q.lineMs).toBeLessThanOrEqual(1.1 * b.lineMs);
    // Known from an earlier session: the same.
    const k = await readWholeMeter({ hdlc: { nrNeverAdvances: true, dropLinkOnRR: true }, known: true });
    expect(k.values).toEqual(b.values);
  });

  it('20.2 segments without the final bit: same values, no timeout waits, <= 1.1 x line time', async () => {
    const b = await wellBehaved();
    const q = await readWholeMeter({ hdlc: { omitFinalBitOnSegments: true } });
    expect(q.values).toEqual(b.values);
    expect(q.transport.stats.retries).toBe(0);
    expect(q.log.filter((l) => /without the final bit/.test(l.message))).toHaveLength(1);
    expect(q.lineMs).toBeLessThanOrEqual(1.1 * b.lineMs);
  });

  it('20.1 + 20.2 + 11.1 together (the server of issue 20, answering from its 1-byte address): same values', async () => {
    const b = await wellBehaved();
    const q = await readWholeMeter({ hdlc: { nrNeverAdvances: true, dropLinkOnRR: true, omitFinalBitOnSegments: true, answerFromAddressSize: 1 } });
    expect(q.values).toEqual(b.values);
    expect(q.lineMs).toBeLessThanOrEqual(1.1 * b.lineMs);
  });

  it('11.1 a meter that answers `03` to `00 03`: same values, and level 3 says so once', async () => {
    const b = await wellBehaved();
    const q = await readWholeMeter({ hdlc: { answerFromAddressSize: 1 } });
    expect(q.values).toEqual(b.values);
    expect(q.log.filter((l) => l.level === 3 && /another size/.test(l.message))).toHaveLength(1);
    // One byte shorter answers: never slower.
    expect(q.lineMs).toBeLessThanOrEqual(b.lineMs);
  });

  it('20.3 a meter that grants services we did not propose: only those both sides name are used', async () => {
    const b = await wellBehaved();
    const noLists = LN_CLIENT_CONFORMANCE & ~conformanceFromNames(['multiple-references']);
    const q = await readWholeMeter({ quirks: { overGrantConformance: true }, session: { proposedConformance: noLists } });
    expect(q.values).toEqual(b.values);
    expect(q.conformance).not.toContain('multiple-references');
    // The AARE said multiple-references; no GET-with-list (C0 03) went out anyway.
    expect(q.requests.some((a) => a[0] === 0xc0 && a[1] === 0x03)).toBe(false);
    expect(q.log.some((l) => l.level === 3 && /not proposed/.test(l.message))).toBe(true);
  });

  it('11.4 a ciphered association with a meter that refuses plain RLRQs: same values, the protected RLRQ releases', async () => {
    const b = await wellBehaved();
    const q = await readWholeMeter({ ciphered: true, quirks: { exceptionOnPlainRlrq: true }, session: { releaseWithRlrq: true } });
    // The frame counter object shows the invocation counters used: the one value that differs.
    const counter = (v: string) => !v.startsWith('0.0.43.1.0.255/2 ');
    expect(q.values.filter(counter)).toEqual(b.values.filter(counter));
    expect(q.requests.at(-1)?.[0]).toBe(0x62);
    expect(q.answers.at(-1)?.[0]).toBe(0x63);
    expect(q.meter.openAssociations).toEqual([]);
    expect(q.meter.counters.decipherFailures).toBe(0);
  });

  for (const rlrq of ['exception', 'silence', 'hang-up'] as const) {
    it(`11.4/11.5 RLRQ answered by ${rlrq}: a finished release, DISC after it, every value read stands`, async () => {
      const b = await wellBehaved();
      const q = await readWholeMeter({ quirks: { rlrq }, session: { releaseWithRlrq: true } });
      expect(q.values).toEqual(b.values);
      expect(q.requests.at(-1)?.[0]).toBe(0x62);
      // The meter's port is free: DISC went out (or the line is gone).
      expect(q.meterConnectedAfter).toBe(false);
    });
  }
});
