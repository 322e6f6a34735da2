import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../dlms/hex';
import { encodeFrame } from '../hdlc/frame';
import { PushListener, type PushEvent, type PushValue } from './index';
import * as F from './fixtures/public-frames';

/**
 * Real pushes decode to the values their notes list: the 2017 Norwegian HAN captures in
 * ../shared/fixtures/amstomqtt-han (oracle: NOTES.md and the Gurux translator's XML beside them), and
 * frames other open-source readers publish (sources in fixtures/public-frames.ts).
 */

const dir = new URL('../../../../shared/fixtures/amstomqtt-han/', import.meta.url);

/** The whole capture file as one byte stream, cut-off frames and all. */
function stream(file: string): Uint8Array {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const hex = text.split('\n').filter((l) => !l.startsWith('[')).join(' ').match(/\b[0-9A-F]{2}\b/g) ?? [];
  return Uint8Array.from(hex.map((h) => parseInt(h, 16)));
}

const pushes = (ev: PushEvent[]) => ev.filter((e): e is Extract<PushEvent, { kind: 'push' }> => e.kind === 'push');
const byObis = (values: PushValue[]) => new Map(values.map((v) => [v.obis, v]));

describe('Norwegian HAN captures (amstomqtt-han)', () => {
  it('Kaifa list 1, 2 and 3 decode to the noted values, every frame good', async () => {
    const l = new PushListener();
    const all = [...(await l.feed(stream('kaifa-HAN-20170912-3.txt'))), ...(await l.feed(stream('kaifa-HAN-20170914.head150.txt')))];
    expect(l.detectedLinkLayer).toBe('hdlc');
    expect(all.filter((e) => e.kind === 'bad')).toEqual([]);
    const ps = pushes(all);
    expect(ps.length).toBeGreaterThanOrEqual(30);
    // List 3 at 2017-09-13 00:00:10 (header deviation unspecified: read as UTC by default).
    const l3 = ps.find((p) => p.values.length === 18)!;
    expect(l3.listId).toBe('KFM_001');
    expect(l3.time).toBe(Date.UTC(2017, 8, 13, 0, 0, 10));
    const v = byObis(l3.values);
    expect(v.get('0.0.96.1.0.255')?.value).toBe('6970631401753985');
    expect(v.get('0.0.96.1.7.255')?.value).toBe('MA304H3E');
    expect(v.get('1.0.1.7.0.255')).toEqual({ obis: '1.0.1.7.0.255', value: 0x11b5, unit: 'W' });
    expect(v.get('1.0.31.7.0.255')).toEqual({ obis: '1.0.31.7.0.255', value: 14.408, unit: 'A', decimals: 3 });
    expect(v.get('1.0.32.7.0.255')).toEqual({ obis: '1.0.32.7.0.255', value: 238.1, unit: 'V', decimals: 1 });
    expect(v.get('1.0.1.8.0.255')?.value).toBe(0x01b857);
    expect(v.get('1.0.4.8.0.255')).toEqual({ obis: '1.0.4.8.0.255', value: 0x33a4, unit: 'varh' });
    expect(v.get('0.0.1.0.0.255')?.raw).toBe('07E1090D0200000AFF800000');
    // List 1: one value, active power import.
    const l1 = ps.filter((p) => p.values.length === 1);
    expect(l1.length).toBeGreaterThan(10);
    expect(l1[0].values[0]).toEqual({ obis: '1.0.1.7.0.255', value: 0x11ac, unit: 'W' });
  });

  it('every frame the Gurux translator decoded gives the same values, element by element', async () => {
    const text = readFileSync(new URL('DECODES-gurux-python-translator.txt', dir), 'utf8');
    const blocks = text.split('SOURCE FILE:').slice(1);
    expect(blocks.length).toBe(4);
    for (const block of blocks) {
      const frame = fromHex(/FRAME HEX: ([0-9A-F ]+)/.exec(block)![1].replace(/ /g, ''));
      const leaves = [...block.matchAll(/<(UInt32|UInt16|OctetString|String) Value="([^"]*)"/g)]
        .map((m) => ({ type: m[1], value: m[2] }))
        // OBIS codes are names here, not values.
        .filter((l) => !(l.type === 'OctetString' && l.value.length === 12));
      const [p] = pushes(await new PushListener().feed(frame));
      expect(p.values.length).toBe(leaves.length);
      p.values.forEach((v, k) => {
        const leaf = leaves[k];
        if (leaf.type === 'UInt32' || leaf.type === 'UInt16') expect(Math.round(Number(v.value) * 10 ** (v.decimals ?? 0))).toBe(parseInt(leaf.value, 16));
        else if (leaf.type === 'String') expect(v.value).toBe(leaf.value);
        else if (v.raw) expect(v.raw).toBe(leaf.value);
        else expect(Buffer.from(String(v.value), 'latin1').toString('hex').toUpperCase()).toBe(leaf.value);
      });
    }
  });

  it('Kamstrup list 1 decodes to the noted values (and the Gurux XML of the first frame)', async () => {
    const l = new PushListener({ timeZone: 'Europe/Oslo' });
    const ev = await l.feed(stream('kamstrup-HAN-20171019-xibriz4.head120.txt'));
    expect(ev.filter((e) => e.kind === 'bad')).toEqual([]);
    const first = pushes(ev)[0];
    expect(first.listId).toBe('Kamstrup_V0001');
    // 2017-10-20 03:43:30, deviation unspecified: local time in Oslo (CEST, UTC+2).
    expect(first.time).toBe(Date.UTC(2017, 9, 20, 1, 43, 30));
    const v = byObis(first.values);
    expect(v.get('1.1.0.0.5.255')?.value).toBe('5706567274389702');
    expect(v.get('1.1.96.1.1.255')?.value).toBe('6841121BN243101040');
    expect(v.get('1.1.1.7.0.255')).toEqual({ obis: '1.1.1.7.0.255', value: 1468, unit: 'W' });
    expect(v.get('1.1.2.7.0.255')?.value).toBe(0);
    expect(v.get('1.1.3.7.0.255')?.value).toBe(0);
    expect(v.get('1.1.4.7.0.255')).toEqual({ obis: '1.1.4.7.0.255', value: 462, unit: 'var' });
    expect(v.get('1.1.31.7.0.255')).toEqual({ obis: '1.1.31.7.0.255', value: 5.64, unit: 'A', decimals: 2 });
    expect(v.get('1.1.51.7.0.255')?.value).toBe(2.02);
    expect(v.get('1.1.71.7.0.255')?.value).toBe(5.11);
    expect(v.get('1.1.32.7.0.255')).toEqual({ obis: '1.1.32.7.0.255', value: 232, unit: 'V' });
    expect(v.get('1.1.52.7.0.255')?.value).toBe(228);
    expect(v.get('1.1.72.7.0.255')?.value).toBe(233);
  });

  it('the same frames without the vendor 09 tag (as Gurux decoded them, later Kamstrup firmware) decode alike', async () => {
    const frames = stream('kamstrup-HAN-20171019-xibriz4.head120.txt');
    const first = frames.subarray(0, 229);
    const apdu = first.subarray(11, 229 - 3);
    const stripped = Uint8Array.from([...apdu.subarray(0, 5), ...apdu.subarray(6)]);
    const viaRaw = pushes(await new PushListener({ linkLayer: 'raw' }).feed(stripped));
    const viaHdlc = pushes(await new PushListener().feed(first));
    expect(viaRaw[0].values).toEqual(viaHdlc[0].values);
  });
});

