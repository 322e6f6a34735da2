import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { createSerialPair, type SerialPair } from '../../core/memory-link';
import { LINE_300_7E1, LINE_9600_8N1, type Link } from '../../core/link';
import { MeterError } from '../../core/errors';
import { validateConfig } from '../../config';
import type { DeviceConfig } from '../../config/types';
import { Engine } from '../engine';
import type { DriverContext } from '../driver';
import { createDriver } from '.';
import { DlmsDriver } from './dlms';
import { SimDlmsMeter, type SimAssociationQuirks } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { decodeFrame } from '../../protocols/hdlc/frame';
import { serverAddress, serverAddressFromSerial, type HdlcAddress } from '../../protocols/hdlc/address';
import type { HdlcServer } from '../../protocols/hdlc/server-session';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { landisLikeModeC } from '../../sim/iec/profiles';

/**
 * Issue 11, findings 5 (DLMS part) and 6: a refused association is AUTH_FAILED with the HDLC connection
 * released by DISC at once, for every kind of DLMS device; and what happens at the release (an
 * exception, silence, a dropped line) never takes back values read before it.
 */
const EPOCH = Date.UTC(2026, 0, 1);
const RIGHT = 'secret12';
const WRONG = 'wrong-pw';

const base = { protocol: 'DLMS', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, type: 'LN', auth: 'Low', client_address: 17, timeout_ms: 1500, retry_counter: 2 };
const devices = (password: string) => [
  // No address_size: the default 1-byte address `03`.
  { ...base, name: 'LN over HDLC', device_alias: 'ln', device: 'P1', mode: 'DLMS-HDLC', password, physical_address: 1, logical_address: 0 },
  // A meter that refuses a wrong password with "no reason given" (diagnostic 1).
  { ...base, name: 'SN over HDLC', device_alias: 'sn', device: 'P2', mode: 'DLMS-HDLC', type: 'SN', password, physical_address: 17, logical_address: 1 },
  { ...base, name: 'Mode E then HDLC', device_alias: 'modee', device: 'P3', mode: 'IEC', password, physical_address: 1, logical_address: 0 },
  { name: 'GAMA 300', device_alias: 'gama', protocol: 'Elgama', device: 'P4', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1, id: 2141421, meter_model: 2, timeout_ms: 1500, client_address: 32, password },
  { ...base, name: 'Wrapper', device_alias: 'wrapper', ip: '127.0.0.1', port: 4059, mode: 'DLMS-WRAPPER', password, logical_address: 1 },
];

interface Rigged {
  link: Link;
  meter: SimDlmsMeter;
  /** The meter's HDLC side, once it serves HDLC (undefined for the wrapper). */
  hdlc: () => HdlcServer | undefined;
  pair: SerialPair;
}

function rigFor(clock: VirtualClock, alias: string, quirks: SimAssociationQuirks = {}, onUaAfterDisc?: (pair: SerialPair) => void): Rigged {
  const model = createDemoDlmsModel({ epochMs: EPOCH });
  const sn = alias === 'sn' || alias === 'gama';
  const meter = new SimDlmsMeter(clock, { referencing: sn ? 'SN' : 'LN', model, lowPassword: RIGHT, quirks: alias === 'sn' ? { authFailureDiagnostic: 1, ...quirks } : quirks });
  let server: HdlcServer | undefined;
  const serve = (link: Link, address: HdlcAddress, pair: SerialPair, extra: { uaParameters?: boolean } = {}, signal?: AbortSignal) => {
    let uas = 0;
    const served = meter.serveHdlc(
      link,
      {
        address,
        ...extra,
        onBeforeSend: (frame) => {
          if (onUaAfterDisc && decodeFrame(frame).type === 'UA' && ++uas === 2) {
            onUaAfterDisc(pair);
            return null;
          }
          return frame;
        },
      },
      signal,
    );
    server = served.server;
    return served.done;
  };
  if (alias === 'wrapper') {
    const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 3 });
    meter.serveWrapper(pair.meter);
    return { link: pair.client, meter, hdlc: () => undefined, pair };
  }
  if (alias === 'modee') {
    const pair = createSerialPair(clock, { line: LINE_300_7E1 });
    const iec = new VirtualIecMeter({ ...landisLikeModeC(), address: undefined, onModeE: async (link, _c, signal) => serve(link, serverAddress({ logical: 0, physical: 1, size: 1 }), pair, {}, signal) });
    void iec.serve(pair.meter, clock);
    return { link: pair.client, meter, hdlc: () => server, pair };
  }
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  if (alias === 'gama') void serve(pair.meter, serverAddressFromSerial('02141421'), pair, { uaParameters: false });
  else void serve(pair.meter, alias === 'ln' ? serverAddress({ logical: 0, physical: 1, size: 1 }) : serverAddress({ logical: 1, physical: 17, size: 2 }), pair);
  return { link: pair.client, meter, hdlc: () => server, pair };
}

function configured(password: string): DeviceConfig[] {
  const checked = validateConfig({ devices: devices(password), signals: [] });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.config.devices;
}

