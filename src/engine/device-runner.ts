/**
 * One device's dialogue with its meter: poll at scan_rate_ms (start to start), retry failed exchanges,
 * declare the link lost after retry_counter failures in a row, reconnect every reconnect_time.
 *
 * An exchange is: take the port's turn (PortLock), open the link if needed (LinkPool), connect the driver
 * if no session is up, read every signal, and - unless the session is kept for the next poll - disconnect.
 * A failed exchange drops the driver's session without a disconnect (the meter is not answering, or is
 * answering nonsense): the next attempt calls connect() again, which starts from nothing.
 *
 * One driver instance serves the runner's whole life (drivers may cache what they learn about the meter,
 * e.g. DLMS scalers). The DriverContext belongs to a session, not to an exchange: drivers keep the link
 * and signal they were given at connect() for the reads that follow, so the session's AbortSignal is the
 * one that a stop or a lost link aborts while an exchange is under way.
 */
import type { DeviceConfig } from '../config/types';
import type { Clock } from '../core/clock';
import { MeterError, toMeterError } from '../core/errors';
import type { Link } from '../core/link';
import type { Logger, SessionLog } from '../core/logger';
import type { Reading } from '../core/reading';
import type { DeviceDriver, DriverContext, DriverSignal } from './driver';
import { guardLink } from './guarded-link';
import type { LinkHolder, LinkPool } from './link-pool';
import type { PortLock, Release } from './port-lock';
import type { Publisher } from './publisher';
import { alignReadings, badReading, isLogged } from './signals';
import type { StatusBoard, StatusExtra } from './status-board';
import type { DeviceState, EngineEvent } from './types';

export interface RunnerDeps {
  device: DeviceConfig;
  signals: DriverSignal[];
  /** Link key (ports.ts) and trace tag. */
  key: string;
  port: string;
  clock: Clock;
  logger?: Logger;
  pool: LinkPool;
  lock: PortLock;
  createDriver: (device: DeviceConfig) => DeviceDriver;
  publisher: Publisher;
  board: StatusBoard;
  emit: (e: EngineEvent) => void;
  /** The driver session may be kept up between polls (polling, and the link is this device's alone). */
  keepSession: boolean;
  /**
   * Kept only while scan_rate_ms is at most this, unless the driver knows the meter holds an idle session
   * longer (DeviceDriver.keepsSession: the DLMS meter's HDLC inactivity timeout).
   */
  keepSessionMaxIdleMs: number;
}

type CycleResult = { ok: true; readings: Reading[] } | { ok: false; error: MeterError };

/** A connected driver session: its context (link view + signal) lives from connect() to its end. */
interface Session {
  abort: AbortController;
  ctx: DriverContext;
}

interface Waiter {
  resolve: (readings: Reading[]) => void;
  reject: (e: unknown) => void;
}

export class DeviceRunner implements LinkHolder {
  readonly alias: string;
  private readonly log: SessionLog;
  private readonly logged: ReadonlySet<string>;
  private link?: Link;
  private driver?: DeviceDriver;
  private session?: Session;
  /** Set by the pool when the link went away; handled at the next opportunity. */
  private lostReason?: string;
  private exchangeAbort?: AbortController;
  private wake?: () => void;
  private waiters: Waiter[] = [];

  constructor(private readonly d: RunnerDeps) {
    this.alias = d.device.device_alias;
    this.log = d.logger ? d.logger.forPort(d.port) : () => undefined;
    this.logged = new Set(d.signals.filter(isLogged).map((s) => s.signal_alias));
  }

  /** Called by the pool (unplug, socket reset): go straight to link-lost, whatever we are doing. */
  onLinkLost(reason: string): void {
    this.link = undefined;
    this.lostReason = reason;
    this.endSessionAbruptly(new MeterError('PORT_LOST', reason));
    this.exchangeAbort?.abort(new MeterError('PORT_LOST', reason));
    this.wake?.();
  }

