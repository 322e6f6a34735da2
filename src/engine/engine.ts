/**
 * The engine: one runner per enabled device, links opened through the injected transport factory and
 * shared per serial port, readings committed to the store before anyone sees them. Runs under any Clock
 * (real time in the worker and Node, virtual time in tests); no DOM, no Node APIs.
 */
import type { DeviceConfig, MeterConfig } from '../config/types';
import type { Clock } from '../core/clock';
import { MeterError, toMeterError } from '../core/errors';
import type { Link } from '../core/link';
import type { Logger } from '../core/logger';
import type { Reading } from '../core/reading';
import { DeviceRunner } from './device-runner';
import type { DeviceDriver, DriverContext, DriverSignal } from './driver';
import { LinkPool } from './link-pool';
import { PortLock } from './port-lock';
import { PushRunner, isPushDevice } from './push/push-runner';
import type { InvocationCounterStore } from '../protocols/dlms-client/invocation-counter';
import { linkKey, portTag } from './ports';
import { Publisher } from './publisher';
import { buildDriverSignals } from './signals';
import { StatusBoard } from './status-board';
import { BUSY_STATES, type EngineEvent, type EngineLogEvent, type EngineStatus } from './types';

/**
 * A session is kept up between polls only when the next poll comes within this time: meters drop idle
 * associations (DLMS inactivity timeouts are often 60..120 s), and a dead session would cost a timeout
 * and a retry on every poll.
 */
export const DEFAULT_KEEP_SESSION_MAX_IDLE_MS = 30_000;

export interface EngineOptions {
  config: MeterConfig;
  clock: Clock;
  logger?: Logger;
  /** The transport factory (Web Serial, TCP, bridge, memory). Called again for every reconnect. */
  openLink: (device: DeviceConfig) => Promise<Link>;
  createDriver: (device: DeviceConfig) => DeviceDriver;
  /** The store. Readings are committed before they are emitted. */
  commit?: (readings: Reading[]) => Promise<void>;
  /** The event log (value changes of `log` signals, link lost, reconnected, read errors). */
  commitEvents?: (events: EngineLogEvent[]) => Promise<void>;
  onEvent: (e: EngineEvent) => void;
  keepSessionMaxIdleMs?: number;
  /** Where PUSH devices keep the last accepted invocation counter (the drivers' counter store); default memory. */
  pushCounterStore?: InvocationCounterStore;
}

/** An enabled device with at least one enabled signal: what a runner is made from. */
interface DevicePlan {
  device: DeviceConfig;
  signals: DriverSignal[];
  key: string;
  port: string;
  shared: boolean;
}

export class Engine {
  private readonly clock: Clock;
  private readonly pool: LinkPool;
  private readonly locks = new Map<string, PortLock>();
  private readonly board: StatusBoard;
  private readonly publisher: Publisher;
  private readonly plans: DevicePlan[] = [];
  /** Aborted by stop(); replaced so the engine can start again. */
  private life = new AbortController();
  private runners = new Map<string, DeviceRunner | PushRunner>();
  private loops: Promise<void>[] = [];
  private onceTasks = new Set<Promise<unknown>>();
  /** Single reads in flight per device_alias, joined by a second request for the same device. */
  private readonly onceReads = new Map<string, Promise<Reading[]>>();
  private polling = false;
  private stopping?: Promise<void>;

  constructor(private readonly opts: EngineOptions) {
    this.clock = opts.clock;
    const emit = (e: EngineEvent) => this.emit(e);
    this.board = new StatusBoard(emit, opts.logger);
    this.publisher = new Publisher({ commit: opts.commit, commitEvents: opts.commitEvents, emit, logger: opts.logger });
    this.pool = new LinkPool(opts.openLink, (key, e) => opts.logger?.log(2, key, `closing the link failed: ${toMeterError(e).message}`));

    const perKey = new Map<string, number>();
    for (const device of opts.config.devices) {
      const port = portTag(device);
      const signals = buildDriverSignals(device, opts.config.signals);
      if (device.enable === 0) {
        this.board.add(device, port, 'disabled');
        continue;
      }
      // A PUSH device with push_all_values stores every value of a push: it needs no signal.
      const allValues = device.protocol === 'DLMS' && isPushDevice(device) && device.push_all_values === 1;
      if (signals.length === 0 && !allValues) {
        this.board.add(device, port, 'idle', 'no enabled signals');
        continue;
      }
      this.board.add(device, port, 'idle');
      const key = linkKey(device);
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      this.plans.push({ device, signals, key, port, shared: false });
    }
    for (const plan of this.plans) plan.shared = (perKey.get(plan.key) ?? 0) > 1;
  }

  get isPolling(): boolean {
    return this.polling;
  }

  /** Poll every enabled device at its scan_rate_ms until stop(). Calling it while polling does nothing. */
  start(): void {
    if (this.polling) return;
    if (this.stopping) {
      void this.stopping.then(() => this.start());
      return;
    }
    this.polling = true;
    const signal = this.life.signal;
    for (const plan of this.plans) {
      const runner = this.runnerFor(plan, true);
      this.runners.set(plan.device.device_alias, runner);
      this.loops.push(runner.run(signal));
    }
    this.opts.logger?.log(3, 'engine', `polling ${this.plans.length} device(s)`);
  }