function ctxFor(link: Link, clock: VirtualClock): DriverContext {
  return { link, clock, log: () => undefined, signal: new AbortController().signal };
}

const SIGNAL = (device_alias: string, gama: boolean) => ({
  signal_alias: 'ai',
  device_alias,
  address: '1.0.1.8.0.255',
  config: gama ? { job_todo: '1.0.1.8.0.255', tag_job_todo: '2' } : {},
});

describe('11.6 a refused association: AUTH_FAILED, and the port is free at once (every DLMS device)', () => {
  for (const device of configured(WRONG)) {
    it(`${device.name}: wrong password -> AUTH_FAILED, DISC answered before connect() returns, the right password reads next`, async () => {
      const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
      const r = rigFor(clock, device.device_alias);
      const good = configured(RIGHT).find((d) => d.device_alias === device.device_alias)!;
      await clock.run(async () => {
        const refused = await createDriver(device)
          .connect(ctxFor(r.link, clock))
          .then(
            () => 'connected',
            (e: unknown) => (e instanceof MeterError ? e.code : String(e)),
          );
        expect(refused).toBe('AUTH_FAILED');
        expect(r.meter.counters.rejected).toBe(1);
        expect(r.meter.openAssociations).toEqual([]);
        if (device.device_alias !== 'wrapper') expect(r.hdlc()?.connected).toBe(false);
        // Mode E: the optical port is back in IEC mode only after the meter's own timeout; the rest read at once.
        if (device.device_alias === 'modee') return;
        const driver = createDriver(good);
        await driver.connect(ctxFor(r.link, clock));
        const [reading] = await driver.read([SIGNAL(good.device_alias, good.protocol === 'Elgama')], ctxFor(r.link, clock));
        expect(reading.quality).toBe('good');
        await driver.disconnect(ctxFor(r.link, clock));
      });
    });
  }
});

describe('11.5 values read before the release stay good whatever the release does', () => {
  const cases: { alias: string; what: string; quirks?: SimAssociationQuirks; hangUpAtDisc?: boolean }[] = [
    { alias: 'wrapper', what: 'the meter drops the connection at RLRQ', quirks: { rlrq: 'hang-up' } },
    { alias: 'wrapper', what: 'the meter never answers RLRQ', quirks: { rlrq: 'silence' } },
    { alias: 'wrapper', what: 'the meter answers RLRQ with an exception-response', quirks: { rlrq: 'exception' } },
    { alias: 'ln', what: 'the line drops at DISC', hangUpAtDisc: true },
  ];
  for (const c of cases) {
    it(`${c.alias}: ${c.what}`, async () => {
      const cfg = { devices: devices(RIGHT).filter((d) => d.device_alias === c.alias), signals: [{ signal_name: 'Import', device_alias: c.alias, signal_alias: 'ai', obis_job: '1.0.1.8.0.255' }] };
      const checked = validateConfig(cfg);
      if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
      const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
      let rig: Rigged | undefined;
      const engine = new Engine({
        config: checked.config,
        clock,
        openLink: async (d) => {
          rig = rigFor(clock, d.device_alias, c.quirks, c.hangUpAtDisc ? (pair) => pair.unplug() : undefined);
          return rig.link;
        },
        createDriver,
        onEvent: () => undefined,
      });
      const readings = await clock.run(() => engine.readOnce());
      await clock.run(() => engine.stop());
      expect(readings).toHaveLength(1);
      expect(readings[0]).toMatchObject({ quality: 'good', unit: 'Wh' });
      if (c.quirks?.rlrq) expect(rig!.meter.counters.requests).toBeGreaterThanOrEqual(3); // AARQ, GET, RLRQ
    });
  }
});

describe('20.1 the driver remembers a meter whose N(R) never advances', () => {
  it('learns it in the first session and hands it to the next one (no second level-2 line)', async () => {
    const clock = new VirtualClock(EPOCH + 20 * 24 * 3600_000);
    const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: EPOCH }), lowPassword: RIGHT, hdlc: { nrNeverAdvances: true, dropLinkOnRR: true } });
    meter.serveHdlc(pair.meter, { address: serverAddress({ logical: 0, physical: 1, size: 1 }) });
    const device = configured(RIGHT).find((d) => d.device_alias === 'ln')!;
    const driver = createDriver(device);
    if (!(driver instanceof DlmsDriver)) throw new Error('not the DLMS driver');
    const lines: string[] = [];
    const ctx: DriverContext = { link: pair.client, clock, log: (level, m) => level === 2 && lines.push(m), signal: new AbortController().signal };
    await clock.run(async () => {
      for (let session = 0; session < 2; session++) {
        await driver.connect(ctx);
        const readings = await driver.read([SIGNAL('ln', false), { ...SIGNAL('ln', false), signal_alias: 'u1', address: '1.0.32.7.0.255' }], ctx);
        expect(readings.map((r) => r.quality)).toEqual(['good', 'good']);
        await driver.disconnect();
        expect(driver.linkKnowledge.nrNeverAdvances).toBe(true);
      }
    });
    expect(lines.filter((m) => /N\(R\)/.test(m))).toHaveLength(1);
  });
});
