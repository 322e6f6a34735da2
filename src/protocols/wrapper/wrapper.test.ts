import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError, ProtocolError } from '../../core/errors';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { fromHex, toHex } from '../hdlc/test-helpers';
import { WrapperClient } from './client-session';
import { WrapperExtractor, decodeWrapper, encodeWrapper, wrapperPorts } from './codec';
import { WrapperServer, type WrapperServerOptions } from './server-session';

const GET = fromHex('C001C1000100002B0100FF0200');
const GET_RESPONSE = fromHex('C401C1000600001391');

describe('wrapper codec', () => {
  it('encodes version, wPorts and length big-endian', () => {
    expect(toHex(encodeWrapper({ source: 0x10, destination: 1, apdu: GET }))).toBe('000100100001000D' + toHex(GET));
    expect(decodeWrapper(fromHex('0001000100100009' + toHex(GET_RESPONSE)))).toEqual({ source: 1, destination: 0x10, apdu: GET_RESPONSE });
  });

  it('refuses wrong versions and lying lengths with ProtocolError', () => {
    expect(() => decodeWrapper(fromHex('0002001000010001C0'))).toThrow(ProtocolError);
    expect(() => decodeWrapper(fromHex('0001001000010002C0'))).toThrow(/length/);
    expect(() => decodeWrapper(fromHex('000100'))).toThrow(ProtocolError);
    expect(() => decodeWrapper(fromHex('0001001000010005C0C0C0C0C0'), 4)).toThrow(/limit/);
  });

  it('wPorts follow DESIGN §5: source = client, destination = logical or 1', () => {
    expect(wrapperPorts({ clientAddress: 0x10 })).toEqual({ client: 0x10, server: 1 });
    expect(wrapperPorts({ clientAddress: 0x11, logicalAddress: 0 })).toEqual({ client: 0x11, server: 1 });
    expect(wrapperPorts({ clientAddress: 0x30, logicalAddress: 17 })).toEqual({ client: 0x30, server: 17 });
  });

  it('extracts frames from arbitrary chunks', () => {
    const a = encodeWrapper({ source: 0x10, destination: 1, apdu: GET });
    const b = encodeWrapper({ source: 1, destination: 0x10, apdu: GET_RESPONSE });
    const c = encodeWrapper({ source: 1, destination: 0x10, apdu: new Uint8Array(0) });
    const stream = Uint8Array.from([...a, ...b, ...c]);
    for (const size of [1, 3, 8, 9, stream.length]) {
      const ex = new WrapperExtractor();
      const got = [];
      for (let i = 0; i < stream.length; i += size) got.push(...ex.push(stream.subarray(i, i + size)));
      expect(got.map((f) => toHex(f.apdu))).toEqual([toHex(GET), toHex(GET_RESPONSE), '']);
      expect(ex.pending).toBe(0);
    }
  });

  it('drops the stream after a broken header, then reads on after reset', () => {
    const ex = new WrapperExtractor(100);
    expect(ex.push(fromHex('0001001000010400'))).toEqual([]);
    expect(ex.error?.code).toBe('LENGTH');
    ex.reset();
    expect(ex.push(encodeWrapper({ source: 1, destination: 2, apdu: GET })).length).toBe(1);
  });

  it('properties: round trip; random bytes give frames or ProtocolError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 600 }), (s, d, apdu) => {
        expect(decodeWrapper(encodeWrapper({ source: s, destination: d, apdu }))).toEqual({ source: s, destination: d, apdu });
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 10 }), (chunks) => {
        const ex = new WrapperExtractor(256);
        for (const c of chunks) {
          ex.push(c);
          expect(ex.pending).toBeLessThan(8 + 256);
          try {
            decodeWrapper(c, 256);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        }
      }),
    );
  });
});

