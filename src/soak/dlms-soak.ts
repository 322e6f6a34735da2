/**
 * DLMS soak: one virtual session per seed through the whole engine (config → driver → session →
 * transport) against the DLMS simulator over a memory wire that drops, corrupts and doubles bytes at
 * random. The meter's registers are constants drawn from the seed, so every stored reading can be
 * compared with the truth exactly. HDLC's FCS and the GCM tag must keep every damaged value out.
 */
import { validateConfig } from '../config';
import type { DeviceConfig } from '../config/types';
import { toMeterError } from '../core/errors';
import { LINE_9600_8N1, type Link } from '../core/link';
import { createSerialPair } from '../core/memory-link';
import { VirtualClock } from '../core/virtual-clock';
import { Engine } from '../engine/engine';
import { createDriver } from '../engine/drivers';
import { fromHex } from '../protocols/dlms/hex';
import { serverAddress } from '../protocols/hdlc/address';
import { createDemoDlmsModel, i32, scalerUnit, u16, u32, type AttributeValue } from '../sim/dlms/model';
import { SimDlmsMeter } from '../sim/dlms/server';
import { countError, faultMix, seeded, type SoakTally } from './rng';

export type DlmsSoakKind = 'hdlc' | 'wrapper' | 'hdlc-gmac' | 'wrapper-gmac';

const EPOCH = Date.UTC(2026, 0, 1);
const ST = '4d4d4d0000000001';
const EK = '000102030405060708090a0b0c0d0e0f';
const AK = 'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf';

/** Registers the demo meter does not have: class 3, a constant value each, scalers and units varied. */
const SOAK_REGISTERS = [
  { obis: '1.0.1.8.3.255', scaler: 0, unit: 30, make: u32 },
  { obis: '1.0.1.8.4.255', scaler: 1, unit: 30, make: u32 },
  { obis: '1.0.2.8.1.255', scaler: -1, unit: 30, make: u32 },
  { obis: '1.0.21.7.0.255', scaler: 0, unit: 27, make: i32 },
  { obis: '1.0.41.7.0.255', scaler: -2, unit: 27, make: i32 },
  { obis: '1.0.61.7.0.255', scaler: -3, unit: 27, make: i32 },
  { obis: '1.0.12.7.0.255', scaler: -1, unit: 35, make: u16 },
  { obis: '1.0.11.7.0.255', scaler: -2, unit: 33, make: u16 },
] as const;

function drawValues(rand: () => number): number[] {
  return SOAK_REGISTERS.map((r) => {
    if (r.make === u16) return Math.floor(rand() * 0x10000);
    if (r.make === i32) return Math.floor(rand() * 0x100000000) - 0x80000000;
    return Math.floor(rand() * 0x100000000);
  });
}

const isWrapper = (kind: DlmsSoakKind) => kind === 'wrapper' || kind === 'wrapper-gmac';

function deviceFor(kind: DlmsSoakKind): Record<string, unknown> {
  const common = { name: 'Soak', device_alias: 'm', protocol: 'DLMS', type: 'LN', timeout_ms: 1000, retry_counter: 3 };
  const wrapper = { ...common, ip: '127.0.0.1', port: 4059, mode: 'DLMS-WRAPPER', logical_address: 1 };
  if (kind === 'wrapper') return { ...wrapper, auth: 'None', client_address: 16 };
  const hdlc = { ...common, device: 'PORT1', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, mode: 'DLMS-HDLC', physical_address: 17, logical_address: 1, address_size: 2 };
  if (kind === 'hdlc') return { ...hdlc, auth: 'None', client_address: 16 };
  return {
    ...(kind === 'wrapper-gmac' ? wrapper : hdlc),
    auth: 'HighGmac',
    client_address: 48,
    system_title: ST,
    block_cipher_key: EK,
    authentication_key: AK,
    security_suite: 0,
    security_policy: 'authenticated_encrypted',
  };
}

