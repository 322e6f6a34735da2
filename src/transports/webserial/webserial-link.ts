/**
 * A Link over a Web Serial port (Chromium, in a window or a dedicated worker).
 *
 * Web Serial has no read timeout and no baud-rate change, so this Link adds both:
 * - a background pump reads `port.readable` into an RxBuffer all the time; `read(maxWaitMs)` waits on
 *   that buffer with the injected Clock. A timeout never cancels the stream reader (cancel() discards
 *   what the browser has queued), so no byte is lost between reads.
 * - `setLine()` waits until the written bytes have left the line, closes the writable (which drains the
 *   OS transmit buffer), stops the pump, closes the port and opens it again with the new settings.
 *   Permission stays with the SerialPort object, so the reopen needs no user gesture.
 * DTR and RTS are set after every open (optical heads are often powered from them). Unplugging (the
 * stream errors fatally, or 'disconnect' fires) fails pending and later reads with PORT_LOST and calls
 * onLost once; the engine then closes this Link and opens a new one every reconnect_time.
 */
import type { Clock } from '../../core/clock';
import { MeterError, toMeterError } from '../../core/errors';
import { charTimeMs, type LineSettings, type Link } from '../../core/link';
import { RxBuffer } from './rx-buffer';
import type { SerialPortLike } from './serial-api';

export interface WebSerialLinkOptions {
  clock: Clock;
  /** Line settings of the first open (an IEC 62056-21 session starts at 300 7E1). */
  line: LineSettings;
  /** Raise DTR after every open (default true). */
  dtr?: boolean;
  /** Raise RTS after every open (default true). */
  rts?: boolean;
  /** The browser's read/write buffer size in bytes (default 4096; Chromium's own default is 255). */
  bufferSize?: number;
  /** The pump stops pulling from the port while this many received bytes wait unread (default 1 MiB). */
  highWaterBytes?: number;
  /** Most unread bytes held (rx-limits.ts; default the largest protocol limit); past it a read fails with LENGTH. */
  rxLimitBytes?: number;
  /**
   * How long setLine lets bytes that are already on their way in reach the buffer before the reader is
   * cancelled (default 0: one timer turn). A meter does not talk during a baud switch it was asked for.
   */
  settleMs?: number;
  /** Longest wait for the OS to drain the transmit buffer when closing (default 2000 ms). */
  drainTimeoutMs?: number;
  /** Diagnostics (non-fatal read errors, reopen). Never receives payload bytes. */
  log?: (message: string) => void;
}

type State = 'new' | 'open' | 'switching' | 'lost' | 'closed';

export interface WebSerialStats {
  opens: number;
  /** Parity, framing, break and overrun errors the port reported (the pump went on reading). */
  readErrors: number;
  bytesIn: number;
  bytesOut: number;
}

/** Open `port` at `opts.line` and return a Link that owns it until close(). */
export async function openWebSerialLink(port: SerialPortLike, opts: WebSerialLinkOptions): Promise<WebSerialLink> {
  const link = new WebSerialLink(port, opts);
  await link.start();
  return link;
}

export class WebSerialLink implements Link {
  readonly kind = 'serial' as const;
  onLost?: (reason: string) => void;
  readonly stats: WebSerialStats = { opens: 0, readErrors: 0, bytesIn: 0, bytesOut: 0 };

  private lineNow: LineSettings;
  private state: State = 'new';
  private readonly rx: RxBuffer;
  private readonly clock: Clock;
  private writer?: WritableStreamDefaultWriter<Uint8Array>;
  private reader?: ReadableStreamDefaultReader<Uint8Array>;
  /** Bumped to stop a pump: a pump only acts while its generation is current. */
  private pumpGen = 0;
  private pumpDone: Promise<void> = Promise.resolve();
  private drainWaiter?: () => void;
  /** When the transmitter is next idle, estimated from the line settings (clock time). */
  private txFreeAt = 0;
  /** write, setLine and close run one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  private lostTeardown: Promise<void> = Promise.resolve();
  private readonly onDisconnect = () => this.lose('The serial device was disconnected.');

  constructor(
    readonly port: SerialPortLike,
    private readonly opts: WebSerialLinkOptions,
  ) {
    this.rx = new RxBuffer(opts.rxLimitBytes);
    this.clock = opts.clock;
    this.lineNow = { ...opts.line };
    this.rx.onDrain = () => {
      const w = this.drainWaiter;
      this.drainWaiter = undefined;
      w?.();
    };
  }

  get line(): LineSettings {
    return { ...this.lineNow };
  }

  /** @internal use openWebSerialLink */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new MeterError('INTERNAL', 'WebSerialLink.start called twice.');
    this.port.addEventListener('disconnect', this.onDisconnect);
    try {
      await this.openPort(this.lineNow);
      this.state = 'open';
    } catch (e) {
      this.port.removeEventListener('disconnect', this.onDisconnect);
      this.state = 'closed';
      throw e;
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    const copy = bytes.slice();
    return this.serialize(async () => {
      this.assertUsable();
      if (copy.length === 0) return;
      const writer = this.writer;
      if (!writer) throw this.lostError();
      const start = Math.max(this.clock.now(), this.txFreeAt);
      this.txFreeAt = start + copy.length * charTimeMs(this.lineNow);
      try {
        await writer.ready;
        await writer.write(copy);
      } catch (e) {
        this.lose(`Writing to the serial port failed: ${errorText(e)}`);
        throw this.lostError();
      }
      this.stats.bytesOut += copy.length;
      // The browser resolves a write when the OS has the bytes; the caller needs them off the line.
      await this.waitTransmitted();
      this.assertUsable();
    });
  }

