/**
 * Issue 13, finding 3: a peer that floods bytes must not grow the process. Every receive buffer holds
 * at most its protocol's limit (rx-limits.ts); past it the bytes are dropped and the next read fails
 * with LENGTH, after which the link works again. Real sockets on loopback; waits bounded in time.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBridge } from '../bridge/server';
import { APP_ORIGIN, wsFactory } from '../bridge/test-support';
import { MeterError } from '../core/errors';
import { realClock } from '../core/real-clock';
import { VirtualClock } from '../core/virtual-clock';
import { ByteInbox } from './node/byte-inbox';
import { connectTcp } from './node/tcp-link';
import { DEFAULT_RX_LIMIT_BYTES, RX_LIMITS, rxLimitFor } from './rx-limits';
import { RxBuffer } from './webserial/rx-buffer';
import { openBridgeLink } from './websocket/bridge-link';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP "meter" that, once `flood()` is called, writes 64 KiB chunks as fast as the socket takes them. */
async function floodingPeer() {
  let peer: net.Socket | undefined;
  let flooding = false;
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const pump = () => {
    while (flooding && peer && !peer.destroyed) {
      sent += chunk.length;
      if (!peer.write(chunk)) return void peer.once('drain', pump);
    }
  };
  const server = net.createServer((s) => {
    peer = s;
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => (peer?.destroy(), server.close(() => r()))));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get sent() {
      return sent;
    },
    flood() {
      flooding = true;
      pump();
    },
    stop() {
      flooding = false;
    },
    say(text: string) {
      peer?.write(text);
    },
  };
}

async function settle(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

describe('receive limits (finding 3)', () => {
  it('are sized from the protocols: one longest legal answer fits twice', () => {
    expect(RX_LIMITS.wrapper).toBe(2 * (8 + 65535));
    expect(RX_LIMITS.iec).toBe(2 * 128 * 1024);
    expect(rxLimitFor({ protocol: 'DLMS', mode: 'DLMS-WRAPPER' })).toBe(RX_LIMITS.wrapper);
    expect(rxLimitFor({ protocol: 'DLMS', mode: 'DLMS-HDLC' })).toBe(RX_LIMITS.hdlc);
    expect(rxLimitFor({ protocol: 'IEC 62056-21' })).toBe(RX_LIMITS.iec);
    expect(rxLimitFor({ protocol: 'Elgama', meter_model: 2 })).toBe(RX_LIMITS.hdlc);
    expect(DEFAULT_RX_LIMIT_BYTES).toBe(Math.max(...Object.values(RX_LIMITS)));
  });

  it('TCP: a flood nobody reads is dropped, the next read fails with LENGTH, then the link works on', async () => {
    const peer = await floodingPeer();
    const link = await connectTcp({ host: '127.0.0.1', port: peer.port, rxLimitBytes: RX_LIMITS.iec });
    cleanups.push(() => link.close());
    const heapBefore = process.memoryUsage().arrayBuffers;
    peer.flood();
    await settle(400); // between two polls: nobody reads
    peer.stop();
    await settle(50);
    expect(peer.sent).toBeGreaterThan(4 * RX_LIMITS.iec);
    // Held bytes never exceed the limit (plus a socket chunk in flight), however much was sent.
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * 1024 * 1024);
    const err = await link.read(100).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MeterError);
    expect(err).toMatchObject({ code: 'LENGTH' });
    // The flood has stopped: whatever was still in flight drains, then the peer's answer comes through.
    let quiet = 0;
    for (let i = 0; i < 500 && quiet < 3; i++) quiet = (await link.read(30).catch(() => new Uint8Array(1))).length === 0 ? quiet + 1 : 0;
    expect(quiet).toBe(3);
    peer.say('OK');
    expect(new TextDecoder().decode(await link.read(1000))).toBe('OK');
  });

  it('TCP: a reader waiting while a flood passes the limit is failed at once', async () => {
    const peer = await floodingPeer();
    const link = await connectTcp({ host: '127.0.0.1', port: peer.port, rxLimitBytes: 1024 });
    cleanups.push(() => link.close());
    peer.flood();
    // The first chunk (64 KiB) is larger than the limit: no byte of it may be handed out.
    await expect(link.read(2000)).rejects.toMatchObject({ code: 'LENGTH' });
    peer.stop();
  });

  it('bridge link: a meter flooding through the bridge ends the exchange with LENGTH, memory bounded', async () => {
    const peer = await floodingPeer();
    const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${peer.port}`], log: () => undefined });
    cleanups.push(() => bridge.close());
    const link = await openBridgeLink(
      { url: bridge.url, token: bridge.token, target: `127.0.0.1:${peer.port}`, createSocket: wsFactory(APP_ORIGIN), rxLimitBytes: RX_LIMITS.wrapper },
      realClock,
    );
    cleanups.push(() => link.close());
    for (let i = 0; i < 100 && bridge.connections === 0; i++) await settle(10);
    await settle(100); // the bridge connects to the target after the upgrade
    peer.flood();
    await settle(400);
    peer.stop();
    await expect(link.read(100)).rejects.toMatchObject({ code: 'LENGTH' });
  });

  it('RxBuffer (Web Serial, bridge): holds at most its limit, LENGTH once, then accepts bytes again', async () => {
    const clock = new VirtualClock();
    const rx = new RxBuffer(100);
    rx.push(new Uint8Array(60));
    rx.push(new Uint8Array(60));
    expect(rx.length).toBe(0); // dropped, not kept
    rx.push(new Uint8Array(10)); // still dropping until the error was seen
    await expect(rx.read(clock, 0)).rejects.toMatchObject({ code: 'LENGTH', message: expect.stringContaining('130 dropped') });
    rx.push(Uint8Array.of(1, 2));
    expect(Array.from(await rx.read(clock, 0))).toEqual([1, 2]);
  });

  it('ByteInbox: exactly the limit is kept; one byte more is not', async () => {
    const inbox = new ByteInbox(8);
    inbox.push(new Uint8Array(8));
    expect((await inbox.read(0)).length).toBe(8);
    inbox.push(new Uint8Array(5));
    inbox.push(new Uint8Array(4));
    expect(inbox.pending).toBe(0);
    await expect(inbox.read(0)).rejects.toMatchObject({ code: 'LENGTH' });
    inbox.push(Uint8Array.of(7));
    expect(Array.from(await inbox.read(0))).toEqual([7]);
  });
});
