/**
 * The WebSocket-to-TCP bridge (Node, `ws` package): lets the browser app reach meters on a LAN.
 *
 * Secure by default. It binds to loopback; a request must come from an allowed Origin (the app's own
 * pages), carry the bridge token, and name a target on the explicit allowlist (host:port or
 * IPv4-CIDR:port, checked on the name and on the resolved address, which is then the one connected to).
 * Connections and message size are capped, idle links closed, and a slow side holds the other back
 * (pause/resume both ways) instead of buffering without limit. Frames are binary, websockify style: one
 * WebSocket message carries raw bytes of the TCP stream, nothing else. See docs/bridge.md.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Clock } from '../core/clock';
import { realClock } from '../core/real-clock';
import { isAllowed, parseAllowRule, parseIPv4, parseTarget, type AllowRule, type Target } from './allowlist';
import { limited } from './limits';

export { LIMITS } from './limits';

/** The app's dev (vite) and preview origins. */
export const DEFAULT_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:4173', 'http://127.0.0.1:4173'];
export const DEFAULT_PORT = 8765;
export const SUBPROTOCOL = 'binary';
export const MIN_TOKEN_LENGTH = 12;

/** Close codes the bridge uses (the 4xxx ones are private-use, explained in the close reason too). */
export const CLOSE = {
  targetClosed: 1000,
  shutdown: 1001,
  textFrame: 1003,
  tooBig: 1009,
  badTarget: 4000,
  notAllowed: 4003,
  unreachable: 4004,
  idle: 4008,
} as const;

export interface BridgeOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port (default 8765; 0 picks a free one). */
  port?: number;
  /** `host:port` or `a.b.c.d/nn:port` rules; nothing else is reachable. */
  allow: string[];
  origins?: string[];
  /** Accept requests without an Origin header (non-browser clients). Off by default. */
  allowMissingOrigin?: boolean;
  /** Shared secret; generated when absent. */
  token?: string;
  maxMessageBytes?: number;
  maxConnections?: number;
  idleMs?: number;
  connectTimeoutMs?: number;
  /** Pause the TCP side while this many bytes wait to go out on the WebSocket (default 1 MiB). */
  highWaterBytes?: number;
  /** A handshake (request line and headers) must arrive within this (default 5000 ms). */
  handshakeTimeoutMs?: number;
  /** A refused client gets this long to read the answer before its socket is destroyed (default 1000 ms). */
  refuseGraceMs?: number;
  /** One line per event. Never receives the token. Default: stderr. */
  log?: (line: string) => void;
  clock?: Clock;
  /** Name resolution (tests); default dns.lookup with family 4. */
  lookup?: (host: string) => Promise<string>;
}

export interface RunningBridge {
  url: string;
  host: string;
  port: number;
  token: string;
  tokenGenerated: boolean;
  /** Relayed links open right now. */
  readonly connections: number;
  close(): Promise<void>;
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compare without leaking where the strings differ (digests make the lengths equal). */
function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (parseIPv4(host) ?? 0) >>> 24 === 127;
}

const defaultLog = (line: string) => process.stderr.write(`${new Date().toISOString()} bridge ${line}\n`);