  read(maxWaitMs: number): Promise<Uint8Array> {
    if (this.state === 'closed' || this.state === 'lost') return Promise.reject(this.lostError());
    return this.rx.read(this.clock, Math.max(0, maxWaitMs));
  }

  setLine(settings: LineSettings): Promise<void> {
    const next = { ...settings };
    return this.serialize(async () => {
      this.assertUsable();
      if (sameLine(next, this.lineNow)) return;
      await this.waitTransmitted();
      this.assertUsable();
      this.state = 'switching';
      try {
        // Closing the writable drains what the OS still holds, at the old settings.
        await this.closeWriter(true);
        await this.clock.sleep(Math.max(0, this.opts.settleMs ?? 0));
        await this.stopPump();
        await this.port.close();
        if (this.isGone()) throw this.lostError();
        this.lineNow = next;
        await this.openPort(next);
        if (this.isGone()) {
          // Lost while reopening: the new streams must not keep the port open.
          await this.teardown(false);
          throw this.lostError();
        }
        this.state = 'open';
        this.opts.log?.(`serial line now ${describeLine(next)}`);
      } catch (e) {
        // close() may have run meanwhile (the state is re-read, not narrowed).
        if (this.currentState() === 'closed') throw this.lostError();
        this.lose(`Reopening the serial port at ${describeLine(next)} failed: ${errorText(e)}`);
        throw this.lostError();
      }
    });
  }

  discardInput(): void {
    this.rx.clear();
  }

  async close(): Promise<void> {
    const wasLost = this.state === 'lost';
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.rx.fail(new MeterError('PORT_LOST', 'The link is closed.'));
    this.port.removeEventListener('disconnect', this.onDisconnect);
    // Wait for a write in progress (it fails fast once the port is gone), then flush and close.
    await this.queue.catch(() => undefined);
    // After a loss the port is already being released: wait for that, so a reopen finds it closed.
    if (wasLost) await this.lostTeardown;
    else await this.teardown(true);
  }

  private async openPort(line: LineSettings): Promise<void> {
    try {
      await this.port.open({
        baudRate: line.baudRate,
        dataBits: line.dataBits,
        parity: line.parity,
        stopBits: line.stopBits,
        flowControl: 'none',
        bufferSize: this.opts.bufferSize ?? 4096,
      });
    } catch (e) {
      throw new MeterError('PORT_LOST', `Could not open the serial port at ${describeLine(line)}: ${errorText(e)}`, { cause: e });
    }
    this.stats.opens++;
    try {
      await this.port.setSignals({ dataTerminalReady: this.opts.dtr ?? true, requestToSend: this.opts.rts ?? true });
      const writable = this.port.writable;
      if (!writable || !this.port.readable) throw new Error('the port has no streams after open');
      this.writer = writable.getWriter();
    } catch (e) {
      await this.port.close().catch(() => undefined);
      throw new MeterError('PORT_LOST', `Could not set up the serial port: ${errorText(e)}`, { cause: e });
    }
    this.txFreeAt = this.clock.now();
    this.startPump();
  }

  private startPump(): void {
    const gen = ++this.pumpGen;
    this.pumpDone = this.pump(gen).catch((e: unknown) => {
      if (gen === this.pumpGen) this.lose(`Reading from the serial port failed: ${errorText(e)}`);
    });
  }

