/**
 * The UI's only door to the engine: a Comlink proxy of the module worker, plus a small main-thread
 * mirror of what the engine last reported, so pages opened later can show status and trace at once.
 * Only types come from src/worker, so no engine or protocol code lands in the main bundle.
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Reading } from '../core/reading';
import type { DeviceState, EngineApi, EngineEvent, EngineStatus, LoadResult, TraceLine } from '../worker/engine-api';

let remote: Remote<EngineApi> | undefined;

export function getEngine(): Remote<EngineApi> {
  if (!remote) {
    const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
      type: 'module',
      name: 'meterscope-engine',
    });
    // A worker that fails to load never answers: without this, every call would wait forever.
    worker.addEventListener('error', (e) => engineMonitor.fail(e.message || 'the engine worker failed to load'));
    remote = wrap<EngineApi>(worker);
    // e2e seam: a Playwright test sets this flag (addInitScript) before the app loads, to reach the
    // engine's test-only methods such as simulated serial probes. The app itself never sets it.
    const g = globalThis as { __meterscopeE2E?: unknown; __meterscopeEngine?: unknown };
    if (g.__meterscopeE2E === true) g.__meterscopeEngine = remote;
  }
  return remote;
}

const TRACE_KEEP = 1000;
const SESSION_KEEP = 20_000;

/** Identity of one reading, to merge readOnce's answer with the same readings already streamed. */
const sessionKey = (r: Reading): string => `${r.device_alias}/${r.signal_alias}/${r.ts}`;
const BUSY: ReadonlySet<DeviceState> = new Set<DeviceState>(['connecting', 'signing-on', 'reading', 'retrying']);

class EngineMonitor extends EventTarget {
  status: EngineStatus | undefined;
  readonly trace: TraceLine[] = [];
  /** Latest reading per `device_alias/signal_alias`. */
  readonly latest = new Map<string, Reading>();
  /** Progress of long reads per device: bytes (or blocks) received of expected (0 = unknown). */
  readonly progress = new Map<string, { done: number; expected: number }>();
  /**
   * When each busy device entered its current dialogue (epoch ms). Pages show a progress bar only
   * once a read has taken longer than a second, so quick reads do not flicker.
   */
  readonly busySince = new Map<string, number>();
  /**
   * Readings of "this read": every value since the user last pressed Read or Start. Kept here, not in
   * a page, so walking to another page and back loses nothing.
   */
  readonly session: Reading[] = [];
  /** Keys of `session`: a reading arrives twice (event and readOnce answer) in either order. */
  private readonly sessionKeys = new Set<string>();
  /** The configuration the UI last loaded into the engine (or the worker restored after a reload). */
  loaded: { name: string; raw: string } | undefined;
  /** Set when `loaded` came back from the previous visit rather than from a click on this page. */
  restored = false;
  /** The last read's summary ("Read 26 value(s) in 4.1 s..."): kept here so it outlives the Read page. */
  readSummary = '';
  /** Readings shown but not stored (STORAGE_FULL...). Separate from `error`: the engine still works. */
  storageWarning: string | undefined;
  error: string | undefined;
  /** The trace level last asked of the engine (the worker starts at 4, "info"). */
  traceLevel = 4;
  private started = false;

  get busy(): boolean {
    return this.status?.busy ?? false;
  }

  /** Subscribe once per tab; safe to call from every page. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const engine = getEngine();
    engine
      .subscribe(proxy((e: EngineEvent) => this.onEvent(e)))
      .then(() => this.restore())
      .then(() => this.refresh())
      .catch((e: unknown) => this.fail(e instanceof Error ? e.message : String(e)));
  }

  /** After a reload the worker loads the configuration of the last visit again; the page learns which. */
  private async restore(): Promise<void> {
    const last = await getEngine().restoreConfig();
    if (!last || !last.result.ok || this.loaded) return;
    this.loaded = { name: last.name, raw: last.text };
    this.restored = true;
    this.changed();
  }

  setReadSummary(text: string): void {
    this.readSummary = text;
    this.changed();
  }

  async refresh(): Promise<EngineStatus> {
    const s = await getEngine().status();
    this.status = s;
    this.changed();
    return s;
  }

  fail(message: string): void {
    this.error = message;
    this.changed();
  }

  /** Load a configuration into the engine and remember it, so pages can append signals to it. */
  async loadConfiguration(name: string, raw: string): Promise<LoadResult> {
    // Remembered by the worker, so a reload finds it loaded again.
    const result = await getEngine().loadConfigText(name, raw);
    if (result.ok) {
      this.loaded = { name, raw };
      this.restored = false;
      this.progress.clear();
      this.busySince.clear();
    }
    await this.refresh().catch(() => undefined);
    return result;
  }

  /** A new read begins: "this read" starts empty. */
  beginSession(): void {
    this.session.length = 0;
    this.sessionKeys.clear();
    this.storageWarning = undefined;
    this.changed();
  }

  /** Readings returned by readOnce: add any the event stream has not delivered (yet). */
  addToSession(readings: readonly Reading[]): void {
    for (const r of readings) {
      this.pushSession(r);
      this.latest.set(`${r.device_alias}/${r.signal_alias}`, r);
    }
    this.changed();
  }

  private pushSession(r: Reading): void {
    const key = sessionKey(r);
    if (this.sessionKeys.has(key)) return;
    this.sessionKeys.add(key);
    this.session.push(r);
    if (this.session.length > SESSION_KEEP) {
      for (const old of this.session.splice(0, this.session.length - SESSION_KEEP)) this.sessionKeys.delete(sessionKey(old));
    }
  }

  clearTrace(): void {
    this.trace.length = 0;
    this.changed();
  }

  private onEvent(e: EngineEvent): void {
    if (e.type === 'trace') {
      this.trace.push(e.line);
      if (this.trace.length > TRACE_KEEP) this.trace.splice(0, this.trace.length - TRACE_KEEP);
    } else if (e.type === 'value') {
      this.latest.set(`${e.reading.device_alias}/${e.reading.signal_alias}`, e.reading);
      this.pushSession(e.reading);
    } else if (e.type === 'progress') {
      this.progress.set(e.device_alias, { done: e.done, expected: e.expected });
      if (!this.busySince.has(e.device_alias)) this.busySince.set(e.device_alias, Date.now());
    } else if (e.type === 'storage') {
      this.storageWarning = `${e.device_alias}: readings shown but not stored (${e.error}). ${e.message}`;
    } else {
      if (BUSY.has(e.state)) {
        if (!this.busySince.has(e.device_alias)) this.busySince.set(e.device_alias, Date.now());
      } else {
        this.busySince.delete(e.device_alias);
        this.progress.delete(e.device_alias);
      }
      if (!this.status) {
        this.changed();
        return;
      }
      const devices = this.status.devices.map((d) => {
        if (d.device_alias !== e.device_alias) return d;
        const next = { ...d, state: e.state };
        if (e.detail === undefined) delete next.detail;
        else next.detail = e.detail;
        return next;
      });
      this.status = { ...this.status, devices, busy: devices.some((d) => BUSY.has(d.state)) };
    }
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

export const engineMonitor = new EngineMonitor();

/** Re-renders a Lit element whenever the engine mirror changes. */
export class EngineWatch implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    engineMonitor.addEventListener('change', this.onChange);
    engineMonitor.start();
  }

  hostDisconnected(): void {
    engineMonitor.removeEventListener('change', this.onChange);
  }
}