export interface DlmsSessionOutcome {
  good: number;
  bad: Record<string, number>;
  wrong: { obis: string; expected: number; got: unknown }[];
}

/** One session: a fresh meter and wire, one read of every soak register through the engine. */
export async function dlmsSession(kind: DlmsSoakKind, seed: number, faultRate: number): Promise<DlmsSessionOutcome> {
  const rand = seeded(seed * 7919 + 17);
  const raws = drawValues(rand);
  const truth = new Map(SOAK_REGISTERS.map((r, i) => [r.obis, raws[i] * 10 ** r.scaler]));
  const checked = validateConfig({
    devices: [deviceFor(kind)],
    signals: SOAK_REGISTERS.map((r, i) => ({ signal_name: `r${i}`, device_alias: 'm', signal_alias: `r${i}`, obis_job: r.obis, number_type: 'DOUBLE' })),
  });
  if (!checked.ok) throw new Error(`soak configuration: ${JSON.stringify(checked.errors)}`);
  const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
  const model = createDemoDlmsModel({ epochMs: EPOCH });
  SOAK_REGISTERS.forEach((r, i) => {
    model.add({ classId: 3, version: 0, obis: r.obis, attributes: new Map<number, AttributeValue>([[2, r.make(raws[i])], [3, scalerUnit(r.scaler, r.unit)]]) });
  });
  const openLink = async (_device: DeviceConfig): Promise<Link> => {
    const pair = createSerialPair(clock, isWrapper(kind) ? { kind: 'stream', latencyMs: 3 } : { line: LINE_9600_8N1 });
    pair.faults.setRandom({ ...faultMix(faultRate), seed: seed * 2654435761 + 1 });
    const security = kind.endsWith('gmac')
      ? {
          security: {
            systemTitle: fromHex('4D4D4D0000BC614E'),
            blockCipherKey: fromHex(EK),
            authenticationKey: fromHex(AK),
            requiredPolicy: 'authenticated_encrypted' as const,
            // One meter met again and again: its counter only goes up (the client remembers it and
            // refuses a lower one as a replay), as a real meter's does between sessions.
            invocationCounter: seed * 100_000,
          },
        }
      : {};
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model, ...security });
    if (isWrapper(kind)) meter.serveWrapper(pair.meter);
    else meter.serveHdlc(pair.meter, { address: serverAddress({ logical: 1, physical: 17, size: 2 }) });
    return pair.client;
  };
  const engine = new Engine({ config: checked.config, clock, openLink, createDriver, onEvent: () => undefined });
  const out: DlmsSessionOutcome = { good: 0, bad: {}, wrong: [] };
  try {
    const readings = await clock.run(() => engine.readOnce(), { maxVirtualMs: 3_600_000 });
    for (const r of readings) {
      const obis = SOAK_REGISTERS[Number(r.signal_alias.slice(1))].obis;
      if (r.quality === 'bad') {
        out.bad[r.error ?? 'UNTYPED'] = (out.bad[r.error ?? 'UNTYPED'] ?? 0) + 1;
        continue;
      }
      const expected = truth.get(obis)!;
      const ok = typeof r.value === 'number' && Math.abs(r.value - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
      if (ok) out.good++;
      else out.wrong.push({ obis, expected, got: r.value });
    }
  } catch (e) {
    const code = toMeterError(e).code;
    out.bad[code] = (out.bad[code] ?? 0) + SOAK_REGISTERS.length;
  } finally {
    await clock.run(() => engine.stop(), { maxVirtualMs: 600_000 }).catch(() => undefined);
  }
  return out;
}

export function addDlms(t: SoakTally, o: DlmsSessionOutcome): void {
  t.sessions++;
  t.good += o.good;
  t.wrong += o.wrong.length;
  for (const [code, n] of Object.entries(o.bad)) for (let i = 0; i < n; i++) countError(t, code);
}
