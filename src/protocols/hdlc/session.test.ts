import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { LINE_9600_8N1, type Link } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { type HdlcAddress, clientAddress, serverAddress, serverAddressFromSerial } from './address';
import { HdlcClient, type HdlcClientOptions } from './client-session';
import { HdlcFrameExtractor } from './extractor';
import { decodeFrame, encodeFrame } from './frame';
import { HdlcServer, type HdlcServerOptions } from './server-session';
import { toHex } from './test-helpers';

const SERVER = serverAddress({ logical: 1, physical: 17, size: 2 });

/** Deterministic bytes, so a response corrupted anywhere would not compare equal. */
function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The simulated application: answers a request with `responseSize(request)` bytes derived from it. */
function responseFor(req: Uint8Array, size: number): Uint8Array {
  const out = pattern(size, req.length * 31 + (req[0] ?? 0));
  out.set(req.subarray(0, Math.min(req.length, size)));
  return out;
}

interface Rig {
  clock: VirtualClock;
  client: HdlcClient;
  server: HdlcServer;
  pair: ReturnType<typeof createSerialPair>;
  /** Frames the meter received, decoded-frame bytes as hex. */
  meterRx: string[];
  /** Frames the client received. */
  clientRx: string[];
  run<T>(fn: () => Promise<T>): Promise<T>;
}

function rig(
  opts: {
    server?: HdlcAddress;
    clientOpts?: Partial<HdlcClientOptions>;
    serverOpts?: Partial<HdlcServerOptions>;
    responseSize?: number;
    serve?: boolean;
    /** Return false (or null) to lose a whole client write on the way to the meter, or other bytes to send. */
    tapClientWrite?: (bytes: Uint8Array) => boolean | Uint8Array | null;
  } = {},
): Rig {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const address = opts.server ?? SERVER;
  const meterRx: string[] = [];
  const clientRx: string[] = [];
  const server = new HdlcServer(pair.meter, clock, {
    address,
    supported: { maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 },
    handler: async (apdu) => responseFor(apdu, opts.responseSize ?? 40),
    log: (level, _m, bytes, dir) => {
      if (level === 5 && dir === 'rx' && bytes) meterRx.push(toHex(bytes));
    },
    ...opts.serverOpts,
  });
  const tap = opts.tapClientWrite;
  const clientLink: Link = tap
    ? {
        kind: pair.client.kind,
        get line() {
          return pair.client.line;
        },
        write: async (b) => {
          const t = tap(b);
          if (t === true) return pair.client.write(b);
          if (t instanceof Uint8Array) return pair.client.write(t);
          return clock.sleep(b.length);
        },
        read: (ms) => pair.client.read(ms),
        setLine: (l) => pair.client.setLine(l),
        discardInput: () => pair.client.discardInput(),
        close: () => pair.client.close(),
      }
    : pair.client;
  const client = new HdlcClient(clientLink, clock, {
    server: address,
    client: 0x10,
    timeoutMs: 1000,
    retries: 3,
    log: (level, _m, bytes, dir) => {
      if (level === 5 && dir === 'rx' && bytes) clientRx.push(toHex(bytes));
    },
    ...opts.clientOpts,
  });
  const serving = opts.serve === false ? Promise.resolve() : server.serve();
  let serveError: unknown;
  serving.catch((e: unknown) => {
    serveError = e;
  });
  return {
    clock,
    client,
    server,
    pair,
    meterRx,
    clientRx,
    run: (fn) =>
      clock.run(async () => {
        try {
          return await fn();
        } finally {
          // The server loop ends on PORT_LOST; it is not awaited because a test handler may never return.
          pair.unplug();
          await clock.sleep(0);
          if (serveError) throw serveError;
        }
      }),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof MeterError) return e.code;
    throw e;
  }
}

