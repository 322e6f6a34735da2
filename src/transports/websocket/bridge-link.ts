/**
 * A Link to a meter on a LAN through the MeterScope bridge (or any websockify endpoint), over the
 * standard WebSocket API: globalThis.WebSocket in the browser and worker, the `ws` package's class in Node.
 *
 * Protocol (docs/bridge.md): one WebSocket per meter connection, subprotocol `binary`; the token and the
 * target travel as query parameters of the URL (`?token=...&target=10.0.0.5:4059`) because a browser
 * cannot set headers on a WebSocket; every message is a chunk of the TCP byte stream. Without a token
 * the URL is used as given (plus `target` when set): a plain websockify endpoint, whose own configuration
 * (or its `?token=` plugin in the URL) picks the target, works that way.
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import { LINE_9600_8N1, type LineSettings, type Link } from '../../core/link';
import { RxBuffer } from '../webserial/rx-buffer';

/** The part of the WebSocket interface this uses (the browser's and the `ws` package's both fit). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface BridgeLinkOptions {
  /** ws:// or wss:// address of the bridge (Settings). */
  url: string;
  /** The bridge token (Settings); leave empty for a websockify endpoint. */
  token?: string;
  /** `host:port` of the meter; the bridge checks it against its allowlist. */
  target?: string;
  /** How to make the socket; default `new globalThis.WebSocket(url, protocols)`. */
  createSocket?: WebSocketFactory;
  /** Writes are cut into messages of at most this size (default 16 KiB, under the bridge's 64 KiB cap). */
  maxMessageBytes?: number;
  /** A write waits while more than this is queued in the socket (default 256 KiB). */
  highWaterBytes?: number;
  /** Most unread bytes held (rx-limits.ts; default the largest protocol limit); past it a read fails with LENGTH. */
  rxLimitBytes?: number;
  openTimeoutMs?: number;
}

const OPEN = 1;

/** Messages for the close codes the bridge sends (src/bridge/server.ts CLOSE). */
const CLOSE_TEXT: Record<number, string> = {
  1000: 'the meter closed the connection',
  1001: 'the bridge is shutting down',
  1003: 'the bridge refused a text message',
  1006: 'the connection to the bridge broke',
  1009: 'a message was larger than the bridge accepts',
  4000: 'the bridge could not read the target address',
  4003: 'the bridge does not allow this target (see its --allow rules)',
  4004: 'the bridge could not reach the meter',
  4008: 'the bridge closed the idle connection',
};

/** The URL actually dialled: token and target added as query parameters when given. */
export function bridgeUrl(opts: Pick<BridgeLinkOptions, 'url' | 'token' | 'target'>): string {
  let u: URL;
  try {
    u = new URL(opts.url);
  } catch {
    throw new MeterError('CONFIG_INVALID', `The bridge address "${opts.url}" is not a URL (e.g. ws://127.0.0.1:8765).`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new MeterError('CONFIG_INVALID', 'The bridge address must start with ws:// or wss://.');
  if (opts.token) u.searchParams.set('token', opts.token);
  if (opts.target) u.searchParams.set('target', opts.target);
  return u.toString();
}

function defaultFactory(url: string, protocols: string[]): WebSocketLike {
  // The standard WebSocket's handler properties take DOM event types; this Link reads only the fields
  // declared in WebSocketLike, which the DOM events have.
  const Ctor = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => unknown }).WebSocket;
  if (!Ctor) throw new MeterError('UNSUPPORTED', 'This environment has no WebSocket.');
  return new Ctor(url, protocols) as WebSocketLike;
}

export async function openBridgeLink(opts: BridgeLinkOptions, clock: Clock): Promise<BridgeLink> {
  const url = bridgeUrl(opts);
  const socket = (opts.createSocket ?? defaultFactory)(url, ['binary']);
  socket.binaryType = 'arraybuffer';
  const link = new BridgeLink(socket, opts, clock);
  await link.opened(opts.openTimeoutMs ?? 10_000);
  return link;
}

export class BridgeLink implements Link {
  readonly kind = 'stream' as const;
  line: LineSettings = { ...LINE_9600_8N1 };
  onLost?: (reason: string) => void;
  readonly stats = { bytesIn: 0, bytesOut: 0 };

