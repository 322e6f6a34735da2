import type { Clock } from './clock';
import { MeterError } from './errors';

/** Wall-clock time for the worker and Node. The only Clock that touches real timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  wallTime: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new MeterError('CANCELLED'));
      const onAbort = () => {
        clearTimeout(t);
        reject(new MeterError('CANCELLED'));
      };
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
  schedule(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};
