import type { Clock } from './clock';
import { MeterError } from './errors';
import { offLoopPending } from './off-loop';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A real pause, for work running off the event loop (WebCrypto) to finish. */
const realTurn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Yield to the host event loop so every pending promise reaction runs before time moves on. */
const macrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : () => new Promise((r) => setTimeout(r, 0));

/**
 * Virtual time. Timers fire in order of due time; `run()` jumps straight to the next due timer whenever
 * everything else is waiting, so hours of protocol time pass in milliseconds and timings are exact and
 * repeatable.
 */
export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private readonly startWall: number;
  // A binary heap keyed by (at, seq) keeps ordering stable for equal due times.
  private heap: Timer[] = [];
  private live = 0;

  constructor(startWallMs = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.startWall = startWallMs;
  }

  now(): number {
    return this.t;
  }

  wallTime(): number {
    return this.startWall + this.t;
  }

  get pendingTimers(): number {
    return this.live;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    this.live++;
    return () => {
      if (!timer.cancelled) {
        timer.cancelled = true;
        this.live--;
      }
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new MeterError('CANCELLED'));
      const onAbort = () => {
        cancel();
        reject(new MeterError('CANCELLED'));
      };
      const cancel = this.schedule(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Fire every timer due at or before `now + ms`, moving time forward. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await macrotask();
      if (offLoopPending() > 0) {
        await realTurn();
        continue;
      }
      const next = this.peek();
      if (!next || next.at > target) break;
      this.fireNext();
    }
    this.t = Math.max(this.t, target);
  }

  /**
   * Drive virtual time until `task` settles. Between steps the host event loop gets a turn, so promise
   * chains complete before the clock jumps, and time stands still while off-loop work (WebCrypto,
   * see off-loop.ts) is in flight. A task that waits on nothing the clock
   * knows about is a hang: that is reported instead of spinning forever.
   */
  async run<T>(task: Promise<T> | (() => Promise<T>), opts: { maxVirtualMs?: number } = {}): Promise<T> {
    const p = typeof task === 'function' ? task() : task;
    let settled = false;
    let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    p.then(
      (value) => {
        settled = true;
        result = { ok: true, value };
      },
      (error: unknown) => {
        settled = true;
        result = { ok: false, error };
      },
    );
    const limit = this.t + (opts.maxVirtualMs ?? 7 * 24 * 3600_000);
    let idleTurns = 0;
    while (!settled) {
      await macrotask();
      if (settled) break;
      if (offLoopPending() > 0) {
        // Off-loop work (WebCrypto) is still running: its answer would arrive before any timeout.
        await realTurn();
        continue;
      }
      const next = this.peek();
      if (!next) {
        // Give real asynchronous work (crypto, I/O in tests) a few turns before calling it a hang.
        if (++idleTurns > 200) throw new Error('VirtualClock.run: the task is waiting but nothing is scheduled (hang)');
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      idleTurns = 0;
      if (next.at > limit) throw new Error(`VirtualClock.run: virtual time limit reached at ${this.t} ms`);
      this.fireNext();
    }
    if (!result) throw new Error('unreachable');
    if (result.ok) return result.value;
    throw result.error;
  }

  private fireNext(): void {
    const timer = this.pop();
    if (!timer) return;
    timer.cancelled = true;
    this.live--;
    if (timer.at > this.t) this.t = timer.at;
    timer.fn();
  }

  private peek(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.popRaw();
    return this.heap[0];
  }

  private pop(): Timer | undefined {
    const top = this.peek();
    if (top) this.popRaw();
    return top;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private popRaw(): void {
    const h = this.heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