  private readonly rx: RxBuffer;
  private state: 'connecting' | 'open' | 'lost' | 'closed' = 'connecting';
  private openWaiter?: { resolve: () => void; reject: (e: MeterError) => void };
  private readonly maxMessage: number;
  private readonly highWater: number;

  constructor(
    private readonly socket: WebSocketLike,
    opts: BridgeLinkOptions,
    private readonly clock: Clock,
  ) {
    this.rx = new RxBuffer(opts.rxLimitBytes);
    this.maxMessage = Math.max(1, opts.maxMessageBytes ?? 16 * 1024);
    this.highWater = opts.highWaterBytes ?? 256 * 1024;
    socket.onopen = () => {
      if (this.state !== 'connecting') return;
      this.state = 'open';
      this.openWaiter?.resolve();
    };
    socket.onmessage = (ev) => {
      if (this.state !== 'open') return;
      const bytes = toBytes(ev.data);
      if (!bytes) {
        // websockify's old base64 mode, or a server that is not a bridge: refuse rather than guess.
        this.fail('the bridge sent a text message; only the binary subprotocol is supported');
        this.socket.close(1003, 'binary only');
        return;
      }
      this.stats.bytesIn += bytes.length;
      this.rx.push(bytes);
    };
    socket.onerror = () => {
      // The close event that follows carries the code; nothing to add here.
    };
    socket.onclose = (ev) => {
      const why = CLOSE_TEXT[ev.code] ?? `the bridge closed the connection (code ${ev.code})`;
      const reason = ev.reason ? `${why}: ${ev.reason}` : why;
      if (this.state === 'connecting') {
        this.state = 'lost';
        const err = new MeterError('PORT_LOST', `Could not connect through the bridge: ${ev.code === 1006 ? 'refused or unreachable (check the address, the token and the bridge\'s --origin list)' : reason}.`);
        this.rx.fail(err);
        this.openWaiter?.reject(err);
        return;
      }
      this.fail(reason);
    };
  }

  /** @internal resolves once the socket is open. */
  opened(timeoutMs: number): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    if (this.state !== 'connecting') return Promise.reject(this.lostError());
    return new Promise<void>((resolve, reject) => {
      const cancel = this.clock.schedule(timeoutMs, () => {
        if (this.state !== 'connecting') return;
        this.state = 'lost';
        const err = new MeterError('PORT_LOST', `No connection to the bridge within ${timeoutMs} ms.`);
        this.rx.fail(err);
        this.socket.close();
        reject(err);
      });
      this.openWaiter = {
        resolve: () => {
          cancel();
          resolve();
        },
        reject: (e) => {
          cancel();
          reject(e);
        },
      };
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    for (let at = 0; at < bytes.length; at += this.maxMessage) {
      // A copy: the caller may reuse its buffer, and the socket sends asynchronously.
      this.socket.send(bytes.slice(at, Math.min(bytes.length, at + this.maxMessage)));
      // Bounded wait: the socket drains or the link is lost.
      while (this.socket.bufferedAmount > this.highWater) {
        await this.clock.sleep(5);
        this.assertOpen();
      }
    }
    this.stats.bytesOut += bytes.length;
  }

  read(maxWaitMs: number): Promise<Uint8Array> {
    if (this.state !== 'open') return Promise.reject(this.lostError());
    return this.rx.read(this.clock, Math.max(0, maxWaitMs));
  }

  /** A TCP stream has no line: the settings are kept for reporting only. */
  async setLine(settings: LineSettings): Promise<void> {
    this.assertOpen();
    this.line = { ...settings };
  }

  discardInput(): void {
    this.rx.clear();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.rx.fail(new MeterError('PORT_LOST', 'The link is closed.'));
    try {
      this.socket.close(1000, 'done');
    } catch {
      // Already closing.
    }
  }

  private fail(reason: string): void {
    if (this.state === 'lost' || this.state === 'closed') return;
    this.state = 'lost';
    this.rx.fail(new MeterError('PORT_LOST', `${reason[0].toUpperCase()}${reason.slice(1)}.`));
    this.onLost?.(reason);
  }

  private assertOpen(): void {
    if (this.state !== 'open' || this.socket.readyState !== OPEN) throw this.lostError();
  }

  private lostError(): MeterError {
    return this.rx.failed ?? new MeterError('PORT_LOST', 'The bridge link is not open.');
  }
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return undefined;
}
