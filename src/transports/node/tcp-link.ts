/**
 * A Link over a TCP socket (node:net): meters with an IP interface, the simulators, RS-485/TCP
 * converters. A stream link: setLine only records what it was given, there is no line to switch.
 */
import net from 'node:net';
import { MeterError } from '../../core/errors';
import { LINE_9600_8N1, type LineSettings, type Link } from '../../core/link';
import { ByteInbox } from './byte-inbox';

export interface TcpLinkOptions {
  host: string;
  port: number;
  /** Give up connecting after this long (TIMEOUT). */
  connectTimeoutMs?: number;
  /** Most unread bytes held (rx-limits.ts; default the largest protocol limit). */
  rxLimitBytes?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Socket error codes that mean "nobody is listening there" rather than "the link broke". */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing is listening on that port)',
  EHOSTUNREACH: 'the host cannot be reached',
  ENETUNREACH: 'the network cannot be reached',
  ENOTFOUND: 'the host name is unknown',
  EAI_AGAIN: 'the host name could not be looked up',
  ECONNRESET: 'the connection was reset',
};

export class TcpLink implements Link {
  readonly kind = 'stream' as const;
  onLost?: (reason: string) => void;
  private current: LineSettings = { ...LINE_9600_8N1 };
  private readonly inbox: ByteInbox;
  private closedByUs = false;
  private lostReason?: string;

  /** Wraps a connected socket (from connectTcp or an accepting server). */
  constructor(
    private readonly socket: net.Socket,
    /** For messages: `host:port` of the peer. */
    readonly peer: string,
    rxLimitBytes?: number,
  ) {
    this.inbox = new ByteInbox(rxLimitBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.inbox.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.lostReason ??= `${peer}: ${describeSocketError(e)}`;
    });
    socket.on('close', () => this.ended());
  }

  get line(): LineSettings {
    return this.current;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.inbox.failed || this.socket.destroyed) return Promise.reject(this.lostError());
    if (bytes.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // The callback runs once the bytes are handed to the kernel: the closest TCP has to "left the line".
      this.socket.write(bytes, (err) => (err ? reject(this.lostError(err)) : resolve()));
    });
  }

  read(maxWaitMs: number): Promise<Uint8Array> {
    return this.inbox.read(maxWaitMs);
  }

  async setLine(settings: LineSettings): Promise<void> {
    if (this.inbox.failed) throw this.lostError();
    this.current = { ...settings };
  }

  discardInput(): void {
    this.inbox.discard();
  }

  close(): Promise<void> {
    if (!this.closedByUs) {
      this.closedByUs = true;
      this.inbox.fail(new MeterError('PORT_LOST', `The connection to ${this.peer} is closed.`), false);
    }
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private ended(): void {
    if (this.closedByUs) return;
    const reason = this.lostReason ?? `${this.peer} closed the connection`;
    this.lostReason = reason;
    this.inbox.fail(new MeterError('PORT_LOST', reason), true);
    this.onLost?.(reason);
  }

  private lostError(cause?: unknown): MeterError {
    const detail = this.closedByUs ? `The connection to ${this.peer} is closed.` : (this.lostReason ?? `The connection to ${this.peer} was lost.`);
    return new MeterError('PORT_LOST', detail, cause === undefined ? {} : { cause });
  }
}

/** Connect to `host:port`. Rejects with NO_ANSWER (refused, unreachable) or TIMEOUT. */
export function connectTcp(opts: TcpLinkOptions): Promise<TcpLink> {
  const peer = `${opts.host}:${opts.port}`;
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise<TcpLink>((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port: opts.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new MeterError('TIMEOUT', `No TCP connection to ${peer} within ${timeoutMs} ms.`));
    }, timeoutMs);
    const onError = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new MeterError('NO_ANSWER', `Cannot connect to ${peer}: ${describeSocketError(e)}.`, { cause: e }));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(new TcpLink(socket, peer, opts.rxLimitBytes));
    });
  });
}

export interface TcpServerHandle {
  host: string;
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  /** Stop accepting and close every accepted connection. */
  close(): Promise<void>;
}

/**
 * Listen on `host:port` and hand every accepted connection to `onConnection` as a Link (the
 * simulators serve meters this way). Rejects if the port cannot be bound.
 */
export function serveTcp(port: number, host: string, onConnection: (link: Link, peer: string) => void): Promise<TcpServerHandle> {
  const links = new Set<TcpLink>();
  const server = net.createServer((socket) => {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const link = new TcpLink(socket, peer);
    links.add(link);
    socket.once('close', () => links.delete(link));
    onConnection(link, peer);
  });
  return new Promise<TcpServerHandle>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(new MeterError('NO_ANSWER', `Cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is already in use' : e.message}.`, { cause: e }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        host,
        port: bound,
        close: async () => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          await Promise.all([...links].map((l) => l.close()));
          await closed;
        },
      });
    });
  });
}

function describeSocketError(e: NodeJS.ErrnoException): string {
  return (e.code && UNREACHABLE[e.code]) ?? e.message;
}
