import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { encodeApdu } from '../dlms/apdu/apdu';
import type { DlmsData } from '../dlms/axdr/types';
import { fromHex } from '../dlms/hex';
import { protectApdu } from '../dlms/security/protect';
import { encodeFrame } from '../hdlc/frame';
import { encodeMbusSegments } from './mbus-deframer';
import { PushListener, type PushEvent, type PushListenerOptions } from './index';

/** Link layers, security and shapes, one behaviour at a time. */

const EK = fromHex('000102030405060708090A0B0C0D0E0F');
const AK = fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF');
const ST = fromHex('4D4D4D0000BC614E');
const obis = (dotted: string): DlmsData => ({ type: 'octet-string', value: Uint8Array.from(dotted.split('.').map(Number)) });
const pair = (o: string, v: DlmsData): DlmsData => ({ type: 'structure', items: [obis(o), v] });
const P = (w: number) => pair('1.0.1.7.0.255', { type: 'uint32', value: w });

function notification(body: DlmsData, id = 1, dateTime?: Uint8Array): Uint8Array {
  return encodeApdu({ type: 'data-notification', longInvokeIdAndPriority: id, body, ...(dateTime ? { dateTime } : {}) });
}
function cipher(plain: Uint8Array, ic: number, sc = 0x30, title = ST): Promise<Uint8Array> {
  return protectApdu({ kind: 'general-glo', securityControl: sc, invocationCounter: ic, systemTitle: title, keys: { blockCipherKey: EK, authenticationKey: AK } }, plain);
}
function hdlc(apdu: Uint8Array, segmented = false, llc = true): Uint8Array {
  return encodeFrame({ type: 'UI', pf: true, dest: { value: 0x10, size: 1 }, src: { value: 1, size: 1 }, segmented, info: llc ? Uint8Array.from([0xe6, 0xe7, 0, ...apdu]) : apdu });
}
const mbus = (apdu: Uint8Array, max = 240) => Uint8Array.from(encodeMbusSegments(apdu, max).flatMap((f) => [...f]));
const keys: PushListenerOptions = { blockCipherKey: EK, authenticationKey: AK };
const bads = (ev: PushEvent[]) => ev.filter((e) => e.kind === 'bad').map((e) => (e.kind === 'bad' ? `${e.reason}:${e.error.code}` : ''));