function rig(serverOpts: Partial<WrapperServerOptions> = {}, clientOpts: { retries?: number; timeoutMs?: number; serverWPort?: number } = {}) {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 20 });
  const seen: { source: number; destination: number }[] = [];
  const server = new WrapperServer(pair.meter, clock, {
    handler: async (apdu, ctx) => {
      seen.push(ctx);
      return apdu.length === GET.length ? GET_RESPONSE : Uint8Array.from(apdu).reverse();
    },
    ...serverOpts,
  });
  const client = new WrapperClient(pair.client, clock, { clientWPort: 0x10, serverWPort: clientOpts.serverWPort ?? 1, timeoutMs: clientOpts.timeoutMs ?? 1000, retries: clientOpts.retries ?? 2 });
  const serving = server.serve();
  const run = <T>(fn: () => Promise<T>) =>
    clock.run(async () => {
      try {
        return await fn();
      } finally {
        pair.unplug();
        await serving;
      }
    });
  return { clock, pair, server, client, run, seen };
}

describe('wrapper sessions over a memory TCP stream', () => {
  it('request -> response with the right wPorts', async () => {
    const r = rig();
    const res = await r.run(async () => {
      await r.client.connect();
      return r.client.request(GET);
    });
    expect(toHex(res)).toBe(toHex(GET_RESPONSE));
    expect(r.seen).toEqual([{ source: 0x10, destination: 1 }]);
    expect(r.client.stats).toMatchObject({ framesSent: 1, framesReceived: 1, roundTrips: 1, bytesSent: 8 + GET.length, bytesReceived: 8 + GET_RESPONSE.length });
  });

  it('large APDUs pass in one frame', async () => {
    const r = rig();
    const big = Uint8Array.from({ length: 60000 }, (_, i) => i & 0xff);
    const res = await r.run(async () => {
      await r.client.connect();
      return r.client.request(big);
    });
    expect(toHex(res)).toBe(toHex(Uint8Array.from(big).reverse()));
  });

  it('sends again after a lost answer, then gets it', async () => {
    let drop = 1;
    const r = rig({ onBeforeSend: (f) => (drop-- > 0 ? null : f) });
    const res = await r.run(async () => {
      await r.client.connect();
      return r.client.request(GET);
    });
    expect(toHex(res)).toBe(toHex(GET_RESPONSE));
    expect(r.client.stats.retries).toBe(1);
  });

  it('a slow answer that arrives after the resend does not pass for the next request', async () => {
    let calls = 0;
    const r = rig({ handler: async (apdu) => (++calls === 1 ? new Promise<Uint8Array>((res) => r.clock.schedule(1200, () => res(Uint8Array.of(0xaa)))) : Uint8Array.from(apdu).reverse()) }, { timeoutMs: 1000 });
    const out = await r.run(async () => {
      await r.client.connect();
      const first = await r.client.request(Uint8Array.of(1, 2));
      await r.clock.sleep(100);
      const second = await r.client.request(Uint8Array.of(3, 4));
      return [toHex(first), toHex(second)];
    });
    // The server answers in order: the slow 0xAA, then the resend (0201); the next request must get 0403.
    expect(out[0]).toBe('AA');
    expect(out[1]).toBe('0403');
  });

  it('NO_ANSWER from a server that ignores the logical device; 1 + retries attempts', async () => {
    const r = rig({}, { serverWPort: 5, retries: 2, timeoutMs: 500 });
    let code = '';
    await r.run(async () => {
      await r.client.connect();
      const t0 = r.clock.now();
      try {
        await r.client.request(GET);
      } catch (e) {
        code = (e as MeterError).code;
      }
      expect(r.clock.now() - t0).toBeGreaterThanOrEqual(1500);
    });
    expect(code).toBe('NO_ANSWER');
    expect(r.client.stats.framesSent).toBe(3);
    expect(r.server.stats.badFrames).toBe(3);
    expect(r.client.connected).toBe(false);
  });

  it('TIMEOUT when only answers for another client arrive', async () => {
    const r = rig({ onBeforeSend: (f) => encodeWrapper({ source: 1, destination: 0x22, apdu: decodeWrapper(f).apdu }) }, { retries: 0, timeoutMs: 300 });
    let code = '';
    await r.run(async () => {
      await r.client.connect();
      await r.client.request(GET).catch((e: unknown) => {
        code = (e as MeterError).code;
      });
    });
    expect(code).toBe('TIMEOUT');
    expect(r.client.stats.badFrames).toBe(1);
  });
});
