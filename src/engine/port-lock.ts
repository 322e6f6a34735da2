/**
 * Turn-taking on one link: never two exchanges on a port at once. Waiters are served in arrival order,
 * so devices on one RS-485 bus are polled in turn and none starves. No timers: it runs under any Clock.
 */
import { MeterError } from '../core/errors';

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  fail: (e: unknown) => void;
}

export class PortLock {
  private held = false;
  private queue: Waiter[] = [];

  get busy(): boolean {
    return this.held;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once the port is ours; rejects with CANCELLED on abort. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = () => {
        this.queue = this.queue.filter((w) => w !== waiter);
        reject(abortError(signal));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      // Idempotent: a finally block and an error path may both release.
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next.grant(this.releaser());
      else this.held = false;
    };
  }
}

/** The abort reason when it is a MeterError (e.g. PORT_LOST), else CANCELLED. */
export function abortError(signal?: AbortSignal): MeterError {
  const reason: unknown = signal?.reason;
  return reason instanceof MeterError ? reason : new MeterError('CANCELLED');
}

/**
 * `p`, or a rejection with the abort reason as soon as `signal` aborts. The abandoned promise settles
 * later (its link is being closed); its rejection is kept from surfacing as unhandled.
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