export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const host = opts.host ?? '127.0.0.1';
  const rules: AllowRule[] = opts.allow.map(parseAllowRule);
  const origins = new Set(opts.origins && opts.origins.length > 0 ? opts.origins : DEFAULT_ORIGINS);
  const tokenGenerated = opts.token === undefined;
  const token = opts.token ?? generateToken();
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`the token must be at least ${MIN_TOKEN_LENGTH} characters long`);
  const maxMessageBytes = limited(opts, 'maxMessageBytes');
  const maxConnections = limited(opts, 'maxConnections');
  const idleMs = limited(opts, 'idleMs');
  const connectTimeoutMs = limited(opts, 'connectTimeoutMs');
  const highWater = limited(opts, 'highWaterBytes');
  const handshakeMs = limited(opts, 'handshakeTimeoutMs');
  const refuseGraceMs = limited(opts, 'refuseGraceMs');
  const log = opts.log ?? defaultLog;
  const clock = opts.clock ?? realClock;
  const lookup = opts.lookup ?? (async (name: string) => (await dnsLookup(name, { family: 4 })).address);

  let slots = 0;
  let seq = 0;
  const live = new Set<{ ws: WebSocket; tcp?: Socket }>();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    clientTracking: false,
    perMessageDeflate: false,
    handleProtocols: (offered: Set<string>) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const http = createServer(
    {
      // A handshake that does not complete in time is cut (slow-header clients hold sockets otherwise);
      // the check runs often enough that "in time" means within a fraction of a second of it.
      headersTimeout: handshakeMs,
      requestTimeout: handshakeMs,
      connectionsCheckingInterval: Math.min(1_000, handshakeMs),
      keepAliveTimeout: handshakeMs,
    },
    (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket', connection: 'close' });
      res.end('MeterScope bridge: WebSocket connections only.\n');
    },
  );
  // Malformed HTTP: one line in the log, a 400, and the socket gone (never an exception).
  const faulted = new WeakSet<Duplex>();
  http.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that keeps sending after the 400 gets no second line in the log, just the cut.
    if (faulted.has(socket)) return void socket.destroy();
    faulted.add(socket);
    log(`client error: ${e.code ?? 'malformed request'}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.once('close', clock.schedule(refuseGraceMs, () => socket.destroy()));
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const id = ++seq;
    socket.on('error', () => undefined);
    let answered = false;
    const refuse = (status: number, text: string, why: string) => {
      log(`#${id} ${remoteOf(req)} refused (${status}): ${why}`);
      answered = true;
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
      // A client that keeps its half open would hold the handle for good: destroy after a short grace.
      socket.once('close', clock.schedule(refuseGraceMs, () => socket.destroy()));
    };
    try {
      upgrade(req, socket, head, id, refuse);
    } catch (e) {
      // Nothing a client sends may end the process: whatever slipped through is a 400 and one line.
      if (!answered) refuse(400, 'Bad Request', `malformed request (${e instanceof Error ? e.name : 'error'})`);
      else socket.destroy();
    }
  });

  function remoteOf(req: IncomingMessage): string {
    return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
  }

  /** The request target's query, or undefined when the target is not a path-and-query we can read. */
  function queryOf(url: string | undefined): URLSearchParams | undefined {
    const text = url ?? '/';
    // Only origin-form targets ("/path?query"); absolute or authority forms are not how the app asks.
    if (!text.startsWith('/') || text.startsWith('//')) return undefined;
    try {
      return new URL(text, 'http://bridge.invalid').searchParams;
    } catch {
      return undefined;
    }
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, id: number, refuse: (status: number, text: string, why: string) => void): void {
    const remote = remoteOf(req);
    const origin = req.headers.origin;
    if (origin === undefined ? !opts.allowMissingOrigin : !origins.has(origin)) {
      return refuse(403, 'Forbidden', origin === undefined ? 'no Origin header' : `origin ${JSON.stringify(origin).slice(0, 100)} is not allowed`);
    }
    // The query holds the token: the URL itself is never logged.
    const query = queryOf(req.url);
    if (query === undefined) return refuse(400, 'Bad Request', 'malformed request target');
    const given = query.get('token');
    if (!given || !tokenMatches(given, token)) return refuse(401, 'Unauthorized', given ? 'wrong token' : 'no token');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    if (offered.length > 0 && !offered.includes(SUBPROTOCOL)) return refuse(400, 'Bad Request', `subprotocol must be "${SUBPROTOCOL}"`);
    if (slots >= maxConnections) return refuse(503, 'Service Unavailable', `connection limit (${maxConnections}) reached`);
    slots++;
    let accepted = false;
    // ws answers a malformed handshake itself and never calls back: free the slot with the socket,
    // and make sure that socket does not linger half-open either.
    const cut = clock.schedule(handshakeMs, () => {
      if (!accepted) socket.destroy();
    });
    socket.once('close', () => {
      cut();
      if (!accepted) slots--;
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      accepted = true;
      cut();
      relay(ws, id, remote, origin ?? '-', query.get('target') ?? '');
    });
  }

  function relay(ws: WebSocket, id: number, remote: string, origin: string, targetText: string): void {
    const entry: { ws: WebSocket; tcp?: Socket } = { ws };
    live.add(entry);
    const started = clock.now();
    let up = 0;
    let down = 0;
    let lastActivity = clock.now();
    // Quoted until parsed: the raw query value must not inject lines into the log.
    let where = JSON.stringify(targetText.slice(0, 100));
    let tcp: Socket | undefined;
    let closed = false;
    const early: Buffer[] = [];
    let cancelIdle = () => {};
    let cancelConnect = () => {};

    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      cancelIdle();
      cancelConnect();
      tcp?.destroy();
      // A paused socket would not read the peer's close frame: the closing handshake needs it flowing.
      ws.resume();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason.slice(0, 120));
    };

    const armIdle = (ms: number) => {
      cancelIdle = clock.schedule(ms, () => {
        const quiet = clock.now() - lastActivity;
        if (quiet >= idleMs) finish(CLOSE.idle, `idle for ${Math.round(quiet / 1000)} s`);
        else armIdle(idleMs - quiet);
      });
    };
    armIdle(idleMs);

    ws.on('error', (e: Error) => {
      // ws closes the link itself (1009 for an oversized message); this records why.
      log(`#${id} websocket error: ${e.message}`);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      // The peer chooses the reason text: quoted so it cannot forge log lines.
      const text = reason.length > 0 ? JSON.stringify(reason.toString('utf8').slice(0, 120)) : '';
      closed = true;
      cancelIdle();
      cancelConnect();
      tcp?.destroy();
      live.delete(entry);
      slots--;
      const secs = ((clock.now() - started) / 1000).toFixed(1);
      log(`#${id} closed ${where}: ${code}${text ? ` ${text}` : ''}; ${up} bytes to target, ${down} from target, ${secs} s`);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return;
      if (!isBinary) return finish(CLOSE.textFrame, 'text frames are not supported: send binary');
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      lastActivity = clock.now();
      up += buf.length;
      if (!tcp || tcp.connecting) {
        early.push(buf);
        ws.pause();
        return;
      }
      if (!tcp.write(buf)) ws.pause();
    });
    ws.pause(); // nothing is read from the browser until the target is connected

    let target: Target;
    try {
      target = parseTarget(targetText);
    } catch {
      log(`#${id} ${remote} bad target ${where}: not host:port`);
      return finish(CLOSE.badTarget, 'target must be host:port (IPv4 or name)');
    }
    where = `${target.host}:${target.port}`;
    void (async () => {
      let address: string;
      try {
        address = parseIPv4(target.host) !== undefined ? target.host : await lookup(target.host);
      } catch {
        log(`#${id} ${remote} cannot resolve ${where}`);
        return finish(CLOSE.unreachable, `cannot resolve ${target.host}`);
      }
      if (closed) return;
      const rule = isAllowed(rules, target, address);
      if (!rule) {
        log(`#${id} ${remote} origin ${origin}: target ${where} (${address}) is not on the allowlist`);
        return finish(CLOSE.notAllowed, `target ${where} is not allowed by this bridge`);
      }
      const socket = connect({ host: address, port: target.port });
      tcp = socket;
      entry.tcp = socket;
      socket.setNoDelay(true);
      cancelConnect = clock.schedule(connectTimeoutMs, () => {
        if (socket.connecting) finish(CLOSE.unreachable, `no connection to ${where} within ${connectTimeoutMs} ms`);
      });
      socket.on('connect', () => {
        cancelConnect();
        log(`#${id} ${remote} origin ${origin} -> ${where} (${address}, rule ${rule.text}) connected`);
        for (const b of early.splice(0)) socket.write(b);
        if (!closed) ws.resume();
      });
      socket.on('drain', () => {
        if (!closed) ws.resume();
      });
      socket.on('data', (chunk: Buffer) => {
        lastActivity = clock.now();
        down += chunk.length;
        for (let at = 0; at < chunk.length; at += maxMessageBytes) {
          const part = chunk.subarray(at, Math.min(chunk.length, at + maxMessageBytes));
          ws.send(part, { binary: true }, () => {
            if (socket.isPaused() && ws.bufferedAmount < highWater / 2) socket.resume();
          });
        }
        if (ws.bufferedAmount >= highWater) socket.pause();
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        finish(CLOSE.unreachable, `target ${where}: ${e.code ?? e.message}`);
      });
      socket.on('close', () => finish(CLOSE.targetClosed, 'the target closed the connection'));
    })().catch((e: unknown) => {
      log(`#${id} relay setup failed: ${e instanceof Error ? e.message : String(e)}`);
      finish(CLOSE.unreachable, 'the bridge could not set up the connection');
    });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? DEFAULT_PORT, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? DEFAULT_PORT);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log(`listening on ws://${urlHost}:${port}/ (${rules.length} allowed target rule(s), origins: ${[...origins].join(' ')})`);
  if (!isLoopback(host)) log(`warning: listening on ${host}, not loopback: other machines can reach this bridge (they still need the token)`);

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${port}/`,
    host,
    port,
    token,
    tokenGenerated,
    get connections() {
      return live.size;
    },
    close() {
      closing ??= (async () => {
        const done = new Promise<void>((resolve) => http.close(() => resolve()));
        for (const { ws, tcp } of live) {
          tcp?.destroy();
          ws.close(CLOSE.shutdown, 'the bridge is shutting down');
        }
        // Sockets that do not finish their closing handshake quickly are cut.
        await new Promise<void>((resolve) => clock.schedule(live.size > 0 ? 200 : 0, () => resolve()));
        for (const { ws } of live) ws.terminate();
        http.closeAllConnections();
        await done;
        wss.close();
      })();
      return closing;
    },
  };
}