describe('link layers', () => {
  it('auto-detects HDLC after line noise and keeps it', async () => {
    const l = new PushListener();
    const ev = await l.feed(Uint8Array.from([0x00, 0x68, 0x7e, 0x7e, 0x13, ...hdlc(notification({ type: 'structure', items: [P(1)] }))]));
    expect(l.detectedLinkLayer).toBe('hdlc');
    expect(ev).toMatchObject([{ kind: 'push', values: [{ obis: '1.0.1.7.0.255', value: 1 }] }]);
    expect(l.counters.skippedBytes).toBeGreaterThan(0);
  });

  it('HDLC: segments joined by the segmentation bit; the LLC header is optional', async () => {
    const apdu = notification({ type: 'structure', items: [P(1), P(2), P(3)] });
    const l = new PushListener({ linkLayer: 'hdlc' });
    const a = Uint8Array.from([0xe6, 0xe7, 0, ...apdu]);
    const f1 = encodeFrame({ type: 'I', pf: true, ns: 0, nr: 0, dest: { value: 1, size: 1 }, src: { value: 0x80, size: 2 }, segmented: true, info: a.subarray(0, 10) });
    const f2 = encodeFrame({ type: 'I', pf: true, ns: 1, nr: 0, dest: { value: 1, size: 1 }, src: { value: 0x80, size: 2 }, segmented: false, info: a.subarray(10) });
    const ev = await l.feed(Uint8Array.from([...f1, ...f2, ...hdlc(apdu, false, false)]));
    expect(ev.map((e) => e.kind)).toEqual(['push', 'push']);
    expect(l.counters.frames).toBe(3);
  });

  it('HDLC: a segment opening with the LLC header starts a new message (the last one lost its end)', async () => {
    const a = Uint8Array.from([0xe6, 0xe7, 0, ...notification({ type: 'structure', items: [P(1), P(2)] })]);
    const b = Uint8Array.from([0xe6, 0xe7, 0, ...notification({ type: 'structure', items: [P(3), P(4)] })]);
    const seg = (info: Uint8Array, segmented: boolean) => encodeFrame({ type: 'UI', pf: true, dest: { value: 0x10, size: 1 }, src: { value: 1, size: 1 }, segmented, info });
    const l = new PushListener({ linkLayer: 'hdlc' });
    const ev = await l.feed(Uint8Array.from([...seg(a.subarray(0, 12), true), ...seg(b.subarray(0, 12), true), ...seg(b.subarray(12), false)]));
    expect(bads(ev)).toEqual(['frame:FRAMING']);
    expect(ev[1]).toMatchObject({ kind: 'push', values: [{ value: 3 }, { value: 4 }] });
  });

  it('HDLC: a damaged frame is one crc refusal; a frame that is not I or UI is refused; flush ends a half message', async () => {
    const good = hdlc(notification({ type: 'structure', items: [P(5)] }));
    const damaged = good.slice();
    damaged[20] ^= 1;
    const rr = encodeFrame({ type: 'RR', pf: true, nr: 1, dest: { value: 1, size: 1 }, src: { value: 1, size: 1 } });
    const half = hdlc(notification({ type: 'structure', items: [P(6)] }), true);
    const l = new PushListener({ linkLayer: 'hdlc' });
    const ev = [...(await l.feed(Uint8Array.from([...damaged, ...rr, ...good, ...half]))), ...(await l.flush())];
    expect(bads(ev)).toEqual(['crc:CHECKSUM', 'frame:FRAMING', 'frame:FRAMING']);
    expect(ev.filter((e) => e.kind === 'push')).toHaveLength(1);
  });

  it('M-Bus: DLMS transport segments joined by sequence; an orphan segment and a non-DLMS CI are refused', async () => {
    const apdu = notification({ type: 'structure', items: [P(7), P(8), P(9), P(10)] });
    const segs = encodeMbusSegments(apdu, 20);
    expect(segs.length).toBeGreaterThan(2);
    const other = Uint8Array.from(segs[1]);
    other[6] = 0x72; // an ordinary M-Bus variable data answer
    let sum = 0;
    for (let i = 4; i < other.length - 2; i++) sum = (sum + other[i]) & 0xff;
    other[other.length - 2] = sum;
    const l = new PushListener();
    const ev = await l.feed(Uint8Array.from([...segs[segs.length - 1], ...segs.flatMap((s) => [...s]), ...other]));
    expect(l.detectedLinkLayer).toBe('mbus');
    expect(bads(ev)).toEqual(['frame:FRAMING', 'frame:FRAMING']);
    expect(ev.filter((e) => e.kind === 'push')).toHaveLength(1);
  });

  it('flush keeps whole frames queued behind a false frame start (noise that looks like a long frame header)', async () => {
    const a = notification({ type: 'structure', items: [P(12)] });
    for (const [layer, noise, framed] of [
      ['hdlc', [0x7e, 0xa7, 0xff], hdlc(a)],
      ['mbus', [0x68, 0xfa, 0xfa, 0x68], mbus(a)],
    ] as const) {
      const l = new PushListener({ linkLayer: layer });
      const before = await l.feed(Uint8Array.from([...noise, ...framed]));
      expect(before).toEqual([]); // still waiting for the long "frame" the noise announced
      expect(await l.flush()).toMatchObject([{ kind: 'push', values: [{ value: 12 }] }]);
      // The same before the layer is known: detection happens on the flush.
      const auto = new PushListener();
      expect(await auto.feed(Uint8Array.from([...noise, ...framed]))).toEqual([]);
      expect(await auto.flush()).toMatchObject([{ kind: 'push', values: [{ value: 12 }] }]);
      expect(auto.detectedLinkLayer).toBe(layer);
    }
  });

  it('raw: detected only from the first byte; back-to-back APDUs', async () => {
    const a = notification({ type: 'structure', items: [P(11)] });
    const l = new PushListener();
    const ev = await l.feed(Uint8Array.from([...a, ...a]));
    expect(l.detectedLinkLayer).toBe('raw');
    expect(ev.map((e) => e.kind)).toEqual(['push', 'push']);
    // With noise first, nothing marks where a raw APDU begins: not detected.
    const n = new PushListener();
    await n.feed(Uint8Array.from([0x55, ...a, ...a]));
    expect(n.detectedLinkLayer).toBeUndefined();
  });
});

