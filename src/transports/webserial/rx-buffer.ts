/**
 * The receive side every browser Link shares: a background pump pushes chunks in, `read(maxWaitMs)` takes
 * everything that has arrived. A timeout only stops the wait; it never touches the source, so no byte is
 * lost between reads (Web Serial and WebSocket have no read timeout of their own) — up to `limit`
 * (rx-limits.ts): past it everything unread is dropped, and so is what follows until the next read,
 * which fails with LENGTH.
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import { DEFAULT_RX_LIMIT_BYTES, overflowMessage } from '../rx-limits';

export class RxBuffer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private failure?: MeterError;
  /** Bytes dropped since the limit was passed; reported (and reset) by the next read. */
  private dropped = 0;

  constructor(readonly limit = DEFAULT_RX_LIMIT_BYTES) {}
  private readonly waiters = new Set<() => void>();
  /** Called after a read took bytes out (a paused pump may go on). */
  onDrain?: () => void;

  get length(): number {
    return this.size;
  }

  get failed(): MeterError | undefined {
    return this.failure;
  }

  push(chunk: Uint8Array): void {
    if (this.failure || chunk.length === 0) return;
    if (this.dropped > 0 || this.size + chunk.length > this.limit) {
      this.dropped += this.size + chunk.length;
      this.chunks = [];
      this.size = 0;
      this.wakeAll();
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.wakeAll();
  }

  /** From now on every read rejects with `err` (link lost or closed). */
  fail(err: MeterError): void {
    if (this.failure) return;
    this.failure = err;
    this.chunks = [];
    this.size = 0;
    this.wakeAll();
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.onDrain?.();
  }

  /** At least one byte (everything buffered), or an empty array after `maxWaitMs` of silence. */
  async read(clock: Clock, maxWaitMs: number): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    this.throwIfOverflowed();
    if (this.size === 0 && maxWaitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          cancel();
          this.waiters.delete(done);
          resolve();
        };
        const cancel = clock.schedule(maxWaitMs, done);
        this.waiters.add(done);
      });
    }
    if (this.failure) throw this.failure;
    this.throwIfOverflowed();
    return this.take();
  }

  private throwIfOverflowed(): void {
    if (this.dropped === 0) return;
    const e = new MeterError('LENGTH', overflowMessage(this.limit, this.dropped));
    this.dropped = 0;
    this.onDrain?.(); // the pump may have paused on the bytes just dropped
    throw e;
  }

  private take(): Uint8Array {
    if (this.size === 0) return new Uint8Array(0);
    let out: Uint8Array;
    if (this.chunks.length === 1) out = this.chunks[0];
    else {
      out = new Uint8Array(this.size);
      let at = 0;
      for (const c of this.chunks) {
        out.set(c, at);
        at += c.length;
      }
    }
    this.chunks = [];
    this.size = 0;
    this.onDrain?.();
    return out;
  }

  private wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }
}