describe('frames published by other open-source readers', () => {
  it('TINETZ (Austria) M-Bus, general-glo-ciphering, encryption only: deciphers to the published plaintext values', async () => {
    const l = new PushListener({ blockCipherKey: fromHex(F.TIROL_KEY) });
    const [e] = await l.feed(fromHex(F.TIROL_MBUS));
    expect(l.detectedLinkLayer).toBe('mbus');
    expect(e.kind).toBe('push');
    if (e.kind !== 'push') return;
    expect(e.systemTitle).toBe('4B464D1010000023');
    expect(e.invocationCounter).toBe(0x00295b9a);
    // The published plaintext, read with the plain path, gives the same values.
    const plain = pushes(await new PushListener({ linkLayer: 'raw' }).feed(fromHex(F.TIROL_PLAIN)))[0];
    expect(e.values).toEqual(plain.values);
    const v = byObis(e.values);
    expect(v.get('0.0.96.1.0.255')?.value).toBe('1KFM0100000035');
    expect(v.get('1.0.32.7.0.255')).toEqual({ obis: '1.0.32.7.0.255', value: 230.8, unit: 'V', decimals: 1 });
    expect(v.get('1.0.1.8.0.255')).toEqual({ obis: '1.0.1.8.0.255', value: 0x2394, unit: 'Wh' });
    // 15:46:35 local, deviation -120 (CEST): UTC = local + deviation.
    expect(e.time).toBe(Date.UTC(2021, 6, 19, 13, 46, 35));
    expect(l.lastInvocationCounter).toBe(0x00295b9a);
  });

  it('Netz NÖ (EVN) M-Bus example with its published test key', async () => {
    const l = new PushListener({ blockCipherKey: fromHex(F.NETZNOE_KEY) });
    const [e] = await l.feed(fromHex(F.NETZNOE_MBUS));
    expect(e.kind).toBe('push');
    if (e.kind !== 'push') return;
    const v = byObis(e.values);
    expect(v.get('1.0.1.8.0.255')).toEqual({ obis: '1.0.1.8.0.255', value: 12937, unit: 'Wh' });
    expect(v.get('1.0.32.7.0.255')).toEqual({ obis: '1.0.32.7.0.255', value: 233.7, unit: 'V', decimals: 1 });
    expect(v.get('1.0.13.7.0.255')).toEqual({ obis: '1.0.13.7.0.255', value: 1, decimals: 3 });
    expect(v.get('0.0.96.1.0.255')?.value).toBe('181220000009');
    expect(e.time).toBeDefined();
  });

  it('Aidon list 2 and 3 (amshan tests) decode with their own scalers', async () => {
    const ev = [
      ...(await new PushListener({ linkLayer: 'raw' }).feed(fromHex(F.AIDON_LIST2.slice(6)))),
      ...(await new PushListener({ linkLayer: 'raw' }).feed(fromHex(F.AIDON_LIST3.slice(6)))),
    ];
    const [l2, l3] = pushes(ev);
    expect(l2.listId).toBe('AIDON_V0001');
    const v = byObis(l3.values);
    expect(v.get('1.0.1.7.0.255')).toEqual({ obis: '1.0.1.7.0.255', value: 280, unit: 'W' });
    expect(v.get('1.0.31.7.0.255')).toEqual({ obis: '1.0.31.7.0.255', value: 1.3, unit: 'A', decimals: 1 });
    expect(v.get('1.0.72.7.0.255')?.value).toBe(230.9);
    expect(v.get('1.0.1.8.0.255')).toEqual({ obis: '1.0.1.8.0.255', value: 22721380, unit: 'Wh' });
  });

  it('Kamstrup list 2, three and single phase (amshan tests): clock and energies named and scaled', async () => {
    const l = new PushListener({ linkLayer: 'hdlc' });
    const frames = [F.KAMSTRUP_LIST2_3P, F.KAMSTRUP_LIST2_1P].map((hex) =>
      encodeFrame({ type: 'UI', pf: true, dest: { value: 0x15, size: 1 }, src: { value: 0x10, size: 1 }, info: fromHex(hex) }),
    );
    const [three, one] = pushes(await l.feed(Uint8Array.from(frames.flatMap((f) => [...f]))));
    expect(three.values).toHaveLength(18);
    expect(one.values).toHaveLength(8);
    const v = byObis(three.values);
    expect(v.get('0.1.1.0.0.255')).toEqual({ obis: '0.1.1.0.0.255', value: '2017-08-16T16:00:05', raw: '07E1081003100005FF800000' });
    expect(v.get('1.1.1.8.0.255')).toEqual({ obis: '1.1.1.8.0.255', value: 0, unit: 'Wh' });
    expect(v.get('1.1.4.8.0.255')).toEqual({ obis: '1.1.4.8.0.255', value: 0, unit: 'varh' });
    expect(three.time).toBe(Date.UTC(2017, 7, 16, 16, 0, 5));
    expect(byObis(one.values).get('1.1.32.7.0.255')).toEqual({ obis: '1.1.32.7.0.255', value: 0, unit: 'V' });
  });

  it('a wrong key refuses the push as AUTH_FAILED and gives no values', async () => {
    const l = new PushListener({ blockCipherKey: fromHex('00112233445566778899AABBCCDDEEFF') });
    const [e] = await l.feed(fromHex(F.TIROL_MBUS));
    expect(e.kind).toBe('bad');
    if (e.kind !== 'bad') return;
    expect(e.reason).toBe('gcm');
    expect(e.error.code).toBe('AUTH_FAILED');
    expect(e).not.toHaveProperty('values');
    expect(l.lastInvocationCounter).toBeUndefined();
  });

  it('no key configured: refused, not shown', async () => {
    const [e] = await new PushListener().feed(fromHex(F.NETZNOE_MBUS));
    expect(e).toMatchObject({ kind: 'bad', reason: 'gcm' });
  });
});