describe('HDLC client <-> server over a virtual 9600 8N1 line', () => {
  for (const [name, address, hexAddr] of [
    ['1-byte', serverAddress({ logical: 0, physical: 0x10, size: 1 }), '21'],
    ['2-byte', SERVER, '0223'],
    ['4-byte', serverAddress({ logical: 1, physical: 0x1234, size: 4 }), '00024869'],
  ] as const) {
    it(`connects, exchanges and disconnects with a ${name} server address`, async () => {
      const r = rig({ server: address });
      await r.run(async () => {
        await r.client.connect();
        expect(r.client.connected).toBe(true);
        expect(r.server.connected).toBe(true);
        const req = Uint8Array.of(0xc0, 0x01, 0xc1, 0x00, 0x03);
        const res = await r.client.request(req);
        expect(toHex(res)).toBe(toHex(responseFor(req, 40)));
        await r.client.disconnect();
        expect(r.server.connected).toBe(false);
      });
      // SNRM with the default proposal (128/128, window 1/1), then I, then DISC, all to this address.
      expect(r.meterRx[0]).toBe(toHex(r.client.snrmFrame()));
      expect(r.meterRx[0].slice(6, 6 + hexAddr.length)).toBe(hexAddr);
      expect(toHex(decodeFrame(r.client.snrmFrame()).info)).toBe('8180120501800601800704000000010804000000 01'.replace(/ /g, ''));
      expect(r.meterRx.map((h) => decodeFrame(Uint8Array.from(Buffer.from(h, 'hex'))).type)).toEqual(['SNRM', 'I', 'DISC']);
      expect(r.client.stats.roundTrips).toBe(1);
    });
  }

  it('Elgama GAMA300 02141421, client 32, bare SNRM: exact SNRM and DISC bytes on the wire', async () => {
    const address = serverAddressFromSerial('02141421');
    const r = rig({ server: address, clientOpts: { client: 32, proposeParameters: false }, serverOpts: { uaParameters: false } });
    await r.run(async () => {
      await r.client.connect();
      await r.client.request(Uint8Array.of(0xc0));
      await r.client.disconnect();
    });
    expect(r.meterRx[0]).toBe('7EA00A000224EB4193AA257E');
    expect(r.meterRx[r.meterRx.length - 1]).toBe('7EA00A000224EB4153A6E37E');
    expect(r.client.negotiated).toEqual({ maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 });
  });

  it('tells the app layer about connect, disconnect, a fresh SNRM and the client of each request', async () => {
    const events: string[] = [];
    const r = rig({
      serverOpts: {
        onConnect: (c) => events.push(`connect ${c.value}`),
        onDisconnect: (c) => events.push(`disconnect ${c.value}`),
        handler: async (apdu, ctx) => {
          events.push(`request ${ctx.client.value}`);
          return apdu;
        },
      },
    });
    await r.run(async () => {
      await r.client.connect();
      await r.client.request(Uint8Array.of(1));
      await r.client.disconnect();
      await r.client.connect();
      // A second SNRM over a live connection (another client object on the same port) restarts it.
      await new HdlcClient(r.pair.client, r.clock, { server: SERVER, client: 0x10 }).connect();
    });
    expect(events).toEqual(['connect 16', 'request 16', 'disconnect 16', 'connect 16', 'disconnect 16', 'connect 16', 'disconnect 16']);
  });

  it('negotiates: client adopts the UA values (server view swapped)', async () => {
    const r = rig({
      clientOpts: { proposal: { maxInfoTx: 512, maxInfoRx: 256, windowTx: 7, windowRx: 7 } },
      serverOpts: { supported: { maxInfoTx: 200, maxInfoRx: 1000, windowTx: 3, windowRx: 7 } },
    });
    await r.run(() => r.client.connect());
    expect(r.server.negotiated).toEqual({ maxInfoTx: 200, maxInfoRx: 512, windowTx: 3, windowRx: 7 });
    expect(r.client.negotiated).toEqual({ maxInfoTx: 512, maxInfoRx: 200, windowTx: 7, windowRx: 3 });
  });

  for (const window of [1, 7]) {
    it(`segments both ways with window ${window}`, async () => {
      const p = { maxInfoTx: 128, maxInfoRx: 128, windowTx: window, windowRx: window };
      const r = rig({ responseSize: 3000, clientOpts: { proposal: p }, serverOpts: { supported: p } });
      const req = pattern(1000, 7);
      const res = await r.run(async () => {
        await r.client.connect();
        return r.client.request(req);
      });
      expect(toHex(res)).toBe(toHex(responseFor(req, 3000)));
      // 1003 bytes with LLC -> 8 request segments; 3003 bytes -> 24 response segments.
      const iSent = r.meterRx.filter((h) => decodeFrame(Buffer.from(h, 'hex')).type === 'I');
      expect(iSent.length).toBe(8);
      const iRecv = r.clientRx.filter((h) => decodeFrame(Buffer.from(h, 'hex')).type === 'I');
      expect(iRecv.length).toBe(24);
      const segmented = iRecv.map((h) => decodeFrame(Buffer.from(h, 'hex')).segmented);
      expect(segmented.filter(Boolean).length).toBe(23);
      const rrFromClient = r.meterRx.filter((h) => decodeFrame(Buffer.from(h, 'hex')).type === 'RR').length;
      const rrFromServer = r.clientRx.filter((h) => decodeFrame(Buffer.from(h, 'hex')).type === 'RR').length;
      // Window 1: every segment but the last is acknowledged; window 7: once per full window.
      expect(rrFromClient).toBe(window === 1 ? 23 : 3);
      expect(rrFromServer).toBe(window === 1 ? 7 : 1);
      expect(r.client.stats.retries).toBe(0);
      // Every frame respects the negotiated maximum information field.
      for (const h of [...r.meterRx, ...r.clientRx]) expect(decodeFrame(Buffer.from(h, 'hex')).info.length).toBeLessThanOrEqual(128);
    });
  }

  it('HDLC over a TCP-like stream with the largest information field (2030) and window 7', async () => {
    const clock = new VirtualClock();
    const pair = createSerialPair(clock, { kind: 'stream', latencyMs: 40 });
    const p = { maxInfoTx: 2030, maxInfoRx: 2030, windowTx: 7, windowRx: 7 };
    const address = serverAddressFromSerial(87654321);
    const server = new HdlcServer(pair.meter, clock, { address, supported: p, handler: async (a) => responseFor(a, 20000) });
    const client = new HdlcClient(pair.client, clock, { server: address, client: 0x11, proposal: p, timeoutMs: 1000 });
    const serving = server.serve();
    const req = pattern(5000, 77);
    const res = await clock.run(async () => {
      await client.connect();
      const out = await client.request(req);
      await client.disconnect();
      pair.unplug();
      await serving;
      return out;
    });
    expect(toHex(res)).toBe(toHex(responseFor(req, 20000)));
    expect(client.negotiated).toEqual(p);
    // 5003 bytes -> 3 frames; 20003 bytes -> 10 frames: one RR after the first window of 7.
    expect(client.stats.framesSent).toBe(1 + 3 + 1 + 1);
    expect(client.stats.framesReceived).toBe(1 + 10 + 1);
  });

  it('keeps sequence numbers straight over many exchanges (wrapping modulo 8)', async () => {
    const p = { maxInfoTx: 64, maxInfoRx: 64, windowTx: 3, windowRx: 3 };
    const r = rig({ responseSize: 300, clientOpts: { proposal: p }, serverOpts: { supported: p } });
    await r.run(async () => {
      await r.client.connect();
      for (let i = 0; i < 12; i++) {
        const req = pattern(20 + i * 17, i + 1);
        expect(toHex(await r.client.request(req))).toBe(toHex(responseFor(req, 300)));
      }
    });
    expect(r.client.stats.roundTrips).toBe(12);
  });
});

