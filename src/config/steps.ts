/**
 * Long validations run as generators that yield between items (devices, signals). Run to the end in
 * one go for the synchronous API, or with pauses and an abort signal so a CLI stays deaf to nothing
 * and a worker can drop a validation that a newer import made pointless.
 */

/** Runs a step generator to its result without pausing. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export interface AbortableOptions {
  /** Checked between chunks; when aborted the promise rejects with an `AbortError` DOMException. */
  signal?: AbortSignal;
  /** Devices/signals checked between two pauses (default 500; at least 1). */
  yieldEvery?: number;
}

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('validation was abandoned', 'AbortError');
}

/**
 * Runs a step generator, giving the event loop a turn every `yieldEvery` steps so a SIGINT handler or
 * a worker's cancel message can run, and stopping there when `signal` is aborted.
 */
export async function runAbortable<T>(steps: Generator<void, T>, options: AbortableOptions = {}): Promise<T> {
  const every = Math.max(1, Math.floor(options.yieldEvery ?? 500));
  const { signal } = options;
  for (let n = 1; ; n++) {
    if (signal?.aborted) throw abortError(signal);
    const r = steps.next();
    if (r.done) return r.value;
    if (n % every === 0) {
      await pause();
      if (signal?.aborted) throw abortError(signal);
    }
  }
}
