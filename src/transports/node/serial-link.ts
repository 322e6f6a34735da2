/**
 * A Link over a serial port in Node (the `serialport` package): USB optical heads, RS-485 adapters.
 * A baud-rate change waits for pending output to drain first, so an IEC 62056-21 acknowledgement is
 * never cut by the switch; a frame-format change (7E1 -> 8N1 for mode E) closes and reopens the port,
 * because serialport can only update the baud rate of an open port.
 */
import { SerialPort } from 'serialport';
import { MeterError } from '../../core/errors';
import type { LineSettings, Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import { ByteInbox } from './byte-inbox';

export interface SerialLinkOptions {
  /** System path: /dev/ttyUSB0, /dev/serial/by-id/..., COM3. */
  path: string;
  line: LineSettings;
  /** Modem control lines after open; optical heads and RS-485 converters may draw power from them. */
  dtr?: boolean;
  rts?: boolean;
  /** Trace for what does not fail the open (a modem line the driver cannot set). */
  log?: SessionLog;
  /** Most unread bytes held (rx-limits.ts; default the largest protocol limit). */
  rxLimitBytes?: number;
}

type Port = SerialPort;

export class SerialLink implements Link {
  readonly kind = 'serial' as const;
  onLost?: (reason: string) => void;
  private readonly inbox: ByteInbox;
  private current: LineSettings;
  private closedByUs = false;
  /** Set while we close the port ourselves to reopen it with another frame format. */
  private reopening = false;

  private constructor(
    private port: Port,
    private readonly opts: SerialLinkOptions,
  ) {
    this.inbox = new ByteInbox(opts.rxLimitBytes);
    this.current = { ...opts.line };
    this.attach(port);
  }

  /** Open `opts.path`. Rejects with NO_ANSWER (missing, busy, no permission) or UNSUPPORTED settings. */
  static async open(opts: SerialLinkOptions): Promise<SerialLink> {
    checkLine(opts.line);
    const port = await openPort(opts.path, opts.line);
    const link = new SerialLink(port, opts);
    await link.applyModemLines();
    return link;
  }

  get line(): LineSettings {
    return this.current;
  }

  /** Bytes received and not yet read. */
  get pending(): number {
    return this.inbox.pending;
  }

  get path(): string {
    return this.opts.path;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.inbox.failed) return Promise.reject(this.lostError());
    if (bytes.length === 0) return Promise.resolve();
    const port = this.port;
    return new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (err) => {
        if (err) reject(this.lostError(err));
      });
      // drain() resolves after tcdrain(): the bytes have left the UART (or the USB adapter's host side).
      port.drain((err) => (err ? reject(this.lostError(err)) : resolve()));
    });
  }

  read(maxWaitMs: number): Promise<Uint8Array> {
    return this.inbox.read(maxWaitMs);
  }

  async setLine(settings: LineSettings): Promise<void> {
    if (this.inbox.failed) throw this.lostError();
    checkLine(settings);
    await this.drain();
    const c = this.current;
    if (c.dataBits === settings.dataBits && c.parity === settings.parity && c.stopBits === settings.stopBits) {
      if (c.baudRate !== settings.baudRate) await this.updateBaud(settings.baudRate);
      this.current = { ...settings };
      return;
    }
    await this.reopen(settings);
  }

  discardInput(): void {
    this.inbox.discard();
  }

  async close(): Promise<void> {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.inbox.fail(new MeterError('PORT_LOST', `The serial port ${this.opts.path} is closed.`), false);
    await closePort(this.port);
  }

  private attach(port: Port): void {
    port.on('data', (chunk: Buffer) => this.inbox.push(chunk));
    // Errors after open are followed by 'close' when the port is gone; the reason is kept for onLost.
    port.on('error', (e: Error) => this.lost(`${this.opts.path}: ${e.message}`));
    port.on('close', (e: (Error & { disconnected?: boolean }) | null) => {
      if (this.reopening || this.closedByUs) return;
      this.lost(e?.disconnected ? `${this.opts.path} was unplugged` : `${this.opts.path} was closed`);
    });
  }

  private lost(reason: string): void {
    if (this.closedByUs || this.reopening || this.inbox.failed) return;
    this.inbox.fail(new MeterError('PORT_LOST', reason), true);
    this.onLost?.(reason);
  }

  private async applyModemLines(): Promise<void> {
    const wanted: { dtr?: boolean; rts?: boolean } = {};
    if (this.opts.dtr !== undefined) wanted.dtr = this.opts.dtr;
    if (this.opts.rts !== undefined) wanted.rts = this.opts.rts;
    if (Object.keys(wanted).length === 0) return;
    try {
      await new Promise<void>((resolve, reject) => this.port.set(wanted, (err) => (err ? reject(err) : resolve())));
    } catch (e) {
      // Some adapters (and pseudo terminals) have no modem lines; the port still carries data.
      this.opts.log?.(2, `${this.opts.path}: could not set DTR/RTS: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private drain(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.port.drain((err) => (err ? reject(this.lostError(err)) : resolve())));
  }

  private updateBaud(baudRate: number): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      this.port.update({ baudRate }, (err) => (err ? reject(new MeterError('UNSUPPORTED', `${this.opts.path} cannot run at ${baudRate} baud: ${err.message}`, { cause: err })) : resolve())),
    );
  }

  /** Close and reopen with another frame format; bytes already received stay in the inbox. */
  private async reopen(settings: LineSettings): Promise<void> {
    this.reopening = true;
    try {
      const old = this.port;
      await closePort(old);
      old.removeAllListeners();
      let port: Port;
      try {
        port = await openPort(this.opts.path, settings);
      } catch (e) {
        this.reopening = false;
        const reason = `${this.opts.path} could not be reopened at ${describeLine(settings)}`;
        this.lost(reason);
        throw e;
      }
      this.port = port;
      this.attach(port);
      this.current = { ...settings };
      await this.applyModemLines();
    } finally {
      this.reopening = false;
    }
  }

  private lostError(cause?: unknown): MeterError {
    const detail = this.closedByUs ? `The serial port ${this.opts.path} is closed.` : `The serial port ${this.opts.path} was lost.`;
    return new MeterError('PORT_LOST', detail, cause === undefined ? {} : { cause });
  }
}

export function describeLine(s: LineSettings): string {
  return `${s.baudRate} ${s.dataBits}${s.parity[0].toUpperCase()}${s.stopBits}`;
}

function checkLine(s: LineSettings): void {
  if (s.dataBits !== 7 && s.dataBits !== 8) throw new MeterError('UNSUPPORTED', `${String(s.dataBits)} data bits: only 7 and 8 are supported.`);
  if (s.stopBits !== 1 && s.stopBits !== 2) throw new MeterError('UNSUPPORTED', `${String(s.stopBits)} stop bits: only 1 and 2 are supported.`);
  if (!Number.isInteger(s.baudRate) || s.baudRate <= 0) throw new MeterError('UNSUPPORTED', `${String(s.baudRate)} is not a baud rate.`);
}

function openPort(path: string, line: LineSettings): Promise<Port> {
  return new Promise<Port>((resolve, reject) => {
    const port = new SerialPort({
      path,
      baudRate: line.baudRate,
      dataBits: line.dataBits,
      parity: line.parity,
      stopBits: line.stopBits,
      autoOpen: false,
    });
    port.open((err) => {
      if (!err) return resolve(port);
      reject(new MeterError('NO_ANSWER', `Cannot open the serial port ${path}: ${explainOpenError(err)}.`, { cause: err }));
    });
  });
}

function closePort(port: Port): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => port.close(() => resolve()));
}

/** serialport's messages are the binding's; say what they mean for someone holding a probe. */
function explainOpenError(err: Error): string {
  const m = err.message;
  if (/no such file|ENOENT|cannot find/i.test(m)) return 'it does not exist (is the adapter plugged in, is the path right?)';
  if (/permission denied|EACCES|access denied/i.test(m)) return 'permission denied (on Linux, add your user to the "dialout" group)';
  if (/busy|EBUSY|lock/i.test(m)) return 'it is in use by another program';
  return m;
}
