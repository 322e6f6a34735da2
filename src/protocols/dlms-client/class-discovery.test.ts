/**
 * Interface class discovery (issue 11 finding 2): a wrong class guess answered with any data-access error
 * is retried with the other classes the OBIS code allows; when none answers, the reader goes to the
 * association's object list (once per meter), takes the true class, retries and remembers it across
 * sessions.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair } from '../../core/memory-link';
import { LINE_9600_8N1 } from '../../core/link';
import { HdlcClient } from '../hdlc/client-session';
import { serverAddress } from '../hdlc/address';
import { parseObis } from '../cosem/obis';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { type AttributeValue, createDemoDlmsModel, scalerUnit, u32, u8, type SimModel } from '../../sim/dlms/model';
import { DlmsSession } from './session';
import { MeterKnowledge, type ValueResult } from './reader';

const EPOCH = Date.UTC(2026, 0, 1);
const NOW = EPOCH + 5 * 86_400_000;
const SERVER = serverAddress({ logical: 1, physical: 17, size: 2 });
const obis = (t: string) => parseObis(t).obis;

/**
 * The demo meter plus the two objects the independent server had whose class a plain guess got wrong, and
 * one whose class no guess from its OBIS code reaches.
 */
function model(wrongClassResult: number): { m: SimModel; listReads: () => number } {
  const m = createDemoDlmsModel({ epochMs: EPOCH, profileDays: 1 });
  m.wrongClassResult = wrongClassResult;
  // Image transfer (class 18): its OBIS code names the class.
  m.add({ classId: 18, version: 0, obis: '0.0.44.0.0.255', attributes: new Map<number, AttributeValue>([[2, u32(200)], [5, u8(1)]]) });
  // A plain Register with D = 25: guessed first as a Demand register (class 5), then as a Register.
  m.add({ classId: 3, version: 0, obis: '1.1.21.25.0.255', attributes: new Map<number, AttributeValue>([[2, u32(12_345)], [3, scalerUnit(-1, 30)]]) });
  // A manufacturer's Extended register where Data or Register would be expected: only the list knows.
  m.add({ classId: 4, version: 0, obis: '0.0.96.1.10.255', attributes: new Map<number, AttributeValue>([[2, u32(777)], [3, scalerUnit(0, 30)]]) });
  const assoc = m.find(15, '0.0.40.0.0.255')!;
  const list = assoc.attributes.get(2) as (t: number) => import('../dlms/axdr/types').DlmsData;
  let reads = 0;
  assoc.attributes.set(2, (t: number) => {
    reads++;
    return list(t);
  });
  return { m, listReads: () => reads };
}

async function read(clock: VirtualClock, meter: SimDlmsMeter, knowledge: MeterKnowledge, codes: string[]): Promise<ValueResult[]> {
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  meter.serveHdlc(pair.meter, { address: SERVER });
  const s = new DlmsSession(new HdlcClient(pair.client, clock, { server: SERVER, client: 0x10, timeoutMs: 1500, retries: 3 }), knowledge, {
    referencing: 'LN',
    auth: 'None',
  });
  await s.connect();
  const out = await s.readValues(codes.map((c) => ({ obis: obis(c), attribute: 2 })));
  await s.close();
  return out;
}

