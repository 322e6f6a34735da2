/**
 * The receive side shared by the Node links: bytes pushed by a socket or serial port 'data' event are
 * kept until a read() takes them, so nothing arriving between two reads is lost — up to a limit
 * (rx-limits.ts): past it everything unread is dropped, and so is what follows until the next read,
 * which fails with LENGTH. Memory stays bounded whatever the peer sends.
 */
import { MeterError } from '../../core/errors';
import { DEFAULT_RX_LIMIT_BYTES, overflowMessage } from '../rx-limits';

interface Waiter {
  resolve: (bytes: Uint8Array) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

const EMPTY = new Uint8Array(0);

export class ByteInbox {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private waiter?: Waiter;
  private failure?: { error: MeterError; deliverPending: boolean };
  /** Bytes dropped since the limit was passed; reported (and reset) by the next read. */
  private dropped = 0;

  constructor(readonly limit = DEFAULT_RX_LIMIT_BYTES) {}

  /** Bytes received and not yet read. */
  get pending(): number {
    return this.size;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failure) return;
    if (this.dropped > 0 || this.size + chunk.length > this.limit) {
      this.dropped += this.size + chunk.length;
      this.chunks = [];
      this.size = 0;
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        clearTimeout(w.timer);
        w.reject(this.overflowError());
      }
      return;
    }
    // Copy: Node reuses pooled Buffers, and a caller may keep what read() returned.
    this.chunks.push(Uint8Array.from(chunk));
    this.size += chunk.length;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(this.take());
    }
  }

  /**
   * Every byte received so far, waiting up to `maxWaitMs` for the first one; empty on silence.
   *
   * A read abandoned by its caller (the engine's guarded link rejects on abort but cannot cancel the
   * read underneath) must not swallow the bytes meant for the next dialogue: a newer read supersedes a
   * pending one, which then resolves empty.
   */
  read(maxWaitMs: number): Promise<Uint8Array> {
    if (this.dropped > 0 && !this.failure) return Promise.reject(this.overflowError());
    if (this.size > 0 && (!this.failure || this.failure.deliverPending)) return Promise.resolve(this.take());
    if (this.failure) return Promise.reject(this.failure.error);
    this.supersede();
    const wait = Math.max(0, Number.isFinite(maxWaitMs) ? maxWaitMs : 0);
    if (wait === 0) return Promise.resolve(EMPTY);
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.waiter?.timer === timer) this.waiter = undefined;
        resolve(new Uint8Array(0));
      }, wait);
      this.waiter = { resolve, reject, timer };
    });
  }

  discard(): void {
    this.chunks = [];
    this.size = 0;
  }

  /**
   * No more bytes will come. `deliverPending`: bytes already received are still handed out before
   * reads start rejecting (the meter answered, then hung up); otherwise they are dropped (we closed).
   */
  fail(error: MeterError, deliverPending: boolean): void {
    if (this.failure) return;
    this.failure = { error, deliverPending };
    if (!deliverPending) this.discard();
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(error);
    }
  }

  /** The LENGTH error for what was dropped; the inbox accepts bytes again after it. */
  private overflowError(): MeterError {
    const e = new MeterError('LENGTH', overflowMessage(this.limit, this.dropped));
    this.dropped = 0;
    return e;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  private supersede(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    clearTimeout(w.timer);
    w.resolve(new Uint8Array(0));
  }

  private take(): Uint8Array {
    const out = this.chunks.length === 1 ? this.chunks[0] : concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    return out;
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
