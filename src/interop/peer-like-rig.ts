import { validateConfig } from '../config';
import { LINE_9600_8N1 } from '../core/link';
import { createSerialPair } from '../core/memory-link';
import type { Reading } from '../core/reading';
import { VirtualClock } from '../core/virtual-clock';
import type { DriverContext, DriverSignal } from '../engine/driver';
import { DlmsDriver, dlmsProfileFromConfig } from '../engine/drivers/dlms';
import type { DlmsData } from '../protocols/dlms/axdr/types';
import { serverAddress } from '../protocols/hdlc/address';
import { SimDlmsMeter, type SimAssociationQuirks } from '../sim/dlms/server';
import { peerRecording } from './fixtures';
import { PEER_LIKE_CONFORMANCE, PEER_READ, createPeerLikeModel } from './peer-like-model';
import { decodeRecordedSession } from './session-decode';

/**
 * Sessions of our DLMS driver against our simulator set up like the recorded Gurux server
 * (peer-like-model.ts), configured as a WCC Lite user would (physical 1, logical 0, client 16, no
 * authentication), under virtual time. One driver serves every session, so a later session starts
 * with what the first learnt (classes, scalers), as the engine's driver does between polls.
 */

export interface PeerLikeSession {
  readings: Reading[];
  /** Bytes both ways on the line. */
  bytes: number;
  /** Client frames (HDLC) or APDUs (wrapper): each is answered once. */
  trips: number;
  virtualMs: number;
}

export async function recordedAssociationView(): Promise<DlmsData> {
  const view = (await decodeRecordedSession(peerRecording('ln-hdlc-low'))).find((m) => m.data?.type === 'array' && m.data.items.length > 40)?.data;
  if (!view) throw new Error('no association view in ln-hdlc-low.txt');
  return view;
}

export async function readPeerLike(
  sessions: number,
  opts: {
    link?: 'hdlc' | 'wrapper';
    onBeforeSend?: (frame: Uint8Array) => Uint8Array | null;
    /** More obis_jobs to read after PEER_READ, as signals s8, s9, … */
    extra?: string[];
    /** Association-level quirks of the simulated server (e.g. duplicateLastBlock, as recorded). */
    quirks?: SimAssociationQuirks;
  } = {},
): Promise<PeerLikeSession[]> {
  const view = await recordedAssociationView();
  const wrapper = opts.link === 'wrapper';
  const checked = validateConfig({
    devices: [
      {
        name: 'Gurux-like',
        device_alias: 'gx',
        protocol: 'DLMS',
        type: 'LN',
        auth: 'None',
        client_address: 16,
        physical_address: 1,
        logical_address: 0,
        ...(wrapper ? { mode: 'DLMS-WRAPPER', ip: '127.0.0.1', port: 4063 } : { mode: 'DLMS-HDLC', device: 'PORT1', baudrate: 9600, databits: 8, parity: 'none', stopbits: 1 }),
      },
    ],
    signals: [...PEER_READ.map((p) => ({ note: p.note, obis: p.obis as string })), ...(opts.extra ?? []).map((obis) => ({ note: obis, obis }))].map((p, i) => ({
      signal_name: p.note,
      device_alias: 'gx',
      signal_alias: `s${i}`,
      obis_job: p.obis,
    })),
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const device = checked.config.devices[0];
  if (device.protocol !== 'DLMS') throw new Error('not a DLMS device');
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 19, 58));
  const model = createPeerLikeModel(view, () => clock.wallTime());
  const driver = new DlmsDriver(dlmsProfileFromConfig(device), 'gx');
  const signals: DriverSignal[] = checked.config.signals.map((s) => ({
    signal_alias: s.signal_alias,
    device_alias: s.device_alias,
    address: 'obis_job' in s ? String(s.obis_job) : '',
    config: { ...s },
  }));
  const out: PeerLikeSession[] = [];
  for (let i = 0; i < sessions; i++) {
    const pair = wrapper ? createSerialPair(clock, { kind: 'stream', latencyMs: 0 }) : createSerialPair(clock, { line: LINE_9600_8N1 });
    const meter = new SimDlmsMeter(clock, { referencing: 'LN', model, maxPdu: 512, conformance: PEER_LIKE_CONFORMANCE, hdlc: { answerFromAddressSize: 1 }, ...(opts.quirks ? { quirks: opts.quirks } : {}) });
    const stop = new AbortController();
    if (wrapper) meter.serveWrapper(pair.meter, opts.onBeforeSend ? { onBeforeSend: opts.onBeforeSend } : {}, stop.signal);
    else meter.serveHdlc(pair.meter, { address: serverAddress({ logical: 0, physical: 1, size: 1 }), supported: { maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 } }, stop.signal);
    const ctx: DriverContext = { link: pair.client, clock, log: (process.env.DBG ? (l: number, m: string) => console.log('LOG', l, m) : () => undefined) as DriverContext['log'], signal: new AbortController().signal };
    const started = clock.now();
    const readings = await clock.run(async () => {
      await driver.connect(ctx);
      const r = await driver.read(signals, ctx);
      await driver.disconnect();
      return r;
    });
    stop.abort();
    out.push({ readings, bytes: pair.client.stats.bytesOut + pair.meter.stats.bytesOut, trips: pair.client.stats.writes, virtualMs: clock.now() - started });
  }
  return out;
}
