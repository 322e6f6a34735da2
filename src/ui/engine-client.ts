/**
 * The UI's only door to the engine: a Comlink proxy of the module worker, plus a small main-thread
 * mirror of what the engine last reported, so pages opened later can show status and trace at once.
 * Only types come from src/worker, so no engine or protocol code lands in the main bundle.
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Reading } from '../core/reading';
import type { DeviceState, EngineApi, EngineEvent, EngineStatus, TraceLine } from '../worker/engine-api';

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
  }
  return remote;
}

const TRACE_KEEP = 1000;
const BUSY: ReadonlySet<DeviceState> = new Set<DeviceState>(['connecting', 'signing-on', 'reading', 'retrying']);

class EngineMonitor extends EventTarget {
  status: EngineStatus | undefined;
  readonly trace: TraceLine[] = [];
  /** Latest reading per `device_alias/signal_alias`. */
  readonly latest = new Map<string, Reading>();
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
      .then(() => this.refresh())
      .catch((e: unknown) => this.fail(e instanceof Error ? e.message : String(e)));
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
    } else if (this.status) {
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