describe('security', () => {
  it('the Green Book general-glo-ciphering push (../shared/fixtures/dlms) deciphers through the listener', async () => {
    const vectors = readFileSync(new URL('../../../../shared/fixtures/dlms/VECTORS-curated.txt', import.meta.url), 'utf8');
    const literal = vectors.split('\n').find((line) => line.trim().startsWith('DB082F19'))!.trim();
    const apdu = fromHex(literal).subarray(0, 10 + 1 + 0x3b);
    const key = new TextEncoder().encode('MYDUMMYGLOBALKEY');
    const l = new PushListener({ linkLayer: 'raw', blockCipherKey: key, authenticationKey: key });
    const [e] = await l.feed(apdu);
    // Its tag checks and it deciphers to a data-notification; its body is one octet-string (a record
    // in the meter's own layout), which no list shape explains: refused as shape, not as gcm.
    expect(e).toMatchObject({ kind: 'bad', reason: 'shape' });
    const wrong = new PushListener({ linkLayer: 'raw', blockCipherKey: EK, authenticationKey: key });
    expect(await wrong.feed(apdu)).toMatchObject([{ kind: 'bad', reason: 'gcm' }]);
  });

  it('authentication only, encryption only, both: all decode with the right keys', async () => {
    for (const sc of [0x10, 0x20, 0x30]) {
      const l = new PushListener(keys);
      const ev = await l.feed(hdlc(await cipher(notification({ type: 'structure', items: [P(sc)] }), 100 + sc, sc)));
      expect(ev).toMatchObject([{ kind: 'push', values: [{ value: sc }], invocationCounter: 100 + sc, systemTitle: '4D4D4D0000BC614E' }]);
    }
  });

  it('counters: a replay and an older counter are refused; a forged push cannot move the counter', async () => {
    const l = new PushListener(keys);
    const f = async (ic: number) => mbus(await cipher(notification({ type: 'structure', items: [P(ic)] }), ic));
    const forged = await f(1000);
    forged[forged.length - 5] ^= 0x01; // inside the GCM tag, checksum fixed below
    let sum = 0;
    for (let i = 4; i < forged.length - 2; i++) sum = (sum + forged[i]) & 0xff;
    forged[forged.length - 2] = sum;
    const ev = await l.feed(Uint8Array.from([...(await f(10)), ...(await f(10)), ...(await f(9)), ...forged, ...(await f(11))]));
    expect(ev.map((e) => (e.kind === 'push' ? `push:${e.invocationCounter}` : `${e.reason}`))).toEqual(['push:10', 'counter', 'counter', 'gcm', 'push:11']);
    expect(l.lastInvocationCounter).toBe(11);
    const restarted = new PushListener({ ...keys, lastInvocationCounter: 11 });
    expect(await restarted.feed(await f(11))).toMatchObject([{ kind: 'bad', reason: 'counter', error: { code: 'PROTOCOL' } }]);
  });

  it('refused as gcm: another system title than configured, a plain push when a key is set, a tag without the authentication key', async () => {
    const plain = notification({ type: 'structure', items: [P(1)] });
    const otherTitle = await cipher(plain, 5, 0x30, fromHex('0102030405060708'));
    expect(await new PushListener({ ...keys, systemTitle: ST }).feed(hdlc(otherTitle))).toMatchObject([{ kind: 'bad', reason: 'gcm', error: { code: 'AUTH_FAILED' } }]);
    expect(await new PushListener(keys).feed(hdlc(plain))).toMatchObject([{ kind: 'bad', reason: 'gcm', error: { code: 'AUTH_FAILED' } }]);
    expect(await new PushListener({ blockCipherKey: EK }).feed(hdlc(await cipher(plain, 6)))).toMatchObject([{ kind: 'bad', reason: 'gcm', error: { code: 'AUTH_FAILED' } }]);
  });
});

describe('shapes', () => {
  const one = async (body: DlmsData) => (await new PushListener({ linkLayer: 'raw' }).feed(notification(body)))[0];

  it('refuses what it does not understand, whole: unknown flat list, nested values, bad scaler_unit, Kamstrup number without a known scaler', async () => {
    const str = (s: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(s) });
    const u32 = (value: number): DlmsData => ({ type: 'uint32', value });
    for (const body of [
      { type: 'structure', items: [str('XYZ_9'), u32(1), u32(2)] },
      { type: 'structure', items: [u32(1), u32(2)] },
      { type: 'structure', items: [pair('1.0.1.7.0.255', { type: 'array', items: [u32(1)] })] },
      { type: 'structure', items: [{ type: 'structure', items: [obis('1.0.1.7.0.255'), u32(1), u32(3)] }] },
      { type: 'structure', items: [str('Kamstrup_V0001'), obis('1.1.13.7.0.255'), u32(5)] },
      { type: 'structure', items: [str('KFM_001'), str('1'), str('2'), u32(1), u32(2), u32(3), str('oops'), u32(5), u32(6)] },
      { type: 'uint32', value: 5 },
    ] satisfies DlmsData[]) {
      expect(await one(body)).toMatchObject({ kind: 'bad', reason: 'shape', error: { code: 'TYPE_MISMATCH' } });
    }
  });

  it('time: deviation honoured; unspecified deviation read in the configured zone', async () => {
    const dt = fromHex('07E1090D0200000AFF800000'); // 2017-09-13 00:00:10, deviation unspecified
    const withDev = fromHex('07E1090D0200000AFFFF8800'); // deviation -120
    const body: DlmsData = { type: 'structure', items: [P(1)] };
    const l = new PushListener({ linkLayer: 'raw', timeZone: 'Europe/Oslo' });
    const ev = await l.feed(Uint8Array.from([...notification(body, 1, dt), ...notification(body, 2, withDev)]));
    expect(ev.map((e) => (e.kind === 'push' ? e.time : undefined))).toEqual([Date.UTC(2017, 8, 12, 22, 0, 10), Date.UTC(2017, 8, 12, 22, 0, 10)]);
  });
});

describe('options', () => {
  it('keys, title, counter and zone of the wrong form are CONFIG_INVALID at construction', () => {
    for (const o of [
      { blockCipherKey: new Uint8Array(15) },
      { blockCipherKey: EK, authenticationKey: new Uint8Array(3) },
      { authenticationKey: AK },
      { systemTitle: new Uint8Array(7) },
      { lastInvocationCounter: -1 },
      { timeZone: 'Mars/Olympus' },
    ] satisfies PushListenerOptions[]) {
      expect(() => new PushListener(o)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