  /** Poll until `stop` aborts. Never rejects. */
  async run(stop: AbortSignal): Promise<void> {
    const { clock, device } = this.d;
    try {
      for (;;) {
        let started = clock.now();
        if (this.lostReason !== undefined) {
          await this.linkLost(new MeterError('PORT_LOST', this.lostReason));
          started = await this.reconnect(stop);
        } else {
          const result = await this.cycle(stop, this.d.keepSession);
          if (result.ok) {
            await this.succeeded(result.readings);
          } else {
            await this.failed(result.error);
            await this.linkLost(result.error);
            started = await this.reconnect(stop);
          }
        }
        // Start to start: a read longer than the scan rate is followed at once by the next, never by two.
        await this.pause(started + device.scan_rate_ms - clock.now(), stop);
      }
    } catch (e) {
      const err = toMeterError(e);
      if (err.code !== 'CANCELLED') this.log(1, `${this.alias}: runner failed: ${err.message}`);
    } finally {
      await this.shutdown();
    }
  }

  /**
   * One read of every signal with the usual retries but no reconnect loop (CLI --once, "Read now" while
   * not polling). A failure gives bad readings carrying the error. The link stays held: release it with
   * dropLink() once every device of the same read is done, so a bus is not reopened between devices.
   */
  async once(stop: AbortSignal): Promise<Reading[]> {
    this.lostReason = undefined;
    try {
      const result = await this.cycle(stop, false);
      if (result.ok) {
        await this.succeeded(result.readings);
        return result.readings;
      }
      this.setState('link-lost', { error: result.error.code, detail: result.error.message });
      await this.d.publisher.event(
        { ts: this.d.clock.wallTime(), device_alias: this.alias, kind: 'error', message: `${this.alias}: read failed: ${result.error.message}` },
        this.d.port,
      );
      return await this.failed(result.error);
    } catch (e) {
      this.setState('stopped');
      throw e;
    }
  }