describe('HDLC recovery from faults', () => {
  /** Corrupt or drop the server's n-th I-frame once. */
  function faultOnNthI(n: number, mode: 'corrupt' | 'drop'): (f: Uint8Array) => Uint8Array | null {
    let seen = 0;
    return (f) => {
      if (decodeFrame(f).type !== 'I' || ++seen !== n) return f;
      if (mode === 'drop') return null;
      const bad = f.slice();
      bad[bad.length - 2] ^= 0xff; // the FCS
      return bad;
    };
  }

  for (const window of [1, 7]) {
    for (const mode of ['corrupt', 'drop'] as const) {
      it(`${mode} FCS/frame in the middle of a segmented response, window ${window}: exact data after a retry`, async () => {
        const p = { maxInfoTx: 128, maxInfoRx: 128, windowTx: window, windowRx: window };
        const r = rig({ responseSize: 2000, clientOpts: { proposal: p }, serverOpts: { supported: p, onBeforeSend: faultOnNthI(4, mode) } });
        const req = pattern(50, 3);
        const res = await r.run(async () => {
          await r.client.connect();
          return r.client.request(req);
        });
        expect(toHex(res)).toBe(toHex(responseFor(req, 2000)));
        expect(r.client.stats.retries).toBeGreaterThan(0);
        expect(r.server.stats.retries).toBeGreaterThan(0);
      });
    }
  }

  it('a lost final response frame is recovered by polling with RR', async () => {
    const r = rig({ serverOpts: { onBeforeSend: faultOnNthI(1, 'drop') } });
    const req = Uint8Array.of(1, 2, 3);
    const res = await r.run(async () => {
      await r.client.connect();
      const t0 = r.clock.now();
      const out = await r.client.request(req);
      // One timeout (1000 ms) before the poll.
      expect(r.clock.now() - t0).toBeGreaterThanOrEqual(1000);
      return out;
    });
    expect(toHex(res)).toBe(toHex(responseFor(req, 40)));
    expect(r.client.stats.retries).toBe(1);
  });

  it('a request frame lost on the way to the meter is sent again after the RR shows it missing', async () => {
    const p = { maxInfoTx: 64, maxInfoRx: 64, windowTx: 4, windowRx: 4 };
    let writes = 0;
    // Lose the client's 3rd write (the 2nd I-frame of the request: SNRM is the 1st).
    const r = rig({ clientOpts: { proposal: p }, serverOpts: { supported: p }, tapClientWrite: () => ++writes !== 3 });
    const req = pattern(400, 9);
    const res = await r.run(async () => {
      await r.client.connect();
      return r.client.request(req);
    });
    expect(toHex(res)).toBe(toHex(responseFor(req, 40)));
    expect(r.client.stats.retries).toBe(1);
    // I 0..3 with I 1 lost; the meter answers RR N(R)=1; the client resends 1..4 (then 5, 6 for 403 bytes).
    const seq = r.meterRx.map((h) => decodeFrame(Buffer.from(h, 'hex'))).filter((f) => f.type === 'I').map((f) => f.ns);
    expect(seq).toEqual([0, 2, 3, 1, 2, 3, 4, 5, 6]);
  });

  it('every response frame delivered twice: exact data, and no extra polls for the copies', async () => {
    const twice = (f: Uint8Array) => (decodeFrame(f).type === 'I' ? Uint8Array.from([...f, ...f.subarray(1)]) : f);
    const r = rig({ responseSize: 1200, serverOpts: { onBeforeSend: twice } });
    const req = pattern(30, 4);
    const res = await r.run(async () => {
      await r.client.connect();
      const first = await r.client.request(req);
      // The copy of the last frame is still on the line: it must not disturb the next exchange.
      expect(toHex(await r.client.request(req))).toBe(toHex(first));
      return first;
    });
    expect(toHex(res)).toBe(toHex(responseFor(req, 1200)));
    // 1203 bytes -> 10 segments per response: 9 RRs each, nothing more.
    expect(r.meterRx.filter((h) => decodeFrame(Buffer.from(h, 'hex')).type === 'RR').length).toBe(18);
    expect(r.client.stats.retries).toBe(0);
  });

  it('gives up with TIMEOUT after retry_counter polls when the meter stops answering', async () => {
    const r = rig({ clientOpts: { retries: 2, timeoutMs: 500 }, serverOpts: { handler: () => new Promise(() => undefined) } });
    const code = await r.run(async () => {
      await r.client.connect();
      const t0 = r.clock.now();
      const c = await codeOf(r.client.request(Uint8Array.of(1)));
      expect(r.clock.now() - t0).toBeGreaterThanOrEqual(1500);
      return c;
    });
    expect(code).toBe('TIMEOUT');
    // One I-frame, then exactly two polls.
    const sent = r.meterRx.map((h) => decodeFrame(Buffer.from(h, 'hex')).type);
    expect(sent).toEqual(['SNRM', 'I']);
    expect(r.client.stats.retries).toBe(2);
  });

  it('traffic for other stations on the bus does not hold the timeout open', async () => {
    const r = rig({ clientOpts: { retries: 1, timeoutMs: 500 }, serverOpts: { handler: () => new Promise(() => undefined) } });
    const other = encodeFrame({ type: 'RR', pf: true, nr: 0, dest: clientAddress(0x11), src: SERVER });
    const code = await r.run(async () => {
      await r.client.connect();
      let stop = false;
      const chatter = (async () => {
        while (!stop) {
          await r.pair.meter.write(other);
          await r.clock.sleep(100);
        }
      })().catch(() => undefined);
      const t0 = r.clock.now();
      const c = await codeOf(r.client.request(Uint8Array.of(1)));
      stop = true;
      await chatter;
      expect(r.clock.now() - t0).toBeLessThan(1200);
      return c;
    });
    expect(code).toBe('TIMEOUT');
    expect(r.client.stats.badFrames).toBeGreaterThan(5);
  });

  it('NO_ANSWER when nothing answers SNRM; SNRM is sent 1 + retries times', async () => {
    const r = rig({ serve: false, clientOpts: { retries: 2, timeoutMs: 700 } });
    let snrms = 0;
    const ex = new HdlcFrameExtractor();
    const code = await r.run(async () => {
      const counting = (async () => {
        for (;;) {
          const b = await r.pair.meter.read(10_000);
          for (const raw of ex.push(b)) if (decodeFrame(raw).type === 'SNRM') snrms++;
        }
      })().catch(() => undefined);
      const c = await codeOf(r.client.connect());
      expect(r.clock.now()).toBeGreaterThanOrEqual(2100);
      void counting;
      return c;
    });
    expect(code).toBe('NO_ANSWER');
    expect(snrms).toBe(3);
  });

  it('ignores frames for another server address (multi-drop): that meter stays silent', async () => {
    const r = rig({ clientOpts: { server: serverAddress({ logical: 1, physical: 18, size: 2 }), retries: 1, timeoutMs: 300 } });
    expect(await r.run(() => codeOf(r.client.connect()))).toBe('NO_ANSWER');
    expect(r.server.stats.badFrames).toBe(2);
  });

  it('DM answer: SNRM refused -> REJECTED; I-frame to a meter that dropped the link -> PROTOCOL', async () => {
    const dm = encodeFrame({ type: 'DM', pf: true, dest: clientAddress(0x10), src: SERVER });
    const refusing = rig({ serverOpts: { onBeforeSend: (f) => (decodeFrame(f).type === 'UA' ? dm : f) } });
    expect(await refusing.run(() => codeOf(refusing.client.connect()))).toBe('REJECTED');
    expect(refusing.meterRx.length).toBe(1); // no retry after a clear refusal

    const r = rig();
    const code = await r.run(async () => {
      await r.client.connect();
      r.server.reset();
      return codeOf(r.client.request(Uint8Array.of(1)));
    });
    expect(code).toBe('PROTOCOL');
    expect(r.client.connected).toBe(false);
    expect(r.clientRx.map((h) => decodeFrame(Buffer.from(h, 'hex')).type)).toEqual(['UA', 'DM']);
  });

  it('DISC to a meter that is not connected is answered with DM and accepted', async () => {
    const r = rig();
    await r.run(async () => {
      await r.client.connect();
      r.server.reset();
      await r.client.disconnect();
    });
    expect(r.clientRx.map((h) => decodeFrame(Buffer.from(h, 'hex')).type)).toEqual(['UA', 'DM']);
    expect(r.client.connected).toBe(false);
  });

  it('waits and polls while the meter answers RNR', async () => {
    let busy = 2;
    const r = rig({ serverOpts: { busy: () => busy-- > 0 } });
    const req = Uint8Array.of(9, 9);
    const res = await r.run(async () => {
      await r.client.connect();
      return r.client.request(req);
    });
    expect(toHex(res)).toBe(toHex(responseFor(req, 40)));
    // The I-frame answered with RNR was not taken: the RR after the busy spell shows N(R)=0, so it goes again.
    expect(r.clientRx.map((h) => decodeFrame(Buffer.from(h, 'hex')).type)).toEqual(['UA', 'RNR', 'RNR', 'RR', 'I']);
    expect(r.meterRx.map((h) => decodeFrame(Buffer.from(h, 'hex')).type)).toEqual(['SNRM', 'I', 'RR', 'RR', 'I']);
  });

  it('hears its own echo (optical head) and ignores it', async () => {
    const r = rig({ responseSize: 500 });
    r.pair.faults.setEcho(true);
    const req = pattern(300, 5);
    const res = await r.run(async () => {
      await r.client.connect();
      return r.client.request(req);
    });
    expect(toHex(res)).toBe(toHex(responseFor(req, 500)));
  });

  it('tolerateBrokenSequence reads a meter that always numbers 0; without it the client refuses', async () => {
    const strict = rig({ serverOpts: { brokenSequence: true } });
    const strictCodes = await strict.run(async () => {
      await strict.client.connect();
      return [await codeOf(strict.client.request(Uint8Array.of(1))), await codeOf(strict.client.request(Uint8Array.of(2)))];
    });
    expect(strictCodes).toEqual(['ok', 'TIMEOUT']);

    const p = { maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 };
    const tolerant = rig({ responseSize: 700, clientOpts: { tolerateBrokenSequence: true, proposal: p }, serverOpts: { brokenSequence: true } });
    await tolerant.run(async () => {
      await tolerant.client.connect();
      for (let i = 0; i < 4; i++) {
        const req = pattern(200, i + 1);
        expect(toHex(await tolerant.client.request(req))).toBe(toHex(responseFor(req, 700)));
      }
    });
  });

  it('an abort signal cancels a pending request with CANCELLED', async () => {
    const ac = new AbortController();
    const r = rig({ clientOpts: { signal: ac.signal }, serverOpts: { handler: () => new Promise(() => undefined) } });
    const code = await r.run(async () => {
      await r.client.connect();
      r.clock.schedule(300, () => ac.abort());
      return codeOf(r.client.request(Uint8Array.of(1)));
    });
    expect(code).toBe('CANCELLED');
  });

  it('unplugging the probe fails the request with PORT_LOST', async () => {
    const r = rig({ serverOpts: { handler: () => new Promise(() => undefined) } });
    const code = await r.run(async () => {
      await r.client.connect();
      r.clock.schedule(200, () => r.pair.unplug());
      return codeOf(r.client.request(Uint8Array.of(1)));
    });
    expect(code).toBe('PORT_LOST');
    expect(r.client.connected).toBe(false);
  });

  it('random byte drops and bit flips: every answer is exact or a typed error, never wrong data', async () => {
    for (const window of [1, 7]) {
      const p = { maxInfoTx: 96, maxInfoRx: 96, windowTx: window, windowRx: window };
      const r = rig({ responseSize: 900, clientOpts: { proposal: p, retries: 5, timeoutMs: 400 }, serverOpts: { supported: p } });
      r.pair.faults.setRandom({ drop: 0.001, corrupt: 0.001, seed: 42 + window });
      let ok = 0;
      let failed = 0;
      await r.run(async () => {
        for (let i = 0; i < 25; i++) {
          const req = pattern(150 + i, i + 100);
          try {
            if (!r.client.connected) await r.client.connect();
            const res = await r.client.request(req);
            expect(toHex(res)).toBe(toHex(responseFor(req, 900)));
            ok++;
          } catch (e) {
            expect(e).toBeInstanceOf(MeterError);
            failed++;
          }
        }
      });
      expect(ok + failed).toBe(25);
      expect(ok).toBeGreaterThan(15);
    }
  });
});

