import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeterError } from '../../core/errors';
import { LINE_9600_8N1, type Link } from '../../core/link';
import { createSerialPair } from '../../core/memory-link';
import { VirtualClock } from '../../core/virtual-clock';
import { type HdlcAddress, type HdlcAddressSize, decodeAddress, encodeAddress, sameServerInAnySize, serverAddress, serverAddressInSize, splitServerAddress } from './address';
import { HdlcClient, type HdlcClientOptions } from './client-session';
import { decodeFrame, encodeFrame } from './frame';
import { HdlcServer, type HdlcServerOptions } from './server-session';
import { toHex } from './test-helpers';

/** Servers' own HDLC mistakes (issue 20 items 1 and 2, issue 11 item 1) at the link layer alone. */
const SERVER: HdlcAddress = { value: 1, size: 2 };

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const answer = (req: Uint8Array, size: number): Uint8Array => {
  const out = pattern(size, req.length * 7 + (req[0] ?? 0));
  out.set(req.subarray(0, Math.min(req.length, size)));
  return out;
};

function rig(serverOpts: Partial<HdlcServerOptions>, clientOpts: Partial<HdlcClientOptions> = {}, tap?: (bytes: Uint8Array, n: number) => boolean) {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const p = { maxInfoTx: 32, maxInfoRx: 64, windowTx: 1, windowRx: 1 };
  const server = new HdlcServer(pair.meter, clock, {
    address: SERVER,
    supported: { maxInfoTx: 64, maxInfoRx: 64, windowTx: 1, windowRx: 1 },
    handler: async (apdu) => answer(apdu, 300),
    ...serverOpts,
  });
  const sent: Uint8Array[] = [];
  let writes = 0;
  const link: Link = {
    kind: pair.client.kind,
    get line() {
      return pair.client.line;
    },
    write: async (b) => {
      sent.push(b);
      if (tap && !tap(b, ++writes)) return clock.sleep(b.length);
      return pair.client.write(b);
    },
    read: (ms) => pair.client.read(ms),
    setLine: (l) => pair.client.setLine(l),
    discardInput: () => pair.client.discardInput(),
    close: () => pair.client.close(),
  };
  const log: { level: number; message: string }[] = [];
  const client = new HdlcClient(link, clock, { server: SERVER, client: 0x10, timeoutMs: 1000, retries: 3, proposal: p, log: (level, message) => log.push({ level, message }), ...clientOpts });
  void server.serve().catch(() => undefined);
  return {
    clock,
    client,
    server,
    log,
    sent: () => sent.map((b) => decodeFrame(b)),
    run: <T>(fn: () => Promise<T>) =>
      clock.run(async () => {
        try {
          return await fn();
        } finally {
          pair.unplug();
          await clock.sleep(0);
        }
      }),
  };
}

async function exchanges(r: ReturnType<typeof rig>, n: number): Promise<void> {
  await r.client.connect();
  for (let i = 0; i < n; i++) {
    // 100..170 bytes: four to six request segments of 32 bytes, five response segments of 64.
    const req = pattern(100 + 10 * i, i + 1);
    expect(toHex(await r.client.request(req))).toBe(toHex(answer(req, 300)));
  }
}

describe('HDLC: servers whose N(R) never advances (issue 20.1)', () => {
  it('reads one that echoes our N(R) in RR and closes the line on any needless RR: no poll, no resend', async () => {
    const r = rig({ nrNeverAdvances: true, dropLinkOnRR: true });
    await r.run(() => exchanges(r, 9)); // past a wrap of the modulo-8 numbers
    expect(r.client.stats.retries).toBe(0);
    expect(r.client.nrNeverAdvances).toBe(true);
    expect(r.log.filter((l) => l.level === 2)).toHaveLength(1);
    // Every I-frame went out once: no go-back on the echoed N(R).
    const ns = r.sent().filter((f) => f.type === 'I').length;
    expect(ns).toBe(r.server.stats.framesReceived - r.sent().filter((f) => f.type !== 'I').length);
  });

  it('known from an earlier session, the same', async () => {
    const r = rig({ nrNeverAdvances: true, dropLinkOnRR: true }, { nrNeverAdvances: true });
    await r.run(() => exchanges(r, 3));
    expect(r.client.stats.retries).toBe(0);
    expect(r.log.filter((l) => l.level === 2)).toHaveLength(0);
  });

  it('a real reject still resends: the only request frame lost, the RR answering our recovery poll asks for it again', async () => {
    // Writes: 1 SNRM, 2 the first I-frame (lost).
    const r = rig({}, {}, (_b, n) => n !== 2);
    await r.run(() => exchanges(r, 2));
    // The recovery poll and the resend it triggers.
    expect(r.client.stats.retries).toBe(2);
    expect(r.client.nrNeverAdvances).toBe(false);
    const firstNs = r.sent().filter((f) => f.type === 'I').map((f) => f.ns);
    expect(firstNs.slice(0, 2)).toEqual([0, 0]);
  });
});

