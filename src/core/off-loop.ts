/**
 * Work that completes outside the JavaScript event loop (WebCrypto runs on a thread pool). A virtual
 * clock must not move time on while such work is in flight: the timeout it would fire has not really
 * passed. Code that starts such work wraps its promise with `trackOffLoop`; VirtualClock waits for
 * `offLoopPending()` to reach 0 before firing the next timer. Real clocks ignore it.
 */
let pending = 0;

export function trackOffLoop<T>(work: Promise<T>): Promise<T> {
  pending++;
  return work.finally(() => {
    pending--;
  });
}

export function offLoopPending(): number {
  return pending;
}