  /** While polling: read now instead of at the next scan, and resolve with that read's readings. */
  readNow(): Promise<Reading[]> {
    return new Promise<Reading[]>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.wake?.();
    });
  }

  async dropLink(): Promise<void> {
    this.link = undefined;
    await this.d.pool.release(this.d.key, this);
  }

  private async cycle(stop: AbortSignal, keep: boolean): Promise<CycleResult> {
    const max = Math.max(1, Math.trunc(this.d.device.retry_counter) || 0);
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, readings: await this.exchange(stop, keep) };
      } catch (e) {
        const error = toMeterError(e);
        if (stop.aborted) throw new MeterError('CANCELLED');
        this.d.board.note(this.alias, { lastErrorTs: this.d.clock.wallTime() });
        this.log(2, `${this.alias}: exchange ${attempt} of ${max} failed: ${error.message}`);
        // A driver that kept what it read before the link failed gets the link re-established (after
        // reconnect_time, counted against retry_counter) to ask only the rest, even after a lost port.
        const resume = this.driver?.resumable === true && attempt < max;
        if ((error.code === 'PORT_LOST' && !resume) || attempt >= max) return { ok: false, error };
        this.setState('retrying', { attempt, error: error.code, detail: `exchange ${attempt} of ${max} failed: ${error.message}` });
        if (resume) {
          this.lostReason = undefined;
          if (error.code === 'PORT_LOST') await this.dropLink();
          await this.pause(this.d.device.reconnect_time, stop);
          this.lostReason = undefined;
        }
      }
    }
  }

  private async exchange(stop: AbortSignal, keep: boolean): Promise<Reading[]> {
    const { clock, signals } = this.d;
    return this.withSession(stop, keep, async (driver, ctx) => {
      this.enter('reading');
      try {
        return alignReadings(signals, await driver.read(signals, ctx), clock.wallTime());
      } finally {
        this.d.board.note(this.alias, { note: driver.note });
      }
    });
  }

  /**
   * Anything else a user asks of this device (object list, one attribute, a profile): run `op` in a
   * session, under the port lock, exactly like a read. No retries: the user sees the error and decides.
   */
  async operate<T>(stop: AbortSignal, keep: boolean, op: (driver: DeviceDriver, ctx: DriverContext) => Promise<T>): Promise<T> {
    this.lostReason = undefined;
    try {
      const result = await this.withSession(stop, keep, op);
      if (!keep) this.setState('ok');
      return result;
    } catch (e) {
      const err = toMeterError(e);
      this.setState(err.code === 'CANCELLED' ? 'stopped' : 'link-lost', { error: err.code, detail: err.message });
      throw err;
    }
  }

  private async withSession<T>(stop: AbortSignal, keep: boolean, op: (driver: DeviceDriver, ctx: DriverContext) => Promise<T>): Promise<T> {
    const { device, pool, lock, key } = this.d;
    if (stop.aborted) throw new MeterError('CANCELLED');
    const ac = new AbortController();
    const onStop = () => ac.abort(new MeterError('CANCELLED'));
    stop.addEventListener('abort', onStop, { once: true });
    this.exchangeAbort = ac;
    let release: Release | undefined;
    let relay: (() => void) | undefined;
    try {
      release = await lock.acquire(ac.signal);
      if (!this.link) {
        this.enter('connecting');
        this.link = await pool.acquire(key, device, this, ac.signal);
      }
      const driver = (this.driver ??= this.d.createDriver(device));
      let session = this.session;
      const fresh = !session;
      if (!session) {
        const sessionAbort = new AbortController();
        session = { abort: sessionAbort, ctx: this.context(this.link, sessionAbort.signal) };
        this.session = session;
      }
      // While this exchange runs, a stop or a lost link aborts the session the driver is working in.
      const s = session;
      relay = () => s.abort.abort(ac.signal.reason);
      ac.signal.addEventListener('abort', relay, { once: true });
      // Told before the exchange, so the driver can learn in it what keepsSession will need.
      s.ctx.keepSessionForMs = keep ? device.scan_rate_ms : undefined;
      if (fresh) {
        this.enter('connecting');
        await driver.connect(s.ctx);
      }
      const result = await op(driver, s.ctx);
      // A meter that drops idle connections before the next poll gets a DISC now rather than a DM then.
      if (!(await this.keepsSession(keep, driver, s.ctx))) await this.endSession();
      return result;
    } catch (e) {
      this.endSessionAbruptly(new MeterError('CANCELLED', 'The session was dropped after a failed exchange.'));
      if (this.lostReason !== undefined) throw new MeterError('PORT_LOST', this.lostReason, { cause: e });
      if (stop.aborted) throw new MeterError('CANCELLED');
      const error = toMeterError(e);
      // The link itself says it is gone (closed under us without onLost): tell every device on it.
      if (error.code === 'PORT_LOST' && this.link) pool.reportLost(key, this.link, error.message);
      throw error;
    } finally {
      stop.removeEventListener('abort', onStop);
      if (relay) ac.signal.removeEventListener('abort', relay);
      this.exchangeAbort = undefined;
      release?.();
    }
  }

  /**
   * Whether the session stays up until the next poll: the driver's word on the meter when it has one (kept
   * longer than keepSessionMaxIdleMs when the meter holds it, ended when it would drop it sooner), else
   * scan_rate_ms against keepSessionMaxIdleMs.
   */
  private async keepsSession(keep: boolean, driver: DeviceDriver, ctx: DriverContext): Promise<boolean> {
    if (!keep) return false;
    const idle = this.d.device.scan_rate_ms;
    const verdict = driver.keepsSession ? await driver.keepsSession(idle, ctx) : undefined;
    return verdict ?? idle <= this.d.keepSessionMaxIdleMs;
  }

  /** A disconnect that fails after a good read costs nothing but a trace line: the values are in. */
  private async endSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session || !this.driver) return;
    try {
      await this.driver.disconnect(session.ctx);
    } catch (e) {
      this.log(2, `${this.alias}: disconnect failed: ${toMeterError(e).message}`);
    }
  }

  /** Forget the session without a disconnect; anything the driver still waits on is cancelled. */
  private endSessionAbruptly(reason: MeterError): void {
    const session = this.session;
    this.session = undefined;
    session?.abort.abort(reason);
  }

  /** After retry_counter failures (or a lost port): close our hold on the link and say so. */
  private async linkLost(error: MeterError): Promise<void> {
    this.lostReason = undefined;
    this.endSessionAbruptly(error);
    await this.dropLink();
    this.setState('link-lost', { error: error.code, detail: error.message });
    await this.d.publisher.event(
      { ts: this.d.clock.wallTime(), device_alias: this.alias, kind: 'link-lost', message: `${this.alias}: link lost: ${error.message}` },
      this.d.port,
    );
  }

  /** Try every reconnect_time until an exchange succeeds; resolves with that exchange's start time. */
  private async reconnect(stop: AbortSignal): Promise<number> {
    for (let n = 1; ; n++) {
      await this.pause(this.d.device.reconnect_time, stop);
      this.lostReason = undefined;
      const started = this.d.clock.now();
      this.setState('connecting', { attempt: n, detail: `reconnect attempt ${n}` });
      try {
        const readings = await this.exchange(stop, this.d.keepSession);
        await this.d.publisher.event(
          { ts: this.d.clock.wallTime(), device_alias: this.alias, kind: 'reconnected', message: `${this.alias}: reconnected (attempt ${n})` },
          this.d.port,
        );
        await this.succeeded(readings);
        return started;
      } catch (e) {
        const error = toMeterError(e);
        if (stop.aborted) throw new MeterError('CANCELLED');
        // A loss reported during this attempt is this failure: the next attempt still waits reconnect_time.
        this.lostReason = undefined;
        this.d.board.note(this.alias, { lastErrorTs: this.d.clock.wallTime() });
        await this.dropLink();
        this.setState('link-lost', { attempt: n, error: error.code, detail: `reconnect attempt ${n} failed: ${error.message}` });
        // Someone pressed "Read now": they get an answer, not a wait for the meter to come back.
        if (this.waiters.length > 0) await this.failed(error);
      }
    }
  }

  private async succeeded(readings: Reading[]): Promise<void> {
    const bad = readings.filter((r) => r.quality === 'bad').length;
    this.d.board.note(this.alias, { lastOkTs: this.d.clock.wallTime() });
    this.setState('ok', { detail: `${readings.length} signal(s) read${bad > 0 ? `, ${bad} bad` : ''}` });
    await this.d.publisher.readings(this.alias, this.d.port, readings, this.logged);
    this.settle(readings);
  }

  /** Bad readings for every signal, published so a missed read is on record. */
  private async failed(error: MeterError): Promise<Reading[]> {
    const ts = this.d.clock.wallTime();
    // What the driver read before the link failed stays good; only the rest carries the error.
    const kept = new Map((this.driver?.takeKept?.(this.d.signals) ?? []).map((r) => [r.signal_alias, r]));
    const readings = this.d.signals.map((s) => kept.get(s.signal_alias) ?? badReading(s, ts, error.code));
    await this.d.publisher.readings(this.alias, this.d.port, readings, this.logged);
    this.settle(readings);
    return readings;
  }

  private settle(readings: Reading[]): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(readings);
  }

  /** Wait `ms`, or less if woken (link lost, "Read now"); rejects with CANCELLED on stop. */
  private pause(ms: number, stop: AbortSignal): Promise<void> {
    if (stop.aborted) return Promise.reject(new MeterError('CANCELLED'));
    if (this.waiters.length > 0 || this.lostReason !== undefined || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = () => {
        cancel();
        stop.removeEventListener('abort', onAbort);
        this.wake = undefined;
        resolve();
      };
      const onAbort = () => {
        cancel();
        this.wake = undefined;
        reject(new MeterError('CANCELLED'));
      };
      const cancel = this.d.clock.schedule(ms, finish);
      this.wake = finish;
      stop.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** End of polling: close a kept session politely (bounded by timeout_ms), let go of the link. */
  private async shutdown(): Promise<void> {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new MeterError('CANCELLED'));
    const session = this.session;
    if (session && this.link) {
      const cancel = this.d.clock.schedule(this.d.device.timeout_ms, () =>
        session.abort.abort(new MeterError('TIMEOUT', 'Disconnect took too long.')),
      );
      try {
        await this.endSession();
      } finally {
        cancel();
      }
    }
    this.endSessionAbruptly(new MeterError('CANCELLED'));
    try {
      await this.dropLink();
    } finally {
      this.setState('stopped');
    }
  }

  private context(link: Link, signal: AbortSignal): DriverContext {
    return {
      link: guardLink(link, signal),
      clock: this.d.clock,
      log: this.log,
      signal,
      onProgress: (done, expected) => this.d.emit({ type: 'progress', device_alias: this.alias, done, expected }),
      onPhase: (phase) => {
        if (phase !== 'idle') this.setState(phase);
      },
    };
  }

  /** A dialogue state; a reconnect attempt's 'connecting' (with its attempt number) is kept as it is. */
  private enter(state: DeviceState): void {
    if (this.d.board.get(this.alias)?.state === state) return;
    this.setState(state);
  }

  private setState(state: DeviceState, extra: StatusExtra = {}): void {
    this.d.board.set(this.alias, state, extra);
  }
}
