/**
 * The client's byte I/O for one session: writes with logging and echo bookkeeping, and framed reads
 * with the reaction and inter-character timeouts. Reads in whatever chunks the link delivers and
 * returns a message the moment its last byte (the BCC, or the LF of a line) is in: no polling sleeps.
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import { charTimeMs, type Link } from '../../core/link';
import { showBytes, textToBytes } from './chars';
import { Framer, type Frame, type FramerOptions } from './framer';
import type { IecLog } from './options';

export interface IoOptions {
  echo: 'auto' | boolean;
  maxBlockBytes: number;
  signal?: AbortSignal;
  log?: IecLog;
}

/** Longest single wait on the link, so an abort is noticed soon even during a long timeout. */
const MAX_READ_SLICE_MS = 500;

export class IecIo {
  readonly framer = new Framer();
  /** The optical head's echo of our own bytes has been seen in this session. */
  echoSeen = false;
  /** Bytes received (after echo removal) since the session started. */
  rxBytes = 0;
  private anyRx = false;
  private pendingEcho?: Uint8Array;
  private lastTx?: Uint8Array;
  private secrets: Uint8Array[] = [];

  constructor(
    readonly link: Link,
    readonly clock: Clock,
    private readonly opts: IoOptions,
  ) {}

  /** Bytes of this text are masked in every log line and never passed to the log callback. */
  addSecret(secret: string): void {
    if (secret.length > 0) this.secrets.push(textToBytes(secret));
  }

