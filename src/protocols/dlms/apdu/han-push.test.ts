import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../hex';
import { decodeDateTime } from '../axdr/datetime';
import type { DlmsData } from '../axdr/types';
import { decodeApdu, encodeApdu } from './apdu';
import type { DataNotification } from './types';

/** Real HAN-port push captures (Kaifa MA304H3E, Kamstrup Omnipower, 2017). */

const dir = new URL('../../../../../shared/fixtures/amstomqtt-han/', import.meta.url);

interface Capture {
  file: string;
  when: string;
  frame: Uint8Array;
}

function captures(file: string): Capture[] {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const out: Capture[] = [];
  for (const block of text.split(/\n(?=\[)/)) {
    const m = /^\[(.*?) - Received (\d+)/.exec(block);
    if (!m) continue;
    const body = block.slice(block.indexOf('\n') + 1);
    const hex = body.match(/\b[0-9A-F]{2}\b/g) ?? [];
    const frame = fromHex(hex.join(''));
    // The head-N files end in a cut-off frame: keep only complete ones.
    if (frame.length === Number(m[2]) && frame[0] === 0x7e && frame[frame.length - 1] === 0x7e) out.push({ file, when: m[1], frame });
  }
  return out;
}

/** Strips the HDLC envelope by hand (the HDLC codec lives elsewhere): flag, format, addresses, control, HCS, LLC; FCS, flag. */
function apduOf(frame: Uint8Array): Uint8Array {
  let p = 3; // flag + 2-byte frame format
  while ((frame[p] & 1) === 0) p++; // destination address
  p++;
  while ((frame[p] & 1) === 0) p++; // source address
  p++;
  p += 1 + 2; // control, HCS
  if (frame[p] === 0xe6 && frame[p + 1] === 0xe7 && frame[p + 2] === 0x00) p += 3;
  return frame.subarray(p, frame.length - 3);
}

function decodePush(frame: Uint8Array): DataNotification {
  const bytes = apduOf(frame);
  const apdu = decodeApdu(bytes);
  if (apdu.type !== 'data-notification') throw new Error(`expected data-notification, got ${apdu.type}`);
  // The tolerated vendor form re-encodes to the very same bytes.
  expect(toHex(encodeApdu(apdu))).toBe(toHex(bytes));
  return apdu;
}

function items(body: DlmsData): DlmsData[] {
  if (body.type !== 'structure') throw new Error('structure expected');
  return body.items;
}

const u32 = (value: number): DlmsData => ({ type: 'uint32', value });
const u16 = (value: number): DlmsData => ({ type: 'uint16', value });
const obis = (hex: string): DlmsData => ({ type: 'octet-string', value: fromHex(hex) });
const ascii = (s: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(s) });

describe('HAN push captures', () => {
  const all = [
    ...captures('kaifa-HAN-20170912-3.txt'),
    ...captures('kaifa-HAN-20170914.head150.txt'),
    ...captures('kamstrup-HAN-20171019-xibriz4.head120.txt'),
  ];

  it('every complete frame is a data-notification with the vendor 0x09 date-time tag', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
    for (const c of all) {
      const n = decodePush(c.frame);
      expect(n.dateTimeTagged).toBe(true);
      expect(n.dateTime).toHaveLength(12);
      expect(n.body.type).toBe('structure');
    }
  });

  it('Kaifa list 1: active power import 4524 W at 2017-09-13 00:00:06', () => {
    const n = decodePush(captures('kaifa-HAN-20170912-3.txt')[0].frame);
    expect(n.longInvokeIdAndPriority).toBe(0x40000000);
    expect(toHex(n.dateTime!)).toBe('07E1090D02000006FF800000');
    expect(decodeDateTime(n.dateTime!)).toEqual({ year: 2017, month: 9, day: 13, dayOfWeek: 2, hour: 0, minute: 0, second: 6, clockStatus: 0 });
    expect(items(n.body)).toEqual([u32(0x11ac)]);
  });

  it('Kaifa list 3 (18 elements) matches the independent decode', () => {
    const frame = captures('kaifa-HAN-20170912-3.txt').find((c) => c.when === '2017-09-13 00.00.11.761')!.frame;
    const n = decodePush(frame);
    expect(toHex(n.dateTime!)).toBe('07E1090D0200000AFF800000');
    expect(items(n.body)).toEqual([
      ascii('KFM_001'),
      ascii('6970631401753985'),
      ascii('MA304H3E'),
      u32(0x11b5),
      u32(0),
      u32(0),
      u32(0x80),
      u32(0x3848),
      u32(0x3c76),
      u32(0x145b),
      u32(0x94d),
      u32(0),
      u32(0x95a),
      obis('07E1090D0200000AFF800000'),
      u32(0x1b857),
      u32(0),
      u32(0x65),
      u32(0x33a4),
    ]);
  });

  it('Kaifa list 2 (13 elements, 2017-09-14)', () => {
    const frame = captures('kaifa-HAN-20170914.head150.txt').find((c) => c.when === '2017-09-14 19.31.10.804')!.frame;
    const body = items(decodePush(frame).body);
    expect(body).toHaveLength(13);
    expect(body.slice(0, 3)).toEqual([ascii('KFM_001'), ascii('6970631401753985'), ascii('MA304H3E')]);
    expect(body[3]).toEqual(u32(918)); // P+ W
    expect(body[12]).toEqual(u32(0x94e)); // U3 in 0.1 V: 237.4 V
  });

  it('Kamstrup list 1 (25 elements with OBIS codes) matches the authors\' breakdown', () => {
    const n = decodePush(captures('kamstrup-HAN-20171019-xibriz4.head120.txt')[0].frame);
    expect(n.longInvokeIdAndPriority).toBe(0);
    const dt = decodeDateTime(n.dateTime!);
    expect(dt).toEqual({ year: 2017, month: 10, day: 20, dayOfWeek: 5, hour: 3, minute: 43, second: 30, clockStatus: 0 });
    expect(dt.deviation).toBeUndefined();
    const body = items(n.body);
    expect(body).toHaveLength(25);
    expect(body[0]).toEqual({ type: 'visible-string', value: 'Kamstrup_V0001' });
    expect(body[1]).toEqual(obis('0101000005FF'));
    expect(body[2]).toEqual({ type: 'visible-string', value: '5706567274389702' });
    expect(body[4]).toEqual({ type: 'visible-string', value: '6841121BN243101040' });
    const byObis = new Map<string, DlmsData>();
    for (let i = 5; i < 25; i += 2) byObis.set(toHex((body[i] as { value: Uint8Array }).value), body[i + 1]);
    expect(byObis.get('0101010700FF')).toEqual(u32(1468));
    expect(byObis.get('0101020700FF')).toEqual(u32(0));
    expect(byObis.get('0101040700FF')).toEqual(u32(462));
    expect(byObis.get('01011F0700FF')).toEqual(u32(564));
    expect(byObis.get('0101330700FF')).toEqual(u32(202));
    expect(byObis.get('0101470700FF')).toEqual(u32(511));
    expect(byObis.get('0101200700FF')).toEqual(u16(232));
    expect(byObis.get('0101340700FF')).toEqual(u16(228));
    expect(byObis.get('0101480700FF')).toEqual(u16(233));
  });

  it('the standard form (0x09 removed, as in the Gurux decode) gives the same values', () => {
    const frame = captures('kaifa-HAN-20170912-3.txt')[0].frame;
    const tagged = decodePush(frame);
    const std = decodeApdu(fromHex('0F400000000C07E1090D02000006FF800000020106000011AC'));
    const { dateTimeTagged, ...rest } = tagged;
    expect(dateTimeTagged).toBe(true);
    expect(std).toStrictEqual(rest);
    expect(toHex(encodeApdu(std))).toBe('0F400000000C07E1090D02000006FF800000020106000011AC');
  });
});
