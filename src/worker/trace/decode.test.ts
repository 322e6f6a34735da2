import { describe, expect, it } from 'vitest';
import { bytesToHex, Logger } from '../../core/logger';
import { encodeFrame } from '../../protocols/hdlc/frame';
import { encodeParameters } from '../../protocols/hdlc/params';
import { addLlc } from '../../protocols/hdlc/llc';
import { encodeApdu } from '../../protocols/dlms/apdu/apdu';
import { buildAarq } from '../../protocols/dlms/acse/build';
import { encodeAarq } from '../../protocols/dlms/acse/aarq';
import { encodeWrapper } from '../../protocols/wrapper/codec';
import { encodeDataMessage, encodeCommand, encodeIdentification, encodeOptionSelect, encodeRequest } from '../../protocols/iec62056-21/messages';
import { beforeEach } from 'vitest';
import { decodeTraceFrame, parseTraceHex, resetTraceDecoder, type DecodedNode } from './index';

const OBIS = Uint8Array.of(1, 0, 1, 8, 0, 255);

/** Every "label: value" line of a tree, indented, for readable assertions. */
function flatten(n: DecodedNode | undefined, depth = 0): string[] {
  if (!n) return [];
  return [`${'  '.repeat(depth)}${n.label}${n.value !== undefined ? `: ${n.value}` : ''}`, ...(n.children ?? []).flatMap((c) => flatten(c, depth + 1))];
}
const text = (n: DecodedNode | undefined) => flatten(n).join('\n');

function iFrame(info: Uint8Array, opts: { toServer: boolean; segmented?: boolean }) {
  const server = { value: (1 << 7) | 17, size: 2 as const };
  const client = { value: 0x10, size: 1 as const };
  return encodeFrame({
    type: 'I',
    pf: true,
    ns: 0,
    nr: 0,
    dest: opts.toServer ? server : client,
    src: opts.toServer ? client : server,
    segmented: opts.segmented ?? false,
    info,
  });
}

