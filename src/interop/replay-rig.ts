import { validateConfig } from '../config';
import type { DeviceConfig, MeterConfig } from '../config/types';
import { LINE_300_7E1, LINE_9600_8N1 } from '../core/link';
import { createSerialPair, type SerialPair } from '../core/memory-link';
import type { Reading } from '../core/reading';
import { VirtualClock } from '../core/virtual-clock';
import { Engine } from '../engine/engine';
import { createDriverFactory } from '../engine/drivers';
import { dlmsProfileFromConfig } from '../engine/drivers/dlms';
import type { EngineEvent } from '../engine/types';
import { MemoryInvocationCounterStore } from '../protocols/dlms-client/invocation-counter';
import { baudFromChar } from '../protocols/iec62056-21/baud';
import { decodeIdentification } from '../protocols/iec62056-21/messages';
import { PEER_SECURITY, peerRecording, type PeerSession } from './fixtures';
import { ReplayPeer } from './replay-peer';
import { buildReplayScript } from './replay-script';

/**
 * One whole session of our engine against the replay peer, under virtual time: a WCC Lite
 * configuration (one device, its signals) read once through the real driver, then stopped (release,
 * DISC). Test and bench support (Node: it reads the fixtures from disk).
 */

export const PEER_KEYS = { blockCipherKey: PEER_SECURITY.blockCipherKey, authenticationKey: PEER_SECURITY.authenticationKey };

/** The recordings of the one server, the session's own first: later ones fill its gaps. */
const SAME_SERVER: PeerSession[] = ['ln-hdlc-low', 'ln-hdlc-none', 'ln-wrapper-high-short-secret', 'ln-wrapper-highgmac'];

export interface ReplayRun {
  readings: Reading[];
  events: EngineEvent[];
  peer: ReplayPeer;
  pair: SerialPair;
  /** Virtual milliseconds from the first byte to the end of the session. */
  elapsedMs: number;
}

export async function runAgainstPeer(
  primary: PeerSession,
  device: Record<string, unknown>,
  signals: Record<string, unknown>[],
  opts: { modeE?: boolean; counterHistory?: boolean; onBeforeSend?: (frame: Uint8Array, n: number) => Uint8Array | null } = {},
): Promise<ReplayRun> {
  const order = [primary, ...SAME_SERVER.filter((s) => s !== primary)];
  const script = await buildReplayScript(
    order.map((name) => ({ name, recording: peerRecording(name) })),
    { keys: PEER_KEYS, clientSystemTitle: PEER_SECURITY.clientSystemTitle },
  );
  const peer = new ReplayPeer({
    script,
    keys: PEER_KEYS,
    lowPassword: PEER_SECURITY.lowPassword,
    highSecret: PEER_SECURITY.highSecret,
    ...(opts.onBeforeSend ? { onBeforeSend: opts.onBeforeSend } : {}),
  });
  const checked = validateConfig({ devices: [device], signals } satisfies { devices: unknown[]; signals: unknown[] });
  if (!checked.ok) throw new Error(`configuration refused: ${JSON.stringify(checked.errors)}`);
  const config: MeterConfig = checked.config;
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 19, 58));
  const wrapper = device.mode === 'DLMS-WRAPPER';
  const pair = wrapper ? createSerialPair(clock, { kind: 'stream', latencyMs: 1 }) : createSerialPair(clock, { line: opts.modeE ? LINE_300_7E1 : LINE_9600_8N1 });
  if (wrapper) void peer.serveWrapper(pair.meter);
  else if (opts.modeE) {
    // The recorded identification (no \2 marker); its baud character says the HDLC rate.
    const identification = peerRecording('mode-e-handshake').messages[1].bytes;
    void peer.serveModeE(pair.meter, { identification, baudRate: baudFromChar(decodeIdentification(identification).baudChar) });
  }
  else void peer.serveHdlc(pair.meter);
  const counterStore = new MemoryInvocationCounterStore();
  const dlms = config.devices[0];
  if (opts.counterHistory && dlms.protocol === 'DLMS') {
    // This client has talked to the meter before: its last frame counter is on file, so a meter that
    // will not tell its counter to the public client can still be read.
    await counterStore.set(dlmsProfileFromConfig(dlms).meterKey, dlms.client_address, 0x7d0);
  }
  const events: EngineEvent[] = [];
  const engine = new Engine({
    config,
    clock,
    openLink: async (_d: DeviceConfig) => pair.client,
    createDriver: createDriverFactory({ counterStore }),
    onEvent: (e) => events.push(e),
  });
  const started = clock.now();
  const readings = await clock.run(() => engine.readOnce());
  await clock.run(() => engine.stop());
  return { readings, events, peer, pair, elapsedMs: clock.now() - started };
}

/** The device part every replay configuration shares: what a WCC Lite user writes for this meter. */
export function wccDevice(over: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'Gurux example server',
    device_alias: 'gx',
    protocol: 'DLMS',
    device: 'PORT1',
    baudrate: 9600,
    databits: 8,
    parity: 'none',
    stopbits: 1,
    type: 'LN',
    mode: 'DLMS-HDLC',
    physical_address: 1,
    logical_address: 0,
    timeout_ms: 2000,
    ...over,
  };
}

export function wccSignal(alias: string, obis: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { signal_name: alias, device_alias: 'gx', signal_alias: alias, obis_job: obis, ...over };
}