  log(level: number, message: string, bytes?: Uint8Array, dir?: 'tx' | 'rx'): void {
    if (!this.opts.log) return;
    if (bytes) {
      const masked = this.mask(bytes);
      this.opts.log(level, `${message} ${showBytes(masked)}`, masked, dir);
    } else this.opts.log(level, message);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  checkAbort(): void {
    if (this.opts.signal?.aborted) throw new MeterError('CANCELLED');
  }

  /** Writes and waits until the bytes have left the line. */
  async send(bytes: Uint8Array, what: string): Promise<void> {
    this.checkAbort();
    this.log(5, `tx ${what}`, bytes, 'tx');
    if (this.opts.echo !== false) this.pendingEcho = bytes;
    this.lastTx = bytes;
    await this.link.write(bytes);
  }

  /** Writes without echo bookkeeping (the NUL wake-up train). */
  async sendRaw(bytes: Uint8Array, what: string): Promise<void> {
    this.checkAbort();
    this.log(5, `tx ${what} (${bytes.length} bytes)`);
    await this.link.write(bytes);
  }

  /** Drops everything received so far (before a new sign-on). */
  reset(): void {
    this.link.discardInput();
    this.framer.clear();
    this.pendingEcho = undefined;
  }

  get expectingEcho(): boolean {
    return this.opts.echo === true || this.echoSeen;
  }

  /**
   * Consumes the echo of the last write before a baud switch would garble it. Returns as soon as the
   * echo is in; waits at most `maxWaitMs` (only when an echo is expected at all).
   */
  async drainEcho(maxWaitMs: number): Promise<void> {
    if (!this.pendingEcho || !this.expectingEcho) return;
    const deadline = this.clock.now() + maxWaitMs;
    for (;;) {
      this.stripEcho();
      if (!this.pendingEcho) return;
      const wait = deadline - this.clock.now();
      if (wait <= 0) {
        this.pendingEcho = undefined;
        return;
      }
      const chunk = await this.link.read(wait);
      if (chunk.length > 0) this.framer.push(chunk);
    }
  }

  /**
   * The next frame. `timeoutMs` bounds the wait for the answer to start; once a frame has started,
   * each silence may last `interCharMs`. Throws NO_ANSWER when nothing at all ever came back in this
   * session, TIMEOUT otherwise.
   *
   * Bounded whatever the peer does: the whole exchange ends by `timeoutMs` plus the time the longest
   * legal answer (`maxBlockBytes`) takes at the line rate, so a peer that sends a byte every 700 ms
   * cannot keep it alive by pushing the inter-character deadline out; and more than that many bytes
   * (plus as many again, at most 4 KiB, for echo and noise) in one exchange, a flood, is a LENGTH
   * error with the buffer dropped.
   */
  async receive(timeoutMs: number, interCharMs: number, framing: FramerOptions = {}): Promise<Frame> {
    const start = this.clock.now();
    let lastByteAt = start;
    const maxBytes = framing.maxBlockBytes ?? this.opts.maxBlockBytes;
    const maxRx = maxBytes + Math.min(4096, maxBytes);
    const hardDeadline = start + timeoutMs + interCharMs + maxRx * charTimeMs(this.link.line);
    let rx = 0;
    for (;;) {
      this.checkAbort();
      if (this.stripEcho()) {
        const frame = this.framer.next({ maxBlockBytes: this.opts.maxBlockBytes, ...framing });
        if (frame) {
          if (this.lastTx && sameBytes(frame.bytes, this.lastTx)) {
            // The head's echo of our message, out of step with what we expected: not the meter's.
            this.echoSeen = true;
            this.log(6, 'echo of our own message skipped');
            continue;
          }
          this.rxBytes += frame.bytes.length;
          this.log(5, `rx ${frame.kind}`, frame.bytes, 'rx');
          return frame;
        }
      }
      const now = this.clock.now();
      const deadline = this.framer.buffered > 0 ? Math.min(Math.max(start + timeoutMs, lastByteAt + interCharMs), hardDeadline) : start + timeoutMs;
      if (now >= deadline) {
        const got = this.framer.peek();
        if (!this.anyRx) throw new MeterError('NO_ANSWER', undefined, { frame: got });
        if (now >= hardDeadline) {
          this.framer.clear();
          throw new MeterError('TIMEOUT', `The answer did not end within ${Math.round(hardDeadline - start)} ms, the longest a legal answer (${maxBytes} bytes) takes at this line rate.`, { frame: this.mask(got.slice(0, 64)) });
        }
        throw new MeterError('TIMEOUT', got.length > 0 ? `Incomplete message: ${showBytes(this.mask(got), 60)}` : 'No answer to the last message.', { frame: this.mask(got) });
      }
      const chunk = await this.link.read(Math.min(deadline - now, MAX_READ_SLICE_MS));
      if (chunk.length > 0) {
        this.anyRx = true;
        lastByteAt = this.clock.now();
        rx += chunk.length;
        if (rx > maxRx) {
          this.framer.clear();
          throw new MeterError('LENGTH', `More than ${maxRx} bytes in one exchange without a complete message: the buffer was dropped.`, { frame: this.mask(chunk.slice(0, 64)) });
        }
        if (this.secrets.length === 0) this.log(7, `rx chunk (${chunk.length} bytes)`, chunk, 'rx');
        this.framer.push(chunk);
      }
    }
  }

  /** Removes a complete echo from the front of the buffer. False while an echo may still be arriving. */
  private stripEcho(): boolean {
    const echo = this.pendingEcho;
    if (!echo) return true;
    const buf = this.framer.peek();
    const n = Math.min(buf.length, echo.length);
    for (let i = 0; i < n; i++) {
      if (buf[i] !== echo[i]) {
        this.pendingEcho = undefined;
        return true;
      }
    }
    if (buf.length >= echo.length) {
      this.framer.consume(echo.length);
      this.pendingEcho = undefined;
      if (!this.echoSeen) this.log(4, 'optical head echo detected: own bytes are skipped');
      this.echoSeen = true;
      return true;
    }
    return buf.length === 0;
  }

  private mask(bytes: Uint8Array): Uint8Array {
    if (this.secrets.length === 0) return bytes;
    const out = bytes.slice();
    for (const s of this.secrets) {
      for (let i = 0; i + s.length <= out.length; i++) {
        let hit = true;
        for (let j = 0; j < s.length && hit; j++) hit = out[i + j] === s[j];
        if (hit) out.fill(0x2a, i, i + s.length);
      }
    }
    return out;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
