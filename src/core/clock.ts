/**
 * Time, handed in. Protocol code never touches timers directly: it asks a Clock, so the same session
 * runs in real time (worker, Node) and in virtual time (tests, benchmarks).
 */
export interface Clock {
  /** Monotonic milliseconds; only differences mean anything. */
  now(): number;
  /** Wall-clock epoch milliseconds, for timestamps on readings. */
  wallTime(): number;
  /** Resolve after `ms`; reject with CANCELLED if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Run `fn` after `ms`; the returned function cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}
