import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import { connectTcp, serveTcp, type TcpServerHandle } from './tcp-link';

const HOST = '127.0.0.1';
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A server handing accepted links to the test, one at a time. */
async function server(): Promise<{ handle: TcpServerHandle; accepted: () => Promise<Link> }> {
  const queue: Link[] = [];
  let notify: (() => void) | undefined;
  const handle = await serveTcp(0, HOST, (link) => {
    queue.push(link);
    notify?.();
  });
  cleanups.push(() => handle.close());
  const accepted = async () => {
    for (let i = 0; i < 100 && queue.length === 0; i++) await new Promise<void>((r) => ((notify = r), setTimeout(r, 20)));
    const link = queue.shift();
    if (!link) throw new Error('no connection accepted');
    return link;
  };
  return { handle, accepted };
}

/** Read until `n` bytes arrived (bounded). */
async function readN(link: Link, n: number): Promise<string> {
  let out = '';
  for (let i = 0; i < 50 && out.length < n; i++) out += text(await link.read(200));
  return out;
}

describe('TcpLink over loopback', () => {
  it('carries bytes both ways and keeps bytes that arrive between reads', async () => {
    const { handle, accepted } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    cleanups.push(() => client.close());
    const meter = await accepted();
    expect(client.kind).toBe('stream');

    await client.write(bytes('/?!\r\n'));
    expect(await readN(meter, 5)).toBe('/?!\r\n');

    // Three writes while nobody reads: one read gets all of them, in order.
    await meter.write(bytes('one,'));
    await meter.write(bytes('two,'));
    await meter.write(bytes('three'));
    await new Promise((r) => setTimeout(r, 50));
    expect(await readN(client, 13)).toBe('one,two,three');
  });

  it('returns an empty array on silence after about maxWaitMs', async () => {
    const { handle, accepted } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    cleanups.push(() => client.close());
    await accepted();
    const t0 = performance.now();
    const got = await client.read(120);
    const took = performance.now() - t0;
    expect(got.length).toBe(0);
    expect(took).toBeGreaterThanOrEqual(100);
    expect(took).toBeLessThan(1000);
  });

  it('a newer read takes the bytes from an abandoned one', async () => {
    const { handle, accepted } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    cleanups.push(() => client.close());
    const meter = await accepted();
    const stale = client.read(2000);
    const fresh = client.read(2000);
    await meter.write(bytes('ACK'));
    expect((await stale).length).toBe(0);
    expect(text(await fresh)).toBe('ACK');
  });

  it('discardInput drops what was received', async () => {
    const { handle, accepted } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    cleanups.push(() => client.close());
    const meter = await accepted();
    await meter.write(bytes('old garbage'));
    await new Promise((r) => setTimeout(r, 50));
    client.discardInput();
    await meter.write(bytes('new'));
    expect(await readN(client, 3)).toBe('new');
  });

  it('setLine records the settings and switches nothing', async () => {
    const { handle } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    cleanups.push(() => client.close());
    await client.setLine({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 });
    expect(client.line).toEqual({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 });
  });

  it('reports the peer hanging up once through onLost, after handing out what it sent', async () => {
    const { handle, accepted } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    cleanups.push(() => client.close());
    const lost: string[] = [];
    client.onLost = (reason) => lost.push(reason);
    const meter = await accepted();
    await meter.write(bytes('bye'));
    await meter.close();
    for (let i = 0; i < 50 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lost).toHaveLength(1);
    expect(text(await client.read(100))).toBe('bye');
    await expect(client.read(100)).rejects.toMatchObject({ code: 'PORT_LOST' });
    await expect(client.write(bytes('x'))).rejects.toMatchObject({ code: 'PORT_LOST' });
  });

  it('close() is not a loss: no onLost, and reads reject with PORT_LOST', async () => {
    const { handle } = await server();
    const client = await connectTcp({ host: HOST, port: handle.port });
    let lost = 0;
    client.onLost = () => lost++;
    const pending = expect(client.read(5000)).rejects.toMatchObject({ code: 'PORT_LOST' });
    await client.close();
    await pending;
    await expect(client.read(10)).rejects.toBeInstanceOf(MeterError);
    expect(lost).toBe(0);
  });

  it('a refused connection is NO_ANSWER with a plain message', async () => {
    // Bind then release a port so nothing listens on it.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, HOST, () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const err = await connectTcp({ host: HOST, port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterError);
    expect(err).toMatchObject({ code: 'NO_ANSWER' });
    expect((err as MeterError).message).toMatch(/refused/);
    expect((err as MeterError).message).toContain(`${HOST}:${port}`);
  });

  it('serveTcp refuses a port that is taken', async () => {
    const { handle } = await server();
    await expect(serveTcp(handle.port, HOST, () => undefined)).rejects.toMatchObject({ code: 'NO_ANSWER' });
  });
});
