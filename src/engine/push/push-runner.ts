/**
 * The runner of a DLMS device in mode PUSH (issue 14): beside DeviceRunner, not inside it, because a
 * pushing meter is never asked anything. It holds the port open, feeds every byte to a PushListener,
 * turns each push into Readings (committed by the Publisher before anyone sees them), counts bad frames
 * by reason and missing pushes, keeps the last accepted invocation counter in the same store the DLMS
 * drivers use (a replay across restarts is refused), and reopens the port when it is lost.
 */
import type { DlmsDeviceConfig } from '../../config/types';
import type { Clock } from '../../core/clock';
import { MeterError, toMeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { Logger, SessionLog } from '../../core/logger';
import type { Reading } from '../../core/reading';
import type { InvocationCounterStore } from '../../protocols/dlms-client/invocation-counter';
import { PushCounterKeeper } from './push-counter';
import { PushListener, type PushEvent, type PushLinkLayer } from '../../protocols/push';
import type { DriverSignal } from '../driver';
import type { LinkHolder, LinkPool } from '../link-pool';
import { raceAbort } from '../port-lock';
import type { Publisher } from '../publisher';
import { badReading, isLogged } from '../signals';
import type { StatusBoard, StatusExtra } from '../status-board';
import type { DeviceState, EngineEvent } from '../types';
import { pushReadings } from './push-readings';
import { PushWatch, describeStats } from './push-stats';

/** How long a single read ("Read now", CLI --once) waits for a push when no interval is configured. */
export const ONCE_WAIT_DEFAULT_MS = 30_000;
/** Longest single wait on the link: a stop or a due missing-push check is never later than this. */
const MAX_READ_WAIT_MS = 5_000;

export interface PushRunnerDeps {
  device: DlmsDeviceConfig;
  signals: DriverSignal[];
  key: string;
  port: string;
  clock: Clock;
  logger?: Logger;
  pool: LinkPool;
  publisher: Publisher;
  board: StatusBoard;
  emit: (e: EngineEvent) => void;
  /** Where the last accepted invocation counter persists (IndexedDB, the CLI's state file); default memory. */
  counterStore?: InvocationCounterStore;
}

interface Waiter {
  resolve: (readings: Reading[]) => void;
  reject: (e: unknown) => void;
}

export function isPushDevice(device: { protocol: string; mode?: string }): boolean {
  return device.protocol === 'DLMS' && device.mode === 'PUSH';
}

export class PushRunner implements LinkHolder {
  readonly alias: string;
  private readonly log: SessionLog;
  private readonly logged: ReadonlySet<string>;
  private readonly watch: PushWatch;
  private link?: Link;
  private listener?: PushListener;
  private readonly counter: PushCounterKeeper;
  private lostReason?: string;
  private readAbort?: AbortController;
  private waiters: Waiter[] = [];
  /** The reason of the last bad frame since the last good push: one event-log entry per change, not one per frame. */
  private lastBadReason?: string;
  private silenceLogged = false;
  /**
   * Bytes came since the last flush, so the next silence ends what they began: a raw APDU has no end
   * mark, and segments carry no message number, so a push cut by a lost segment must not be joined to the
   * next push's segments (a well-formed list of wrong values).
   */
  private pendingBytes = false;

  constructor(private readonly d: PushRunnerDeps) {
    this.alias = d.device.device_alias;
    this.log = d.logger ? d.logger.forPort(d.port) : () => undefined;
    this.logged = new Set(d.signals.filter(isLogged).map((s) => s.signal_alias));
    this.watch = new PushWatch(d.device.push_interval_ms);
    this.counter = new PushCounterKeeper(`push:${d.device.system_title ?? this.alias}`, this.log, d.counterStore);
  }

  get stats() {
    return this.watch.stats;
  }

  onLinkLost(reason: string): void {
    this.link = undefined;
    this.lostReason = reason;
    this.readAbort?.abort(new MeterError('PORT_LOST', reason));
  }

  /** Listen until `stop` aborts, reopening the port whenever it is lost. Never rejects. */
  async run(stop: AbortSignal): Promise<void> {
    try {
      await this.counter.load();
      let reconnecting = 0;
      for (;;) {
        if (this.lostReason !== undefined) {
          await this.linkLost(new MeterError('PORT_LOST', this.lostReason));
          reconnecting = 1;
        }
        if (!this.link) {
          if (reconnecting > 0) await this.pause(this.d.device.reconnect_time, stop);
          try {
            await this.open(stop, reconnecting);
          } catch (e) {
            const err = toMeterError(e);
            if (stop.aborted) throw new MeterError('CANCELLED');
            this.lostReason = undefined;
            this.setState('link-lost', { attempt: Math.max(1, reconnecting), error: err.code, detail: `opening the port failed: ${err.message}` });
            reconnecting++;
            continue;
          }
          if (reconnecting > 0) {
            await this.d.publisher.event(
              { ts: this.d.clock.wallTime(), device_alias: this.alias, kind: 'reconnected', message: `${this.alias}: listening again (attempt ${reconnecting})` },
              this.d.port,
            );
          }
          reconnecting = 0;
        }
        await this.step(stop);
      }
    } catch (e) {
      const err = toMeterError(e);
      if (err.code !== 'CANCELLED') this.log(1, `${this.alias}: push runner failed: ${err.message}`);
    } finally {
      await this.shutdown();
    }
  }

  /**
   * A single read (CLI --once, "Read now" while not listening): listen until a push brings readings,
   * at most 3 push intervals (or ONCE_WAIT_DEFAULT_MS). A silent meter gives bad NO_ANSWER readings.
   */
  async once(stop: AbortSignal): Promise<Reading[]> {
    await this.counter.load();
    const interval = this.d.device.push_interval_ms;
    const waitMs = interval !== undefined ? Math.max(3 * interval, this.d.device.timeout_ms) : ONCE_WAIT_DEFAULT_MS;
    const deadline = this.d.clock.now() + waitMs;
    const got = new Promise<Reading[]>((resolve, reject) => this.waiters.push({ resolve, reject }));
    got.catch(() => undefined);
    try {
      await this.open(stop, 0);
      while (this.waiters.length > 0 && this.d.clock.now() < deadline) {
        if (this.lostReason !== undefined) throw new MeterError('PORT_LOST', this.lostReason);
        await this.step(stop, deadline);
      }
      if (this.waiters.length === 0) return await got;
      const error = new MeterError('NO_ANSWER', `No push came within ${Math.round(waitMs / 1000)} s.`);
      return await this.failedOnce(error);
    } catch (e) {
      const err = toMeterError(e);
      if (err.code === 'CANCELLED') {
        this.setState('stopped');
        throw err;
      }
      return await this.failedOnce(err);
    }
  }

  /** While listening: resolve with the readings of the next push. */
  readNow(): Promise<Reading[]> {
    return new Promise<Reading[]>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async dropLink(): Promise<void> {
    this.link = undefined;
    await this.d.pool.release(this.d.key, this);
  }

  private async open(stop: AbortSignal, attempt: number): Promise<void> {
    this.setState('connecting', attempt > 0 ? { attempt, detail: `reopening the port (attempt ${attempt})` } : {});
    this.lostReason = undefined;
    this.link = await this.d.pool.acquire(this.d.key, this.d.device, this, stop);
    // A fresh listener per opening: half a frame from the old line must not be glued to the new one.
    this.listener = new PushListener(this.listenerOptions());
    this.watch.started(this.d.clock.now());
    this.silenceLogged = false;
    this.setState('ok', { detail: `listening; ${describeStats(this.watch.stats)}` });
    this.log(3, `${this.alias}: listening for pushes (${this.d.device.push_link_layer ?? 'auto'} link layer)`);
  }

  private listenerOptions(): ConstructorParameters<typeof PushListener>[0] {
    const d = this.d.device;
    const opts: NonNullable<ConstructorParameters<typeof PushListener>[0]> = { linkLayer: (d.push_link_layer ?? 'auto') as PushLinkLayer };
    if (d.block_cipher_key) opts.blockCipherKey = hexBytes(d.block_cipher_key);
    if (d.authentication_key) opts.authenticationKey = hexBytes(d.authentication_key);
    if (d.system_title) opts.systemTitle = hexBytes(d.system_title);
    const last = this.listener?.lastInvocationCounter ?? this.counter.last;
    if (last !== undefined) opts.lastInvocationCounter = last;
    return opts;
  }

  /** One wait on the link and what came of it: pushes, bad frames, a flush on silence, missing pushes. */
  private async step(stop: AbortSignal, deadline?: number): Promise<void> {
    const link = this.link;
    const listener = this.listener;
    if (!link || !listener) return;
    const now = this.d.clock.now();
    let wait = MAX_READ_WAIT_MS;
    const check = this.watch.nextCheckAt;
    if (check !== undefined) wait = Math.min(wait, Math.max(1, check - now));
    if (deadline !== undefined) wait = Math.min(wait, Math.max(1, deadline - now));
    if (this.pendingBytes) wait = Math.min(wait, this.silenceMs(link, listener));

    const ac = new AbortController();
    const onStop = () => ac.abort(new MeterError('CANCELLED'));
    stop.addEventListener('abort', onStop, { once: true });
    this.readAbort = ac;
    let chunk: Uint8Array;
    try {
      chunk = await raceAbort(link.read(wait), ac.signal);
    } catch (e) {
      const err = toMeterError(e);
      if (stop.aborted) throw new MeterError('CANCELLED');
      if (this.lostReason === undefined) {
        // The link says it is gone (closed under us without onLost): tell the pool, which tells us.
        this.d.pool.reportLost(this.d.key, link, err.message);
        this.lostReason ??= err.message;
      }
      return;
    } finally {
      stop.removeEventListener('abort', onStop);
      this.readAbort = undefined;
    }

    const receivedAt = this.d.clock.wallTime();
    let events: PushEvent[];
    if (chunk.length > 0) {
      this.pendingBytes = true;
      events = await listener.feed(chunk);
    } else if (this.pendingBytes) {
      // The line going quiet ends a raw APDU, and drops the half of a segmented push whose rest was lost.
      this.pendingBytes = false;
      events = await listener.flush();
    } else {
      events = [];
    }
    for (const ev of events) await this.handle(ev, receivedAt);
    await this.checkMissing();
  }

  /**
   * The silence that ends what the bytes began. A raw APDU has no end mark: twenty character times (at
   * least 50 ms, since USB adapters and the browser deliver in bursts with gaps of their own). A framed push
   * is only cut short by a lost segment, and a meter sends one push's segments back to back and pushes at
   * most once a second: fifty character times, at least 250 ms, so a delivery gap never ends a frame that
   * is still arriving (a flush then skips its start as noise and the whole push is lost).
   */
  private silenceMs(link: Link, listener: PushListener): number {
    const bits = 1 + link.line.dataBits + (link.line.parity === 'none' ? 0 : 1) + link.line.stopBits;
    const charMs = (bits * 1000) / link.line.baudRate;
    return listener.detectedLinkLayer === 'raw' ? Math.max(50, Math.ceil(20 * charMs)) : Math.max(250, Math.ceil(50 * charMs));
  }

  private async handle(ev: PushEvent, receivedAt: number): Promise<void> {
    const now = this.d.clock.now();
    if (ev.kind === 'bad') {
      this.watch.bad(ev.reason, now);
      const message = `${this.alias}: push refused (${ev.reason}, ${ev.bytes} bytes): ${ev.error.message}`;
      this.log(2, message);
      this.setState('ok', { error: ev.error.code, detail: `listening; ${describeStats(this.watch.stats)}; last frame refused: ${ev.error.message}` });
      if (this.lastBadReason !== ev.reason) {
        this.lastBadReason = ev.reason;
        await this.d.publisher.event({ ts: receivedAt, device_alias: this.alias, kind: 'error', message }, this.d.port);
      }
      this.emitStats();
      return;
    }
    if (ev.invocationCounter !== undefined && !(await this.counter.keep(ev.invocationCounter))) {
      this.watch.bad('counter', now);
      this.emitStats();
      return;
    }
    const ts = ev.time ?? receivedAt;
    this.watch.push(now, ts);
    this.lastBadReason = undefined;
    this.silenceLogged = false;
    const readings = pushReadings(ev.values, {
      device_alias: this.alias,
      signals: this.d.signals,
      allValues: this.d.device.push_all_values === 1,
      ts,
    });
    this.log(
      4,
      `${this.alias}: push${ev.listId ? ` ${ev.listId}` : ''}${ev.invocationCounter !== undefined ? ` #${ev.invocationCounter}` : ''}: ${ev.values.length} value(s), ${readings.length} reading(s)`,
    );
    this.d.board.note(this.alias, { lastOkTs: receivedAt });
    this.setState('ok', { detail: `listening; ${describeStats(this.watch.stats)}` });
    if (readings.length > 0) {
      await this.d.publisher.readings(this.alias, this.d.port, readings, this.logged);
      this.settle(readings);
    }
    this.emitStats();
  }

  private async checkMissing(): Promise<void> {
    const added = this.watch.check(this.d.clock.now());
    if (added === 0) return;
    const s = this.watch.stats;
    const message = `${this.alias}: no push for ${3 * (s.intervalMs ?? 0) / 1000} s (${s.missing} missing)`;
    this.log(2, message);
    this.setState('ok', { error: 'NO_ANSWER', detail: `listening; ${describeStats(s)}; the meter is silent` });
    if (!this.silenceLogged) {
      this.silenceLogged = true;
      await this.d.publisher.event({ ts: this.d.clock.wallTime(), device_alias: this.alias, kind: 'error', message }, this.d.port);
    }
    this.emitStats();
  }

  private emitStats(): void {
    this.d.emit({ type: 'push', device_alias: this.alias, stats: structuredCloneStats(this.watch.stats) });
  }

  private async linkLost(error: MeterError): Promise<void> {
    this.lostReason = undefined;
    this.settleError(error);
    await this.dropLink();
    this.setState('link-lost', { error: error.code, detail: error.message });
    await this.d.publisher.event(
      { ts: this.d.clock.wallTime(), device_alias: this.alias, kind: 'link-lost', message: `${this.alias}: link lost: ${error.message}` },
      this.d.port,
    );
  }

  private async failedOnce(error: MeterError): Promise<Reading[]> {
    const ts = this.d.clock.wallTime();
    this.setState('link-lost', { error: error.code, detail: error.message });
    await this.d.publisher.event({ ts, device_alias: this.alias, kind: 'error', message: `${this.alias}: read failed: ${error.message}` }, this.d.port);
    const readings = this.d.signals.map((s) => badReading(s, ts, error.code));
    if (readings.length > 0) await this.d.publisher.readings(this.alias, this.d.port, readings, this.logged);
    this.settleError(error);
    return readings;
  }

  private settle(readings: Reading[]): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(readings);
  }

  private settleError(error: MeterError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  private pause(ms: number, stop: AbortSignal): Promise<void> {
    if (stop.aborted) return Promise.reject(new MeterError('CANCELLED'));
    return this.d.clock.sleep(Math.max(0, ms), stop);
  }

  private async shutdown(): Promise<void> {
    this.settleError(new MeterError('CANCELLED'));
    try {
      await this.dropLink();
    } finally {
      this.setState('stopped');
    }
  }

  private setState(state: DeviceState, extra: StatusExtra = {}): void {
    this.d.board.set(this.alias, state, extra);
  }
}

function structuredCloneStats(s: PushRunner['stats']): PushRunner['stats'] {
  return { ...s, bad: { ...s.bad } };
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
