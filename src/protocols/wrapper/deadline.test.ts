/**
 * Issue 13, finding 4 (wrapper part): a peer that starts a frame and then sends one byte every 700 ms
 * must not keep a read alive. Under virtual time against a trickling meter end, and over real TCP
 * against a trickling server.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { charTimeMs } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { realClock } from '../../core/real-clock';
import { VirtualClock } from '../../core/virtual-clock';
import { connectTcp } from '../../transports/node/tcp-link';
import { WrapperClient } from './client-session';
import { WrapperExtractor, encodeWrapper } from './codec';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const GET = Uint8Array.of(0xc0, 0x01, 0xc1, 0x00, 0x01, 0x00, 0x00, 0x2b, 0x01, 0x00, 0xff, 0x02, 0x00);

describe('wrapper reader: overall deadline', () => {
  for (const [what, headerAtOnce] of [
    ['after a whole header', true],
    ['from the first header byte', false],
  ] as const) {
    it(`a trickle ${what} ends the exchange near timeout_ms (virtual time)`, async () => {
      const clock = new VirtualClock();
      const pair = createSerialPair(clock, { kind: 'stream' });
      const client = new WrapperClient(pair.client, clock, { clientWPort: 0x10, serverWPort: 1, timeoutMs: 2500, retries: 0 });
      const answer = encodeWrapper({ source: 1, destination: 0x10, apdu: new Uint8Array(200).fill(0x55) });
      // The hostile meter: waits for a request, then sends the frame's start and one byte per 700 ms.
      const meter = (async () => {
        for (let i = 0; i < 50 && (await pair.meter.read(1000)).length === 0; i++);
        let at = headerAtOnce ? 8 : 1;
        await pair.meter.write(answer.slice(0, at));
        for (let i = 0; i < 5000 && at < answer.length - 1; i++) {
          await clock.sleep(700);
          await pair.meter.write(answer.slice(at, ++at));
        }
      })();
      const t0 = clock.now();
      const outcome = await clock.run(
        async () => {
          await client.connect();
          return client.request(GET).then(
            () => 'answered',
            (e: { code?: string }) => e.code ?? 'error',
          );
        },
        { maxVirtualMs: 10 * 3_600_000 },
      );
      // The session calls a frame that never completed "no answer"; what matters is that it ended.
      expect(['TIMEOUT', 'NO_ANSWER']).toContain(outcome);
      const allowed = 2500 + Math.ceil((8 + 200) * charTimeMs(pair.client.line)) + 250;
      expect(clock.now() - t0).toBeLessThanOrEqual(allowed);
      void meter.catch(() => undefined);
      await pair.client.close();
      await pair.meter.close();
    });
  }

  it('a trickling TCP server cannot hold a real read (hostile peer on loopback)', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('data', () => {
        const answer = encodeWrapper({ source: 1, destination: 0x10, apdu: new Uint8Array(100).fill(0x55) });
        let at = 8;
        s.write(answer.subarray(0, at));
        const t = setInterval(() => (at < answer.length - 1 && !s.destroyed ? s.write(answer.subarray(at, ++at)) : clearInterval(t)), 100);
        s.once('close', () => clearInterval(t));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))));
    const link = await connectTcp({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
    cleanups.push(() => link.close());
    const client = new WrapperClient(link, realClock, { clientWPort: 0x10, serverWPort: 1, timeoutMs: 400, retries: 1 });
    await client.connect();
    const t0 = performance.now();
    await expect(client.request(GET)).rejects.toMatchObject({ code: expect.stringMatching(/^(TIMEOUT|NO_ANSWER)$/) });
    // Two attempts of 400 ms plus the 108 bytes' line time (about 0.1 s at the nominal 9600 baud).
    expect(performance.now() - t0).toBeLessThan(2 * (400 + 150) + 400);
  });
});

describe('WrapperExtractor.expected', () => {
  it('is the header while it is incomplete, then header plus the announced length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 400 }), (apdu, cut) => {
        const frame = encodeWrapper({ source: 1, destination: 0x10, apdu });
        const ex = new WrapperExtractor();
        const at = Math.min(cut, frame.length);
        ex.push(frame.subarray(0, at));
        if (at === frame.length) expect(ex.expected).toBe(0);
        else expect(ex.expected).toBe(at < 8 ? 8 : frame.length);
      }),
    );
  });
});
