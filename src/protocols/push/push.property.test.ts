import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/errors';
import { encodeApdu } from '../dlms/apdu/apdu';
import { fromHex } from '../dlms/hex';
import { protectApdu } from '../dlms/security/protect';
import { encodeFrame } from '../hdlc/frame';
import * as F from './fixtures/public-frames';
import { encodeMbusSegments } from './mbus-deframer';
import { PushListener, type PushEvent, type PushListenerOptions } from './index';

/** Random and mutated input gives only typed events, never a throw; chunking never changes the events. */

const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = fromHex('4D4D4D0000BC614E');

/** The Kamstrup capture's first frame (HDLC UI, plain). */
const KAMSTRUP_HDLC = fromHex(
  '7EA0E32B2113988 6E6E7000F00000000090C07E10A1405032B1EFF80000002190A0E4B616D73747275705F563030303109060101000005FF0A103537303635363732373433383937303209060101600101FF0A1236383431313231424E32343331303130343009060101010700FF06000005BC09060101020700FF060000000009060101030700FF060000000009060101040700FF06000001CE090601011F0700FF060000023409060101330700FF06000000CA09060101470700FF06000001FF09060101200700FF1200E809060101340700FF1200E409060101480700FF1200E9A1A57E'.replace(/ /g, ''),
);

async function cipheredHdlc(ic: number): Promise<Uint8Array> {
  const plain = encodeApdu({
    type: 'data-notification',
    longInvokeIdAndPriority: ic,
    body: { type: 'structure', items: [{ type: 'structure', items: [{ type: 'octet-string', value: fromHex('0100010700FF') }, { type: 'uint32', value: ic * 7 }] }] },
  });
  const apdu = await protectApdu({ kind: 'general-glo', securityControl: 0x30, invocationCounter: ic, systemTitle: ST, keys: { blockCipherKey: EK, authenticationKey: AK } }, plain);
  const info = Uint8Array.from([0xe6, 0xe7, 0x00, ...apdu]);
  return Uint8Array.from([
    ...encodeFrame({ type: 'UI', pf: true, dest: { value: 0x10, size: 1 }, src: { value: 0x01, size: 1 }, segmented: true, info: info.subarray(0, 30) }),
    ...encodeFrame({ type: 'UI', pf: true, dest: { value: 0x10, size: 1 }, src: { value: 0x01, size: 1 }, segmented: false, info: info.subarray(30) }),
  ]);
}

interface Source {
  name: string;
  /** A checksum or GCM tag guards every byte: a mutated stream may lose pushes, never change one. */
  guarded?: boolean;
  stream: () => Promise<Uint8Array>;
  opts: PushListenerOptions;
}

const SOURCES: Source[] = [
  { name: 'HDLC plain (Kamstrup capture)', guarded: true, stream: async () => KAMSTRUP_HDLC, opts: {} },
  { name: 'HDLC segmented, auth+enc', guarded: true, stream: async () => Uint8Array.from([...(await cipheredHdlc(5)), ...(await cipheredHdlc(6))]), opts: { blockCipherKey: EK, authenticationKey: AK } },
  { name: 'M-Bus, enc only (TINETZ example)', stream: async () => fromHex(F.TIROL_MBUS), opts: { blockCipherKey: fromHex(F.TIROL_KEY) } },
  { name: 'M-Bus segments of an auth+enc push', guarded: true, stream: async () => Uint8Array.from(encodeMbusSegments(await rawCiphered(9), 50).flatMap((f) => [...f])), opts: { blockCipherKey: EK, authenticationKey: AK } },
  { name: 'raw plain (Aidon)', stream: async () => fromHex(F.AIDON_LIST3.slice(6)), opts: { linkLayer: 'raw' } },
];

async function rawCiphered(ic: number): Promise<Uint8Array> {
  const plain = encodeApdu({ type: 'data-notification', longInvokeIdAndPriority: ic, body: { type: 'structure', items: [{ type: 'uint32', value: ic }] } });
  return protectApdu({ kind: 'general-glo', securityControl: 0x30, invocationCounter: ic, systemTitle: ST, keys: { blockCipherKey: EK, authenticationKey: AK } }, plain);
}

function checkTyped(events: PushEvent[]): void {
  for (const e of events) {
    if (e.kind === 'push') {
      expect(Array.isArray(e.values)).toBe(true);
      for (const v of e.values) expect(['number', 'string', 'boolean'].includes(typeof v.value) || v.value === null).toBe(true);
    } else {
      expect(e.kind).toBe('bad');
      expect(e.error).toBeInstanceOf(ProtocolError);
      expect(['crc', 'gcm', 'counter', 'frame', 'apdu', 'shape']).toContain(e.reason);
    }
  }
}

async function feedInChunks(opts: PushListenerOptions, bytes: Uint8Array, cuts: number[]): Promise<PushEvent[]> {
  const l = new PushListener(opts);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: PushEvent[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(...(await l.feed(bytes.subarray(from, p))));
    from = p;
  }
  return out;
}

const summary = (events: PushEvent[]) => events.map((e) => (e.kind === 'push' ? { push: e.values, time: e.time, ic: e.invocationCounter } : { bad: e.reason, code: e.error.code }));

describe('push listener properties', () => {
  it('random bytes, any link layer, with and without keys: only typed events, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom<PushListenerOptions>({}, { linkLayer: 'hdlc' }, { linkLayer: 'mbus' }, { linkLayer: 'raw' }, { blockCipherKey: EK, authenticationKey: AK }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (bytes, opts, cuts) => {
          const events = await feedInChunks(opts, bytes, cuts);
          checkTyped(events);
          const l = new PushListener(opts);
          await l.feed(bytes);
          checkTyped(await l.flush());
        },
      ),
      { numRuns: 150 },
    );
  });

  for (const src of SOURCES) {
    it(`${src.name}: mutated (flips, insertions, deletions) gives only typed events${src.guarded ? ', and no altered push' : ''}`, async () => {
      const base = await src.stream();
      const originals = summary(await feedInChunks(src.opts, base, [])).map((e) => JSON.stringify(e));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom('flip', 'insert', 'delete'), fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
          fc.array(fc.nat(), { maxLength: 4 }),
          async (muts, cuts) => {
            const b = [...base];
            for (const [kind, at, v] of muts) {
              const i = at % (b.length + 1);
              if (kind === 'flip' && i < b.length) b[i] ^= v;
              else if (kind === 'insert') b.splice(i, 0, v);
              else if (i < b.length) b.splice(i, 1);
            }
            const events = await feedInChunks(src.opts, Uint8Array.from(b), cuts);
            checkTyped(events);
            if (src.guarded) for (const e of summary(events)) if ('push' in e) expect(originals).toContain(JSON.stringify(e));
          },
        ),
        { numRuns: 60 },
      );
    });

    it(`${src.name}: any chunking, garbage around it, gives the same events`, async () => {
      const base = await src.stream();
      const whole = await feedInChunks(src.opts, base, []);
      expect(whole.some((e) => e.kind === 'push')).toBe(true);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), fc.uint8Array({ maxLength: 40 }), async (cuts, junk) => {
          // Junk after the frames (never before raw APDUs, which have nothing to resync on).
          const stream = Uint8Array.from([...base, ...junk]);
          const ref = summary(await feedInChunks(src.opts, stream, []));
          expect(summary(await feedInChunks(src.opts, stream, cuts))).toEqual(ref);
          expect(summary(await feedInChunks(src.opts, stream, Array.from({ length: stream.length }, (_, k) => k)))).toEqual(ref);
        }),
        { numRuns: 40 },
      );
    });
  }
});
