/**
 * Test doubles for the engine tests (not shipped: only *.test.ts files import it). Scripted drivers
 * whose exchanges take virtual time on a memory link, so an unplug or a stop lands mid-read for real.
 */
import type { CommonDeviceConfig, DeviceConfig, IecDeviceConfig, MeterConfig, SignalConfig } from '../config/types';
import { MeterError, type ErrorCode } from '../core/errors';
import { createSerialPair, type SerialPair } from '../core/memory-link';
import type { Reading, ReadingValue } from '../core/reading';
import type { VirtualClock } from '../core/virtual-clock';
import type { DeviceDriver, DriverContext, DriverSignal } from './driver';
import type { EngineEvent } from './types';

/** The fields every device has, with the documented defaults and a serial port of its own. */
export function commonDevice(alias: string): CommonDeviceConfig {
  return {
    name: alias,
    description: '',
    device_alias: alias,
    enable: 1,
    timeout_ms: 2500,
    scan_rate_ms: 10_000,
    retry_counter: 3,
    reconnect_time: 1000,
    transport: 'serial',
    device: `PORT-${alias}`,
    baudrate: 300,
    databits: 7,
    stopbits: 1,
    parity: 'even',
    flowcontrol: 'none',
    dtr: 1,
    rts: 1,
    echo: 'auto',
  };
}

export function iecDevice(alias: string, over: Partial<IecDeviceConfig> = {}): IecDeviceConfig {
  return {
    ...commonDevice(alias),
    protocol: 'IEC 62056-21',
    serialnumber: '',
    type: 'C',
    poll_delay_ms: 200,
    t2: 300,
    serial_close_delay: 400,
    meter_model: 1,
    ...over,
  };
}

export function iecSignal(device_alias: string, signal_alias: string, over: Partial<SignalConfig> = {}): SignalConfig {
  return {
    protocol: 'IEC 62056-21',
    signal_name: signal_alias,
    device_alias,
    signal_alias,
    enable: 1,
    log: 0,
    tag_job_todo: `1.8.${signal_alias.length}`,
    number_type: 'FLOAT',
    ...over,
  } as SignalConfig;
}

export function configOf(devices: DeviceConfig[], signals: SignalConfig[]): MeterConfig {
  return { devices, signals };
}

export interface Call {
  device_alias: string;
  op: 'connect' | 'read' | 'disconnect';
  start: number;
  end?: number;
  outcome?: string;
}

export type ReadOutcome = 'ok' | ErrorCode;

export interface Script {
  /** How long a read occupies the line (it waits on the link, so unplug and abort reach it). */
  readMs?: number;
  connectMs?: number;
  /** Outcome of the n-th read of this device (1-based, counted across driver instances). */
  outcome?: (n: number, device_alias: string) => ReadOutcome;
  value?: (signal: DriverSignal, n: number) => ReadingValue;
  /** Like the DLMS driver: keep the context given to connect() and read through it later. */
  captureContext?: boolean;
  /** Per-signal bad readings (not a failed exchange). */
  badSignal?: (signal: DriverSignal) => ErrorCode | undefined;
}

/** Records every driver call with virtual timestamps. */
export class FakeMeters {
  readonly calls: Call[] = [];
  readonly opened: { device_alias: string; at: number; pair: SerialPair }[] = [];
  readonly drivers: Record<string, number> = {};
  private reads: Record<string, number> = {};

  constructor(
    private readonly clock: VirtualClock,
    private readonly script: Script = {},
  ) {}

  openLink = async (device: DeviceConfig) => {
    // A stream wire: writes take no line time, so the scripted timings below are exact.
    const pair = createSerialPair(this.clock, { kind: 'stream' });
    this.opened.push({ device_alias: device.device_alias, at: this.clock.now(), pair });
    return pair.client;
  };

  lastPair(alias?: string): SerialPair {
    const list = alias ? this.opened.filter((o) => o.device_alias === alias) : this.opened;
    const last = list[list.length - 1];
    if (!last) throw new Error('no link opened');
    return last.pair;
  }

  createDriver = (device: DeviceConfig): DeviceDriver => {
    const alias = device.device_alias;
    this.drivers[alias] = (this.drivers[alias] ?? 0) + 1;
    const s = this.script;
    let captured: DriverContext | undefined;
    const track = async <T>(op: Call['op'], body: () => Promise<T>): Promise<T> => {
      const call: Call = { device_alias: alias, op, start: this.clock.now() };
      this.calls.push(call);
      try {
        const out = await body();
        call.outcome = 'ok';
        return out;
      } catch (e) {
        call.outcome = e instanceof MeterError ? e.code : 'error';
        throw e;
      } finally {
        call.end = this.clock.now();
      }
    };
    return {
      connect: (ctx) =>
        track('connect', async () => {
          if (s.captureContext) captured = ctx;
          ctx.onPhase?.('signing-on');
          if (s.connectMs) await ctx.link.read(s.connectMs);
        }),
      read: (signals, given) =>
        track('read', async () => {
          const ctx = s.captureContext && captured ? captured : given;
          const n = (this.reads[alias] = (this.reads[alias] ?? 0) + 1);
          await ctx.link.write(new Uint8Array([0x06]));
          // Nothing answers on the memory wire: the read waits its full time, like a slow readout.
          await ctx.link.read(s.readMs ?? 100);
          const outcome = s.outcome?.(n, alias) ?? 'ok';
          if (outcome !== 'ok') throw new MeterError(outcome, `scripted failure of read ${n}`);
          ctx.onProgress?.(signals.length, signals.length);
          return signals.map((sig): Reading => {
            const bad = s.badSignal?.(sig);
            const ts = this.clock.wallTime();
            if (bad) return { ts, device_alias: alias, signal_alias: sig.signal_alias, value: null, quality: 'bad', error: bad };
            return { ts, device_alias: alias, signal_alias: sig.signal_alias, value: s.value?.(sig, n) ?? n, quality: 'good', unit: 'kWh' };
          });
        }),
      disconnect: (ctx) =>
        track('disconnect', async () => {
          await ctx.link.write(new Uint8Array([0x01, 0x42, 0x30, 0x03]));
        }),
    };
  };

  of(alias: string, op: Call['op']): Call[] {
    return this.calls.filter((c) => c.device_alias === alias && c.op === op);
  }
}

/** Events with the virtual time they were emitted at. */
export class EventLog {
  readonly items: { t: number; e: EngineEvent }[] = [];
  constructor(private readonly clock: VirtualClock) {}
  onEvent = (e: EngineEvent) => {
    this.items.push({ t: this.clock.now(), e });
  };
  statuses(alias?: string) {
    return this.items.flatMap(({ t, e }) =>
      e.type === 'status' && (alias === undefined || e.device_alias === alias) ? [{ t, state: e.state, attempt: e.attempt, error: e.error }] : [],
    );
  }
  logEvents(kind?: string) {
    return this.items.flatMap(({ t, e }) => (e.type === 'event' && (kind === undefined || e.event.kind === kind) ? [{ t, ...e.event }] : []));
  }
  ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.items.flatMap(({ e }) => (e.type === type ? [e as Extract<EngineEvent, { type: T }>] : []));
  }
}