describe('LN class discovery from the object list', () => {
  for (const dar of [3, 4, 7, 9, 11, 250]) {
    it(`a wrong class answered with data-access-result ${dar}: other guesses, then the object list once, remembered`, async () => {
      const clock = new VirtualClock(NOW);
      const { m, listReads } = model(dar);
      const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: m });
      await clock.run(async () => {
        const knowledge = new MeterKnowledge();
        const [image, register, energy] = await read(clock, meter, knowledge, ['0.0.44.0.0.255', '1.1.21.25.0.255', '1.0.1.8.0.255']);
        expect(image.error).toBeUndefined();
        expect(image.classId).toBe(18);
        expect(register.classId).toBe(3);
        expect(register.scaled).toEqual({ value: 1234.5, unit: 'Wh', scaler: -1 });
        expect(energy.scaled?.unit).toBe('Wh');
        // Every class was reached by a guess: the (kilobytes long) object list was not read.
        expect(listReads()).toBe(0);
        const [extended] = await read(clock, meter, knowledge, ['0.0.96.1.10.255']);
        expect(extended.error).toBeUndefined();
        expect(extended.classId).toBe(4);
        expect(listReads()).toBe(1);
        // Across sessions (and through the persisted form): no list read, no wrong guess.
        const restored = new MeterKnowledge();
        restored.restore(JSON.parse(JSON.stringify(knowledge.serialise())));
        const again = await read(clock, meter, restored, ['0.0.44.0.0.255', '1.1.21.25.0.255', '0.0.96.1.10.255']);
        expect(again.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
        expect(listReads()).toBe(1);
      });
    });
  }

  it('an object the list does not hold is OBJECT_UNDEFINED; the meter’s own error otherwise', async () => {
    const clock = new VirtualClock(NOW);
    const { m } = model(3);
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: m });
    await clock.run(async () => {
      const [missing] = await read(clock, meter, new MeterKnowledge(), ['1.0.99.99.99.255']);
      expect(missing.error?.code).toBe('OBJECT_UNDEFINED');
      expect(missing.error?.message).toMatch(/object list/);
    });
  });

  it('a meter that refuses its object list: guesses still work, else the meter’s own error', async () => {
    const clock = new VirtualClock(NOW);
    const { m } = model(3);
    m.find(15, '0.0.40.0.0.255')!.attributes.delete(2);
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: m });
    await clock.run(async () => {
      const knowledge = new MeterKnowledge();
      const [register, extended] = await read(clock, meter, knowledge, ['1.1.21.25.0.255', '0.0.96.1.10.255']);
      expect(register.classId).toBe(3);
      expect(register.error).toBeUndefined();
      expect(extended.error?.code).toBe('ACCESS_DENIED');
      expect(knowledge.objectListRefused).toBe(true);
    });
  });

  it('a class named in the signal is used as given, without any discovery', async () => {
    const clock = new VirtualClock(NOW);
    const { m, listReads } = model(3);
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: m });
    await clock.run(async () => {
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      meter.serveHdlc(pair.meter, { address: SERVER });
      const s = new DlmsSession(new HdlcClient(pair.client, clock, { server: SERVER, client: 0x10, timeoutMs: 1500, retries: 3 }), new MeterKnowledge(), {
        referencing: 'LN',
        auth: 'None',
      });
      await s.connect();
      const [image] = await s.readValues([{ obis: obis('0.0.44.0.0.255'), attribute: 2, classId: 18 }]);
      expect(image.error).toBeUndefined();
      expect(listReads()).toBe(0);
    });
  });
});

describe('knowledge and the meter identity', () => {
  it('is kept for the same meter and forgotten when the logical device name differs', async () => {
    const clock = new VirtualClock(NOW);
    const knowledge = new MeterKnowledge();
    const connect = async (serial: string) => {
      const m = createDemoDlmsModel({ epochMs: EPOCH, profileDays: 1, serialNumber: serial });
      const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: m });
      const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
      meter.serveHdlc(pair.meter, { address: SERVER });
      const s = new DlmsSession(new HdlcClient(pair.client, clock, { server: SERVER, client: 0x10, timeoutMs: 1500, retries: 3 }), knowledge, {
        referencing: 'LN',
        auth: 'None',
      });
      await s.connect();
      return s;
    };
    await clock.run(async () => {
      const a = await connect('11111111');
      expect(await a.checkIdentity()).toBe(true);
      await a.readValues([{ obis: obis('1.0.1.8.0.255'), attribute: 2 }]);
      expect(knowledge.scalers.size).toBe(1);
      await a.close();
      const same = await connect('11111111');
      expect(await same.checkIdentity()).toBe(true);
      expect(knowledge.scalers.size).toBe(1);
      await same.close();
      const other = await connect('22222222');
      expect(await other.checkIdentity()).toBe(false);
      expect(knowledge.scalers.size).toBe(0);
      expect(knowledge.classes.size).toBe(0);
      await other.close();
    });
  });
});
