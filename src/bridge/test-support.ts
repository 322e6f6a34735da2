/**
 * Helpers for the bridge tests: a TCP echo "meter" on loopback and a ws client that presents an Origin.
 * Not imported by production code.
 */
import { createServer, type Server, type Socket } from 'node:net';
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../transports/websocket/bridge-link';

export const APP_ORIGIN = 'http://localhost:5173';

export interface EchoServer {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** Echoes every byte back, respecting backpressure. */
export async function startEcho(onSocket?: (s: Socket) => boolean): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const state = { accepted: 0 };
  const server: Server = createServer((s) => {
    state.accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (onSocket?.(s)) return;
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    get accepted() {
      return state.accepted;
    },
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `ws` client as the Link's socket factory, presenting `origin` as a browser would. */
export function wsFactory(origin: string | undefined = APP_ORIGIN): WebSocketFactory {
  return (url, protocols) => new WebSocket(url, protocols, origin ? { origin } : {}) as unknown as WebSocketLike;
}

export type HandshakeResult = { status: number } | { open: true; protocol: string; ws: WebSocket };

/** Dial with a raw ws client and report the HTTP status of a refused handshake, or the open socket. */
export function dial(url: string, opts: { origin?: string; protocols?: string[] } = {}): Promise<HandshakeResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? ['binary'], opts.origin ? { origin: opts.origin } : {});
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => resolve({ open: true, protocol: ws.protocol, ws }));
    ws.on('error', (e) => reject(e));
  });
}

/** The close code and reason of a socket, or after `ms` a rejection. */
export function closed(ws: WebSocket, ms = 5000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no close within ${ms} ms`)), ms);
    ws.on('close', (code, reason) => {
      clearTimeout(t);
      resolve({ code, reason: reason.toString() });
    });
  });
}