describe('decodeTraceFrame', () => {
  beforeEach(() => resetTraceDecoder());

  it('decodes an HDLC I-frame with LLC and a GET request down to the OBIS code', () => {
    const apdu = encodeApdu({ type: 'get-request-normal', invokeIdAndPriority: 0xc1, attribute: { classId: 3, obis: OBIS, attributeId: 2 } });
    const tree = decodeTraceFrame(bytesToHex(iFrame(addLlc(apdu, 'request'), { toServer: true })), 'DEMO');
    const t = text(tree);
    expect(tree?.label).toMatch(/^HDLC I N\(S\)=0 N\(R\)=0/);
    expect(t).toContain('HCS: ');
    expect(t).toMatch(/HCS: 0x[0-9A-F]{4} ok/);
    expect(t).toMatch(/FCS: 0x[0-9A-F]{4} ok/);
    expect(t).toContain('LLC: E6 E6 00 (request)');
    expect(t).toContain('APDU get-request-normal: class 3 1.0.1.8.0.255 attr 2');
    expect(t).toContain('class id: 3');
    expect(t).toContain('logical (upper): 1');
    expect(t).toContain('physical (lower): 17');
    expect(t).toContain('invoke id: 1');
  });

  it('decodes the A-XDR value of a GET response', () => {
    const apdu = encodeApdu({
      type: 'get-response-normal',
      invokeIdAndPriority: 0xc1,
      result: { type: 'data', value: { type: 'structure', items: [{ type: 'uint32', value: 1234567 }, { type: 'visible-string', value: 'kWh' }] } },
    });
    const t = text(decodeTraceFrame(bytesToHex(iFrame(addLlc(apdu, 'response'), { toServer: false })), 'DEMO'));
    expect(t).toContain('LLC: E6 E7 00 (response)');
    expect(t).toContain('result: structure: 2 items');
    expect(t).toContain('[0]: uint32: 1234567');
    expect(t).toContain('[1]: visible-string: "kWh"');
  });

  it('names data-access errors', () => {
    const apdu = encodeApdu({ type: 'get-response-normal', invokeIdAndPriority: 0xc1, result: { type: 'error', result: 4 } });
    expect(text(decodeTraceFrame(bytesToHex(iFrame(addLlc(apdu, 'response'), { toServer: false })), 'P'))).toContain('object-undefined');
  });

  it('reports a damaged FCS instead of hiding the frame', () => {
    const f = iFrame(addLlc(Uint8Array.of(0xc0, 0x01, 0xc1, 0, 3, 1, 0, 1, 8, 0, 255, 2, 0), 'request'), { toServer: true });
    f[f.length - 2] ^= 0xff;
    expect(text(decodeTraceFrame(bytesToHex(f), 'P'))).toMatch(/FCS: 0x[0-9A-F]{4} MISMATCH/);
  });

  it('decodes SNRM negotiation parameters', () => {
    const f = encodeFrame({
      type: 'SNRM',
      pf: true,
      dest: { value: 17, size: 1 },
      src: { value: 0x10, size: 1 },
      info: encodeParameters({ maxInfoTx: 128, maxInfoRx: 256, windowTx: 1, windowRx: 1 }),
    });
    const t = text(decodeTraceFrame(bytesToHex(f), 'P'));
    expect(t).toContain('control: 0x93 SNRM');
    expect(t).toContain('max info field RX: 256');
  });

  it('decodes an AARQ but never shows the password, and tolerates bytes the logger masked', () => {
    const password = new TextEncoder().encode('12345678');
    const aarq = encodeAarq(buildAarq({ referencing: 'LN', mechanism: 1, authenticationValue: password }));
    const frame = iFrame(addLlc(aarq, 'request'), { toServer: true });
    const plain = text(decodeTraceFrame(bytesToHex(frame), 'P'));
    expect(plain).toContain('AARQ (association request)');
    expect(plain).toContain('LN (2.16.756.5.8.1.1)');
    expect(plain).toContain('calling authentication value: hidden (8 bytes)');
    expect(plain).toContain('proposed conformance');
    expect(plain).not.toContain('12345678');
    expect(plain).not.toContain('31 32 33 34');

    // As the engine logs it: the password bytes are `**`.
    const logger = new Logger(7);
    logger.addSecret('12345678');
    const masked = logger.redactHex(frame);
    expect(masked).toContain('**');
    const t = text(decodeTraceFrame(masked, 'P'));
    expect(t).toContain('FCS');
    expect(t).toContain('not checked (masked bytes)');
    expect(t).toMatch(/bytes: E6 E6 00 60 .*\*\* \*\*/);
    expect(t).not.toContain('12345678');
  });

  it('marks a first segment instead of failing on the half APDU', () => {
    const f = iFrame(addLlc(Uint8Array.of(0xc4, 0x02, 0xc1, 0x00), 'response'), { toServer: false, segmented: true });
    expect(text(decodeTraceFrame(bytesToHex(f), 'P'))).toContain('APDU (first segment)');
  });

  it('reassembles a segmented APDU per port and direction and decodes it on the last frame', () => {
    const attributes = Array.from({ length: 20 }, (_, i) => ({ attribute: { classId: 3, obis: Uint8Array.of(1, 0, 1, 8, i, 255), attributeId: 2 } }));
    const apdu = addLlc(encodeApdu({ type: 'get-request-with-list', invokeIdAndPriority: 0xc1, attributes }), 'request');
    const cut = [apdu.subarray(0, 100), apdu.subarray(100, 200), apdu.subarray(200)];
    const frames = cut.map((info, i) =>
      bytesToHex(encodeFrame({ type: 'I', pf: true, ns: i, nr: 0, dest: { value: 145, size: 2 }, src: { value: 16, size: 1 }, segmented: i < 2, info })),
    );
    expect(text(decodeTraceFrame(frames[0]!, 'DEMO'))).toContain('APDU (first segment)');
    // The same frame traced again (level 7) is not taken as a new segment.
    expect(text(decodeTraceFrame(frames[0]!, 'DEMO'))).toContain('repeated trace');
    // Another port's traffic in between does not mix in.
    decodeTraceFrame(frames[1]!, 'OTHER');
    expect(text(decodeTraceFrame(frames[1]!, 'DEMO'))).toContain('segment: 2 of a longer APDU');
    const last = text(decodeTraceFrame(frames[2]!, 'DEMO'));
    expect(last).toContain('APDU get-request-with-list (reassembled from 3 frames)');
    expect(last).toContain('1.0.1.8.19.255');
    // A new connection drops half-received messages.
    decodeTraceFrame(frames[0]!, 'DEMO');
    decodeTraceFrame(bytesToHex(encodeFrame({ type: 'DISC', pf: true, dest: { value: 145, size: 2 }, src: { value: 16, size: 1 } })), 'DEMO');
    expect(text(decodeTraceFrame(frames[2]!, 'DEMO'))).toContain('continuing a frame not seen here');
  });

  it('decodes a wrapper frame', () => {
    const apdu = encodeApdu({ type: 'get-request-normal', invokeIdAndPriority: 0xc1, attribute: { classId: 8, obis: Uint8Array.of(0, 0, 1, 0, 0, 255), attributeId: 2 } });
    const tree = decodeTraceFrame(bytesToHex(encodeWrapper({ source: 16, destination: 1, apdu })), 'TCP');
    expect(tree?.label).toBe('Wrapper 16→1');
    expect(text(tree)).toContain('class 8 0.0.1.0.0.255 attr 2');
  });

  it('decodes IEC 62056-21 request, identification, option select and readout', () => {
    expect(decodeTraceFrame(bytesToHex(encodeRequest('12345678')), 'P')?.value).toBe('/?12345678!');
    const id = text(decodeTraceFrame(bytesToHex(encodeIdentification({ manufacturer: 'ISk', baudChar: '5', enhanced: ['2'], ident: 'MT174' })), 'P'));
    expect(id).toContain('manufacturer: ISk');
    expect(id).toContain('20 ms allowed');
    expect(id).toContain('mode C, 9600 Bd');
    expect(id).toContain('(HDLC, mode E)');
    const ack = text(decodeTraceFrame(bytesToHex(encodeOptionSelect({ protocol: '0', baudChar: '5', mode: '0' })), 'P'));
    expect(ack).toContain('mode control: 0 data readout');
    const readout = text(decodeTraceFrame(bytesToHex(encodeDataMessage('0.0.0(12345678)\r\n1.8.0(0147238.4*kWh)\r\n!\r\n')), 'P'));
    expect(readout).toContain('IEC 62056-21 data message');
    expect(readout).toContain('1.8.0: 0147238.4*kWh');
    expect(readout).toContain('BCC: ok');
    const p1 = text(decodeTraceFrame(bytesToHex(encodeCommand({ command: 'P', type: '1', data: '(secret)' })), 'P'));
    expect(p1).toContain('hidden (password)');
    expect(p1).not.toContain('secret');
    expect(decodeTraceFrame('06', 'P')?.label).toBe('IEC 62056-21 ACK');
  });

  it('returns undefined for what it does not understand, and never throws', () => {
    expect(decodeTraceFrame('', 'P')).toBeUndefined();
    expect(decodeTraceFrame('zz', 'P')).toBeUndefined();
    expect(decodeTraceFrame('12 34 56', 'P')).toBeUndefined();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const base = iFrame(addLlc(encodeApdu({ type: 'get-request-normal', invokeIdAndPriority: 0xc1, attribute: { classId: 3, obis: OBIS, attributeId: 2 } }), 'request'), { toServer: true });
    for (let i = 0; i < 2000; i++) {
      const f = base.slice();
      for (let k = 0; k < 3; k++) f[1 + (rnd() % (f.length - 2))] = rnd();
      const len = rnd() % 3 === 0 ? rnd() % f.length : f.length;
      expect(() => decodeTraceFrame(bytesToHex(f.subarray(0, len)), 'P')).not.toThrow();
    }
  });

  it('parses spaced, unspaced and masked hex', () => {
    expect(parseTraceHex('7E A0')?.bytes).toEqual(Uint8Array.of(0x7e, 0xa0));
    expect(parseTraceHex('7ea0')?.bytes).toEqual(Uint8Array.of(0x7e, 0xa0));
    expect(parseTraceHex('7E ** A0')?.masked).toEqual([false, true, false]);
    expect(parseTraceHex('7E G0')).toBeUndefined();
  });

  it('keeps the tree bounded for a long answer', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ type: 'uint16' as const, value: i }));
    const apdu = encodeApdu({ type: 'get-response-normal', invokeIdAndPriority: 0xc1, result: { type: 'data', value: { type: 'array', items } } });
    const tree = decodeTraceFrame(bytesToHex(encodeWrapper({ source: 1, destination: 16, apdu })), 'P');
    expect(flatten(tree).length).toBeLessThan(2100);
    expect(text(tree)).toContain('more not shown');
  });
});