describe('session property: any sizes, windows and faults give exact data or a typed error', () => {
  it('holds over random configurations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxInfo: fc.integer({ min: 16, max: 300 }),
          window: fc.integer({ min: 1, max: 7 }),
          reqSize: fc.integer({ min: 0, max: 1500 }),
          resSize: fc.integer({ min: 0, max: 3000 }),
          faults: fc.uniqueArray(
            fc.record({ at: fc.integer({ min: 1, max: 40 }), side: fc.constantFrom('client', 'server'), kind: fc.constantFrom('drop', 'corrupt') }),
            { maxLength: 5, selector: (x) => `${x.side}${x.at}` },
          ),
        }),
        async ({ maxInfo, window, reqSize, resSize, faults }) => {
          const count = { client: 0, server: 0 };
          const fault =
            (side: 'client' | 'server') =>
            (f: Uint8Array): Uint8Array | null => {
              const hit = faults.find((x) => x.side === side && x.at === ++count[side]);
              if (!hit) return f;
              if (hit.kind === 'drop') return null;
              const bad = f.slice();
              bad[Math.floor(bad.length / 2)] ^= 0x10;
              return bad;
            };
          const p = { maxInfoTx: maxInfo, maxInfoRx: maxInfo, windowTx: window, windowRx: window };
          const r = rig({
            responseSize: resSize,
            clientOpts: { proposal: p, timeoutMs: 300 },
            serverOpts: { supported: p, onBeforeSend: fault('server') },
            tapClientWrite: fault('client'),
          });
          const req = pattern(reqSize, reqSize + 1);
          await r.run(async () => {
            try {
              await r.client.connect();
              const res = await r.client.request(req);
              expect(toHex(res)).toBe(toHex(responseFor(req, resSize)));
            } catch (e) {
              expect(e).toBeInstanceOf(MeterError);
              // Each lost or damaged frame costs one retry of one step: three (= retries) always recover.
              expect(faults.length).toBeGreaterThan(3);
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('client address', () => {
  it('accepts a number or an address', () => {
    expect(clientAddress(0x10)).toEqual({ value: 0x10, size: 1 });
  });
});
