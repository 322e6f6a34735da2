import type { BenchRow } from './types';
import { readFileSync } from 'node:fs';
import { encodeApdu } from '../src/protocols/dlms/apdu/apdu';
import type { DlmsData } from '../src/protocols/dlms/axdr/types';
import { fromHex } from '../src/protocols/dlms/hex';
import { protectApdu } from '../src/protocols/dlms/security/protect';
import { encodeFrame } from '../src/protocols/hdlc/frame';
import { encodeMbusSegments } from '../src/protocols/push/mbus-deframer';
import { PushListener, type PushListenerOptions } from '../src/protocols/push';

/**
 * Issue 14: push frames decoded per second by the PushListener (pure decoding, no line time), plain
 * and ciphered (AES-GCM through WebCrypto, authentication + encryption). Inputs: the real Kamstrup
 * HAN capture frame (229 bytes, 12 values) and an Aidon-sized OBIS + value + scaler_unit list of 12
 * values, ciphered, in HDLC and in two M-Bus segments. The worker's CPU share while listening is
 * 14b's bench (push-listen.bench.ts).
 */

const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = fromHex('4D4D4D0000BC614E');

function kamstrupFrame(): Uint8Array {
  const text = readFileSync(new URL('../../shared/fixtures/amstomqtt-han/kamstrup-HAN-20171019-xibriz4.head120.txt', import.meta.url), 'utf8');
  const block = text.split(/\n(?=\[)/)[0];
  const hex = block.slice(block.indexOf('\n') + 1).match(/\b[0-9A-F]{2}\b/g) ?? [];
  return fromHex(hex.join(''));
}

function list(ic: number): Uint8Array {
  const obis = (c: number): DlmsData => ({ type: 'octet-string', value: Uint8Array.of(1, 0, c, 7, 0, 255) });
  const rows: DlmsData[] = [];
  for (let k = 0; k < 12; k++) {
    rows.push({ type: 'structure', items: [obis(k + 1), { type: 'uint32', value: ic + k }, { type: 'structure', items: [{ type: 'int8', value: -1 }, { type: 'enum', value: 27 }] }] });
  }
  return encodeApdu({ type: 'data-notification', longInvokeIdAndPriority: ic, body: { type: 'array', items: rows } });
}

async function stream(n: number, build: (ic: number) => Promise<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let ic = 1; ic <= n; ic++) parts.push(await build(ic));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/** Decodes `bytes` (n pushes) in 64-byte chunks, as a serial port delivers them; pushes per second. */
async function rate(bytes: Uint8Array, n: number, opts: PushListenerOptions, rounds: number): Promise<number> {
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const l = new PushListener(opts);
    const t0 = performance.now();
    let pushes = 0;
    for (let p = 0; p < bytes.length; p += 64) for (const e of await l.feed(bytes.subarray(p, p + 64))) if (e.kind === 'push') pushes++;
    const ms = performance.now() - t0;
    if (pushes !== n) throw new Error(`decoded ${pushes} of ${n} pushes`);
    best = Math.max(best, (n * 1000) / ms);
  }
  return best;
}

const cipher = (plain: Uint8Array, ic: number) =>
  protectApdu({ kind: 'general-glo', securityControl: 0x30, invocationCounter: ic, systemTitle: ST, keys: { blockCipherKey: EK, authenticationKey: AK } }, plain);
const hdlc = (apdu: Uint8Array) => encodeFrame({ type: 'UI', pf: true, dest: { value: 0x10, size: 1 }, src: { value: 1, size: 1 }, info: Uint8Array.from([0xe6, 0xe7, 0, ...apdu]) });

export async function run(): Promise<BenchRow[]> {
  const N = 2000;
  const kam = kamstrupFrame();
  const plainHdlc = await stream(N, async () => kam);
  const gcmHdlc = await stream(N, async (ic) => hdlc(await cipher(list(ic), ic)));
  const gcmMbus = await stream(N, async (ic) => Uint8Array.from(encodeMbusSegments(await cipher(list(ic), ic), 120).flatMap((f) => [...f])));
  const keys = { blockCipherKey: EK, authenticationKey: AK };
  return [
    { name: 'push: HDLC plain pushes decoded', value: await rate(plainHdlc, N, { linkLayer: 'hdlc' }, 3), unit: '/s', note: `real Kamstrup HAN frame, ${kam.length} bytes, 12 values, 64-byte chunks` },
    { name: 'push: HDLC GCM pushes decoded', value: await rate(gcmHdlc, N, { linkLayer: 'hdlc', ...keys }, 3), unit: '/s', note: `general-glo-ciphering auth+enc, ${gcmHdlc.length / N} bytes, 12 triples` },
    { name: 'push: M-Bus GCM pushes decoded', value: await rate(gcmMbus, N, { ...keys }, 3), unit: '/s', note: `same list in ${encodeMbusSegments(new Uint8Array(gcmHdlc.length / N - 10), 120).length} M-Bus segments, link layer auto-detected` },
  ];
}