  private async pump(gen: number): Promise<void> {
    while (gen === this.pumpGen) {
      const readable = this.port.readable;
      if (!readable) {
        // readable is null after a fatal error: the device is gone.
        this.lose('The serial device stopped delivering data.');
        return;
      }
      const reader = readable.getReader();
      this.reader = reader;
      try {
        for (;;) {
          if (this.rx.length >= (this.opts.highWaterBytes ?? 1 << 20)) await this.waitDrain(gen);
          if (gen !== this.pumpGen) return;
          const { value, done } = await reader.read();
          if (done) {
            if (gen === this.pumpGen && this.state !== 'closed') this.lose('The serial port closed its input.');
            return;
          }
          if (value && value.length > 0) {
            this.stats.bytesIn += value.length;
            this.rx.push(value);
          }
        }
      } catch (e) {
        if (gen !== this.pumpGen) return;
        if (this.port.readable && this.port.readable !== readable) {
          // Parity, framing, break or overrun: the port offers a new stream and goes on.
          this.stats.readErrors++;
          this.opts.log?.(`serial read error (continuing): ${errorText(e)}`);
        } else {
          this.lose(`The serial device was lost: ${errorText(e)}`);
          return;
        }
      } finally {
        if (this.reader === reader) this.reader = undefined;
        try {
          reader.releaseLock();
        } catch {
          // Already released: nothing to do.
        }
      }
    }
  }

  private waitDrain(gen: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (gen !== this.pumpGen || this.rx.length < (this.opts.highWaterBytes ?? 1 << 20)) return resolve();
      this.drainWaiter = resolve;
    });
  }

  /** Stop the pump: cancel the reader (the pump releases its lock) and wait for it to end. */
  private async stopPump(): Promise<void> {
    this.pumpGen++;
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
    const reader = this.reader;
    if (reader) await reader.cancel().catch(() => undefined);
    await this.pumpDone;
  }

  private async closeWriter(flush: boolean): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    if (!writer) return;
    if (flush) {
      const closed = writer.close().then(
        () => true,
        () => false,
      );
      const drained = await raceTimeout(this.clock, closed, this.opts.drainTimeoutMs ?? 2000);
      if (drained !== true) await writer.abort().catch(() => undefined);
    } else {
      await writer.abort().catch(() => undefined);
    }
    try {
      writer.releaseLock();
    } catch {
      // The lock is already gone with the stream.
    }
  }

  /** Never rejects: every step is best effort on a port that may be gone. */
  private async teardown(flush: boolean): Promise<void> {
    await this.closeWriter(flush).catch(() => undefined);
    await this.stopPump().catch(() => undefined);
    await this.port.close().catch(() => undefined);
  }

  /** The device went away (or a reopen failed): fail reads, release the port, tell the owner once. */
  private lose(reason: string): void {
    if (this.state === 'lost' || this.state === 'closed' || this.state === 'new') return;
    this.state = 'lost';
    this.rx.fail(new MeterError('PORT_LOST', reason));
    this.port.removeEventListener('disconnect', this.onDisconnect);
    // Release the locks and close in the background so a replugged device can be opened again.
    this.lostTeardown = this.teardown(false);
    this.onLost?.(reason);
  }

  private async waitTransmitted(): Promise<void> {
    const wait = this.txFreeAt - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private currentState(): State {
    return this.state;
  }

  private isGone(): boolean {
    return this.state === 'lost' || this.state === 'closed';
  }

  private assertUsable(): void {
    if (this.state !== 'open') throw this.lostError();
  }

  private lostError(): MeterError {
    return this.rx.failed ?? new MeterError('PORT_LOST', this.state === 'closed' ? 'The link is closed.' : undefined);
  }
}

export function sameLine(a: LineSettings, b: LineSettings): boolean {
  return a.baudRate === b.baudRate && a.dataBits === b.dataBits && a.parity === b.parity && a.stopBits === b.stopBits;
}

export function describeLine(s: LineSettings): string {
  return `${s.baudRate} ${s.dataBits}${s.parity[0].toUpperCase()}${s.stopBits}`;
}

function errorText(e: unknown): string {
  if (e instanceof MeterError) return e.message;
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const err = e as { name?: string; message?: string };
    return err.name && err.name !== 'Error' ? `${err.name}: ${err.message ?? ''}` : (err.message ?? String(e));
  }
  return toMeterError(e).message;
}

/** `p`'s value, or 'timeout' after `ms` of clock time. */
async function raceTimeout<T>(clock: Clock, p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let cancel = () => {};
  const timer = new Promise<'timeout'>((resolve) => {
    cancel = clock.schedule(ms, () => resolve('timeout'));
  });
  try {
    return await Promise.race([p, timer]);
  } finally {
    cancel();
  }
}
