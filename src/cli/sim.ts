/**
 * `meterscope sim`: the simulated meters on loopback TCP, so the CLI, the bridge and the app can be
 * tried without a meter (examples/sim.json reads them). Every accepted connection gets a meter of its
 * own, running in real time on that connection until it closes.
 */
import type { Clock } from '../core/clock';
import { toMeterError } from '../core/errors';
import type { Link } from '../core/link';
import type { Logger, SessionLog } from '../core/logger';
import { realClock } from '../core/real-clock';
import { serverAddress, type HdlcAddress } from '../protocols/hdlc/address';
import { createDemoDlmsModel } from '../sim/dlms/model';
import { SimDlmsMeter } from '../sim/dlms/server';
import { landisLikeModeC } from '../sim/iec/profiles';
import { VirtualIecMeter } from '../sim/iec/virtual-meter';
import { serveTcp, type TcpServerHandle } from '../transports/node/tcp-link';
import { servePushMeter } from './sim-push';

export type SimKind = 'dlms-wrapper' | 'dlms-hdlc' | 'iec' | 'iec-mode-e' | 'dlms-push';

/** Ports relative to --base-port: 4059, 4061, 4062, 4063 by default, as in examples/sim.json. */
export const SIM_PORT_OFFSETS: Record<SimKind, number> = { 'dlms-wrapper': 0, 'dlms-hdlc': 2, iec: 3, 'iec-mode-e': 4, 'dlms-push': 5 };

/** What a client must configure to reach each simulator (DLMS server addresses, wrapper wPort). */
export const SIM_DESCRIPTIONS: Record<SimKind, string> = {
  'dlms-wrapper': 'DLMS/COSEM LN over the IP wrapper (client 0x10, logical device 1)',
  'dlms-hdlc': 'DLMS/COSEM LN over HDLC (client 0x10, logical 1, physical 16, address size 2)',
  iec: 'IEC 62056-21 mode C readout (address 45678903 or /?!)',
  'iec-mode-e': 'IEC 62056-21 mode E sign-on, then DLMS/COSEM LN over HDLC (logical 1, physical 16, size 2)',
  'dlms-push': 'DLMS/COSEM push (HAN): a Kamstrup-like list over HDLC every 2 s, ciphered with the key of examples/han-push.json',
};

/** The HDLC address both HDLC simulators answer to. */
export const SIM_HDLC_ADDRESS: HdlcAddress = serverAddress({ logical: 1, physical: 16, size: 2 });

export interface SimEndpoint {
  kind: SimKind;
  host: string;
  port: number;
  description: string;
}

export interface SimOptions {
  host: string;
  basePort: number;
  /** Per-simulator port overrides (0 = any free port; tests use that). */
  ports?: Partial<Record<SimKind, number>>;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningSims {
  endpoints: SimEndpoint[];
  /** Connections accepted so far, per simulator. */
  connections: Record<SimKind, number>;
  close(): Promise<void>;
}

/** One meter for one connection; resolves when the connection is done. */
function serveMeter(kind: SimKind, link: Link, clock: Clock, signal: AbortSignal, log?: SessionLog): Promise<void> {
  const dlms = () => new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel(), ...(log ? { log } : {}) });
  switch (kind) {
    case 'dlms-wrapper':
      return dlms().serveWrapper(link, {}, signal).done;
    case 'dlms-hdlc':
      return dlms().serveHdlc(link, { address: SIM_HDLC_ADDRESS }, signal).done;
    case 'iec':
      return new VirtualIecMeter(landisLikeModeC()).serve(link, clock, signal);
    case 'iec-mode-e': {
      const meter = dlms();
      return new VirtualIecMeter({
        ...landisLikeModeC(),
        onModeE: async (l, _clock, s) => {
          await meter.serveHdlc(l, { address: SIM_HDLC_ADDRESS }, s).done;
        },
      }).serve(link, clock, signal);
    }
    case 'dlms-push':
      return servePushMeter(link, clock, signal);
  }
}

export async function startSims(opts: SimOptions): Promise<RunningSims> {
  const clock = opts.clock ?? realClock;
  const life = new AbortController();
  const handles: { kind: SimKind; handle: TcpServerHandle }[] = [];
  const connections: Record<SimKind, number> = { 'dlms-wrapper': 0, 'dlms-hdlc': 0, iec: 0, 'iec-mode-e': 0, 'dlms-push': 0 };
  const running = new Set<Promise<void>>();
  try {
    for (const kind of Object.keys(SIM_PORT_OFFSETS) as SimKind[]) {
      // Base port 0: every simulator on a free port of its own (tests).
      const port = opts.ports?.[kind] ?? (opts.basePort === 0 ? 0 : opts.basePort + SIM_PORT_OFFSETS[kind]);
      const handle = await serveTcp(port, opts.host, (link, peer) => {
        connections[kind]++;
        const tag = `sim:${kind}`;
        const log = opts.logger?.forPort(tag);
        log?.(3, `connection from ${peer}`);
        const served = serveMeter(kind, link, clock, life.signal, log)
          .catch((e: unknown) => {
            const err = toMeterError(e);
            if (err.code !== 'PORT_LOST' && err.code !== 'CANCELLED') log?.(1, `${kind}: ${err.message}`);
          })
          .finally(() => {
            running.delete(served);
            log?.(3, `connection from ${peer} ended`);
            void link.close();
          });
        running.add(served);
      });
      handles.push({ kind, handle });
    }
  } catch (e) {
    await Promise.all(handles.map((h) => h.handle.close()));
    throw e;
  }
  return {
    endpoints: handles.map(({ kind, handle }) => ({ kind, host: handle.host, port: handle.port, description: SIM_DESCRIPTIONS[kind] })),
    connections,
    close: async () => {
      life.abort();
      await Promise.all(handles.map((h) => h.handle.close()));
      await Promise.allSettled([...running]);
    },
  };
}

export function describeEndpoints(endpoints: readonly SimEndpoint[]): string {
  return endpoints.map((e) => `  ${`${e.host}:${e.port}`.padEnd(21)} ${e.description}\n`).join('');
}