  /**
   * Read every enabled signal of every enabled device (or of one device) once. While polling, the
   * running sessions do it at once instead of at their next scan; otherwise each device is connected,
   * read and disconnected. Failures come back as bad readings; rejects with CANCELLED if stopped.
   */
  async readOnce(filter: { device_alias?: string } = {}): Promise<Reading[]> {
    const alias = filter.device_alias;
    if (alias !== undefined && !this.opts.config.devices.some((d) => d.device_alias === alias)) {
      throw new MeterError('CONFIG_INVALID', `There is no device "${alias}".`);
    }
    const plans = this.plans.filter((p) => alias === undefined || p.device.device_alias === alias);
    if (this.polling) {
      const results = await Promise.all(plans.map((p) => this.runners.get(p.device.device_alias)?.readNow() ?? Promise.resolve([])));
      return results.flat();
    }
    const signal = this.life.signal;
    const settled = await Promise.allSettled(plans.map((p) => this.readDeviceOnce(p, signal)));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw toMeterError(failure.reason);
    return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  }

  /**
   * One device's single read. A second request for a device whose read is still running joins that
   * read instead of starting another: two clicks in the same turn (or a click while a CLI read runs)
   * must not read the meter twice and store every reading twice.
   */
  private readDeviceOnce(plan: DevicePlan, signal: AbortSignal): Promise<Reading[]> {
    const alias = plan.device.device_alias;
    const running = this.onceReads.get(alias);
    if (running) {
      this.opts.logger?.log(4, plan.port, `${alias}: a read is already running; joining it`);
      return running;
    }
    const runner = this.runnerFor(plan, false);
    const task = (async () => {
      try {
        return await runner.once(signal);
      } finally {
        await runner.dropLink();
      }
    })();
    this.onceReads.set(alias, task);
    this.onceTasks.add(task);
    const untrack = () => {
      this.onceTasks.delete(task);
      if (this.onceReads.get(alias) === task) this.onceReads.delete(alias);
    };
    task.then(untrack, untrack);
    return task;
  }

  /**
   * Run a user's operation on one device (object list, one attribute, a profile) in a session, under
   * the device's port lock. While polling, the running session is used; otherwise the device is
   * connected for the operation and disconnected after it.
   */
  async operate<T>(device_alias: string, op: (driver: DeviceDriver, ctx: DriverContext) => Promise<T>): Promise<T> {
    const plan = this.plans.find((p) => p.device.device_alias === device_alias);
    if (!plan) throw new MeterError('CONFIG_INVALID', `There is no enabled device "${device_alias}".`);
    const signal = this.life.signal;
    if (isPushDevice(plan.device)) {
      throw new MeterError('CONFIG_INVALID', `"${device_alias}" is a PUSH device: it only listens, it cannot be asked.`);
    }
    const running = this.polling ? this.runners.get(device_alias) : undefined;
    if (running instanceof DeviceRunner) return running.operate(signal, true, op);
    const runner = this.makeRunner(plan, false);
    const task = runner.operate(signal, false, op).finally(() => runner.dropLink());
    this.onceTasks.add(task);
    const untrack = () => this.onceTasks.delete(task);
    task.then(untrack, untrack);
    return task;
  }

  /** Abort every read in flight, disconnect, close every link. Resolves when all is closed. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  status(): EngineStatus {
    const devices = this.board.all();
    return { polling: this.polling, busy: devices.some((d) => BUSY_STATES.includes(d.state)), devices };
  }

  private async doStop(): Promise<void> {
    const life = this.life;
    this.life = new AbortController();
    life.abort(new MeterError('CANCELLED', 'The engine was stopped.'));
    await Promise.allSettled([...this.loops, ...this.onceTasks]);
    this.loops = [];
    this.runners.clear();
    this.polling = false;
    await this.pool.closeAll();
    this.opts.logger?.log(3, 'engine', 'stopped');
  }

  /** A pushing meter is listened to (push/push-runner.ts); every other device is polled. */
  private runnerFor(plan: DevicePlan, polling: boolean): DeviceRunner | PushRunner {
    const device = plan.device;
    if (device.protocol !== 'DLMS' || !isPushDevice(device)) return this.makeRunner(plan, polling);
    return new PushRunner({
      device,
      signals: plan.signals,
      key: plan.key,
      port: plan.port,
      clock: this.clock,
      logger: this.opts.logger,
      pool: this.pool,
      publisher: this.publisher,
      board: this.board,
      emit: (e) => this.emit(e),
      ...(this.opts.pushCounterStore ? { counterStore: this.opts.pushCounterStore } : {}),
    });
  }

  private makeRunner(plan: DevicePlan, polling: boolean): DeviceRunner {
    let lock = this.locks.get(plan.key);
    if (!lock) {
      lock = new PortLock();
      this.locks.set(plan.key, lock);
    }
    const keepMax = this.opts.keepSessionMaxIdleMs ?? DEFAULT_KEEP_SESSION_MAX_IDLE_MS;
    return new DeviceRunner({
      device: plan.device,
      signals: plan.signals,
      key: plan.key,
      port: plan.port,
      clock: this.clock,
      logger: this.opts.logger,
      pool: this.pool,
      lock,
      createDriver: this.opts.createDriver,
      publisher: this.publisher,
      board: this.board,
      emit: (e) => this.emit(e),
      keepSession: polling && !plan.shared,
      keepSessionMaxIdleMs: keepMax,
    });
  }

  /** A listener that throws must not take a runner down with it. */
  private emit(e: EngineEvent): void {
    try {
      this.opts.onEvent(e);
    } catch (err) {
      this.opts.logger?.log(1, 'engine', `event listener failed: ${toMeterError(err).message}`);
    }
  }
}