describe('HDLC: a stale frame is still refused from a meter whose N(R) advances', () => {
  it('an I-frame with the expected N(S) but an impossible N(R), before the real answer, is dropped', async () => {
    let calls = 0;
    let injected = false;
    const r = rig({
      handler: async (apdu) => {
        calls++;
        return answer(apdu, 300);
      },
      onBeforeSend: (bytes) => {
        const f = decodeFrame(bytes);
        if (calls !== 2 || injected || f.type !== 'I') return bytes;
        injected = true;
        const stale = encodeFrame({ ...f, nr: ((f.nr ?? 0) + 3) & 7, info: new Uint8Array(f.info.length).fill(0xee) });
        return Uint8Array.from([...stale, ...bytes]);
      },
    });
    await r.run(() => exchanges(r, 3));
    expect(injected).toBe(true);
    expect(r.client.nrNeverAdvances).toBe(false);
    expect(r.client.stats.badFrames).toBeGreaterThan(0);
  });
});

describe('HDLC: segments without the final bit (issue 20.2)', () => {
  it('asks for the next segment after the inter-frame silence, not after timeout_ms', async () => {
    const plain = rig({});
    await plain.run(() => exchanges(plain, 4));
    const quirky = rig({ omitFinalBitOnSegments: true });
    await quirky.run(() => exchanges(quirky, 4));
    expect(quirky.client.stats.retries).toBe(0);
    // 4 exchanges x 4 segments without F, each costing about 3 character times + 5 ms more than with F.
    expect(quirky.clock.now() - plain.clock.now()).toBeLessThan(4 * 4 * 10);
    expect(quirky.clock.now()).toBeLessThanOrEqual(1.1 * plain.clock.now());
  });
});

describe('HDLC: answers from the same server address in another size (issue 11.1)', () => {
  it('accepts UA and I-frames from `03` after addressing `00 03`, says so once at level 3', async () => {
    const r = rig({ answerFromAddressSize: 1 });
    await r.run(() => exchanges(r, 2));
    expect(r.log.filter((l) => l.level === 3 && /another size/.test(l.message))).toHaveLength(1);
  });

  it('still ignores another server (multi-drop)', async () => {
    const r = rig({ address: { value: 2, size: 2 }, answerFromAddressSize: 1 });
    const code = await r.run(() =>
      r.client.connect().then(
        () => 'ok',
        (e: unknown) => (e instanceof MeterError ? e.code : 'other'),
      ),
    );
    expect(code).toBe('NO_ANSWER');
  });

  it('same logical and physical halves in any size; encode/decode round trip', () => {
    const arb = fc.record({ logical: fc.integer({ min: 0, max: 0x3fff }), physical: fc.integer({ min: 0, max: 0x3fff }) });
    fc.assert(
      fc.property(arb, fc.constantFrom<HdlcAddressSize>(1, 2, 4), ({ logical, physical }, size) => {
        const a = serverAddress({ logical, physical, size: 4 });
        let b: HdlcAddress;
        try {
          b = serverAddressInSize(a, size);
        } catch (e) {
          expect(e).toBeInstanceOf(MeterError);
          expect(size === 4 || physical > 0x7f || logical > 0x7f || (size === 1 && logical > 0)).toBe(true);
          return;
        }
        expect(sameServerInAnySize(a, b)).toBe(true);
        expect(decodeAddress(encodeAddress(b), 0).address).toEqual(b);
        const other = serverAddress({ logical, physical: (physical + 1) & 0x3fff, size: 4 });
        expect(sameServerInAnySize(other, b)).toBe(false);
        expect(splitServerAddress(b)).toMatchObject({ logical: size === 1 ? 0 : logical, physical });
      }),
    );
  });
});

describe('HDLC: DISC after a failed exchange (issue 11.4/11.6)', () => {
  it('one DISC frees the meter when an exchange timed out; no retries of it', async () => {
    // A meter that takes the request and never answers it (its handler fails silently).
    const r = rig({ handler: () => Promise.reject(new Error('no answer')) }, { retries: 1 });
    await r.run(async () => {
      await r.client.connect();
      await expect(r.client.request(Uint8Array.of(1, 2, 3))).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(r.server.connected).toBe(true);
      await r.client.disconnect();
      expect(r.server.connected).toBe(false);
    });
    expect(r.sent().filter((f) => f.type === 'DISC')).toHaveLength(1);
  });
});
