import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/errors';
import { type HdlcAddress, clientAddress, serverAddress, serverAddressFromSerial } from './address';
import { crc16x25, putCrc } from './crc';
import { HdlcFrameExtractor } from './extractor';
import { type HdlcFrameInput, type HdlcFrameType, decodeControl, decodeFrame, encodeControl, encodeFrame } from './frame';
import { LLC_REQUEST, LLC_RESPONSE, stripLlc } from './llc';
import { decodeParameters } from './params';
import { fromHex, toHex } from './test-helpers';

const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url);
const readFixture = (path: string) => readFileSync(new URL(path, FIXTURES), 'utf8');

/** Every HDLC frame literal in the pwitab/dlms-cosem HDLC tests (the TSV lists them all). */
function hdlcVectors(): string[] {
  return readFixture('dlms/all-byte-literals-from-tests.tsv')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((c) => c[0]?.includes('test_hdlc') && /^7EA[0-9A-F]+7E$/i.test(c[3] ?? ''))
    .map((c) => c[3].toUpperCase());
}

const SNRM = '7EA00802232193BD647E';
const UA = '7EA01F21022373E6C781801205019A06019A070400000001080400000001CCA27E';
const I_AARQ = '7EA02C02232110AF9FE6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFFC5E47E';
const I_AARE = '7EA0382102233034E7E6E7006129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F0400001E1D04C80007B86A7E';
const SERVER_1_17 = serverAddress({ logical: 1, physical: 17, size: 2 });

describe('HDLC frame codec against the fixtures', () => {
  it('finds the curated vectors in both fixture files', () => {
    const curated = readFixture('dlms/VECTORS-curated.txt');
    for (const v of [SNRM, UA, I_AARQ]) expect(curated).toContain(v);
    const all = hdlcVectors();
    expect(all).toEqual(expect.arrayContaining([SNRM, UA, I_AARQ, I_AARE]));
    expect(all.length).toBe(5); // plus the 579-byte UI push frame
  });

  it('decodes and re-encodes every HDLC vector to the same bytes', () => {
    for (const v of hdlcVectors()) {
      const f = decodeFrame(fromHex(v));
      expect(toHex(encodeFrame(f))).toBe(v);
    }
  });

  it('SNRM: client 0x10 to server logical 1 / physical 17, no information field', () => {
    const f = decodeFrame(fromHex(SNRM));
    expect(f).toMatchObject({ type: 'SNRM', pf: true, segmented: false, dest: SERVER_1_17, src: { value: 0x10, size: 1 } });
    expect(f.info.length).toBe(0);
    expect(toHex(encodeFrame({ type: 'SNRM', pf: true, dest: SERVER_1_17, src: clientAddress(0x10) }))).toBe(SNRM);
  });

  it('UA carries the negotiated parameters 154/154, window 1/1', () => {
    const f = decodeFrame(fromHex(UA));
    expect(f).toMatchObject({ type: 'UA', pf: true, dest: { value: 0x10, size: 1 }, src: SERVER_1_17 });
    expect(decodeParameters(f.info)).toEqual({ maxInfoTx: 154, maxInfoRx: 154, windowTx: 1, windowRx: 1 });
  });

  it('I-frames with the AARQ and the AARE: sequence numbers, LLC', () => {
    const rq = decodeFrame(fromHex(I_AARQ));
    expect(rq).toMatchObject({ type: 'I', ns: 0, nr: 0, pf: true, segmented: false });
    expect(toHex(rq.info.subarray(0, 3))).toBe(toHex(LLC_REQUEST));
    expect(toHex(stripLlc(rq.info, 'request'))).toBe('601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFF');
    const rs = decodeFrame(fromHex(I_AARE));
    expect(rs).toMatchObject({ type: 'I', ns: 0, nr: 1, pf: true, segmented: false, dest: { value: 0x10, size: 1 }, src: SERVER_1_17 });
    expect(toHex(rs.info.subarray(0, 3))).toBe(toHex(LLC_RESPONSE));
    const built: HdlcFrameInput = { type: 'I', ns: 0, nr: 0, pf: true, dest: SERVER_1_17, src: clientAddress(0x10), info: rq.info };
    expect(toHex(encodeFrame(built))).toBe(I_AARQ);
  });

  it('control byte 0x30 is I N(S)=0 N(R)=1 with the poll bit', () => {
    expect(decodeControl(0x30)).toEqual({ type: 'I', pf: true, ns: 0, nr: 1 });
  });

  it('frame format field: A01D plain, A81D segmented', () => {
    // 29 = format 2 + addresses 1 + 1 + control 1 + HCS 2 + information 20 + FCS 2
    const info = new Uint8Array(20);
    const a = encodeFrame({ type: 'I', ns: 0, nr: 0, pf: false, dest: clientAddress(1), src: clientAddress(1), info });
    expect(toHex(a.subarray(1, 3))).toBe('A01D');
    const b = encodeFrame({ type: 'I', ns: 0, nr: 0, pf: false, segmented: true, dest: clientAddress(1), src: clientAddress(1), info });
    expect(toHex(b.subarray(1, 3))).toBe('A81D');
    expect(decodeFrame(b).segmented).toBe(true);
  });

  it('the UI push frame from the tests (segment of a 579-byte frame, 2-byte source)', () => {
    const ui = hdlcVectors().find((v) => v.startsWith('7EA243'));
    if (!ui) throw new Error('UI vector missing');
    const f = decodeFrame(fromHex(ui));
    expect(f).toMatchObject({ type: 'UI', pf: true, dest: { value: 0x20, size: 1 }, src: { size: 2 } });
    expect(f.info.length).toBe(0x243 - 10);
  });

  it('Elgama GAMA300 serial 02141421, client 32: exact SNRM and DISC frames', () => {
    const dest = serverAddressFromSerial('02141421');
    const src = clientAddress(32);
    expect(toHex(encodeFrame({ type: 'SNRM', pf: true, dest, src }))).toBe('7EA00A000224EB4193AA257E');
    expect(toHex(encodeFrame({ type: 'DISC', pf: true, dest, src }))).toBe('7EA00A000224EB4153A6E37E');
  });

  it('rejects damaged frames with typed errors', () => {
    const ok = fromHex(I_AARQ);
    const code = (b: Uint8Array) => {
      try {
        decodeFrame(b);
        return 'none';
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        return (e as ProtocolError).code;
      }
    };
    const fcs = ok.slice();
    fcs[fcs.length - 2] ^= 1;
    expect(code(fcs)).toBe('CHECKSUM');
    const body = ok.slice();
    body[20] ^= 0x40;
    expect(code(body)).toBe('CHECKSUM');
    const len = ok.slice();
    len[2] += 1;
    expect(code(len)).toBe('LENGTH');
    expect(code(fromHex('7E666666667E'))).toBe('FRAMING');
    expect(code(fromHex('7EA0037E'))).toBe('FRAMING');
  });

  it('a frame whose HCS is wrong but FCS right is still refused', () => {
    const f = fromHex(I_AARQ);
    f[7] ^= 0xff; // HCS low byte (after 7E A0 2C 02 23 21 10)
    putCrc(f, f.length - 3, crc16x25(f, 1, f.length - 3));
    expect(() => decodeFrame(f)).toThrow(/HCS/);
  });

  it('control field round trip for every type', () => {
    const types: HdlcFrameType[] = ['I', 'RR', 'RNR', 'SNRM', 'DISC', 'UA', 'DM', 'FRMR', 'UI'];
    for (const type of types)
      for (const pf of [false, true])
        for (let n = 0; n < 8; n++) {
          const c = { type, pf, ...(type === 'I' ? { ns: n, nr: 7 - n } : type === 'RR' || type === 'RNR' ? { nr: n } : {}) };
          expect(decodeControl(encodeControl(c))).toEqual(c);
        }
    expect(encodeControl({ type: 'SNRM', pf: true })).toBe(0x93);
    expect(encodeControl({ type: 'DISC', pf: true })).toBe(0x53);
    expect(encodeControl({ type: 'UA', pf: true })).toBe(0x73);
    expect(encodeControl({ type: 'DM', pf: true })).toBe(0x1f);
    expect(encodeControl({ type: 'RR', pf: true, nr: 2 })).toBe(0x51);
    expect(encodeControl({ type: 'RNR', pf: true, nr: 2 })).toBe(0x55);
    expect(() => decodeControl(0x09)).toThrow(ProtocolError); // REJ is not used by 62056-46
  });
});

describe('frame extractor', () => {
  const frames = [SNRM, UA, I_AARQ, I_AARE].map(fromHex);

  it('finds frames in arbitrary chunks, through garbage, with shared and repeated flags', () => {
    const shared = [...frames[0], ...frames[1].subarray(1)]; // one flag between the two
    const stream = Uint8Array.from([0x00, 0x41, 0x7e, 0x13, ...shared, 0x7e, 0x7e, 0x7e, ...frames[2], 0xff, 0xff, ...frames[3]]);
    for (const chunk of [1, 2, 3, 7, 64, stream.length]) {
      const ex = new HdlcFrameExtractor();
      const got: string[] = [];
      for (let i = 0; i < stream.length; i += chunk) got.push(...ex.push(stream.subarray(i, i + chunk)).map(toHex));
      expect(got).toEqual([SNRM, UA, I_AARQ, I_AARE]);
    }
  });

  it('resyncs after a frame lost a byte: the damaged candidate fails its FCS, the next frame survives', () => {
    const broken = frames[2].slice();
    const cut = Uint8Array.from([...broken.subarray(0, 10), ...broken.subarray(11)]);
    for (const next of [frames[3], frames[3].subarray(1)]) {
      const ex = new HdlcFrameExtractor();
      const got = ex.push(Uint8Array.from([...cut, ...next]));
      const good = got.filter((raw) => {
        try {
          decodeFrame(raw);
          return true;
        } catch (e) {
          expect((e as ProtocolError).code).toBe('CHECKSUM');
          return false;
        }
      });
      expect(good.map(toHex)).toEqual([I_AARE]);
    }
  });

  it('extracts every frame of the real HAN push captures (Kaifa, Kamstrup) with valid FCS', () => {
    const cases: [string, number][] = [
      ['amstomqtt-han/kaifa-HAN-20170912-3.txt', 8],
      ['amstomqtt-han/kaifa-HAN-20170914.head150.txt', 25],
      ['amstomqtt-han/kamstrup-HAN-20171019-xibriz4.head120.txt', 9],
    ];
    for (const [file, count] of cases) {
      const bytes = readFixture(file)
        .split('\n')
        .filter((l) => !l.startsWith('['))
        .flatMap((l) => l.match(/\b[0-9A-F]{2}\b/g) ?? [])
        .map((h) => parseInt(h, 16));
      const ex = new HdlcFrameExtractor();
      const found = ex.push(Uint8Array.from(bytes));
      expect(found.length).toBe(count);
      for (const raw of found) {
        const f = decodeFrame(raw);
        expect(toHex(encodeFrame(f))).toBe(toHex(raw));
        expect(toHex(f.info.subarray(0, 3))).toBe('E6E700');
      }
    }
    const kaifa = decodeFrame(fromHex('7EA027010201105A87E6E7000F40000000090C07E1090D020000 06FF8000000201060000 11AC85617E'.replace(/ /g, '')));
    expect(kaifa).toMatchObject({ type: 'I', ns: 0, nr: 0, pf: true, dest: { value: 0, size: 1 }, src: { value: 0x80, size: 2 } });
  });
});

describe('decoder properties', () => {
  const addr = fc.oneof(
    fc.integer({ min: 0, max: 0x7f }).map((value): HdlcAddress => ({ value, size: 1 })),
    fc.integer({ min: 0, max: 0x3fff }).map((value): HdlcAddress => ({ value, size: 2 })),
    fc.integer({ min: 0, max: 0x0fffffff }).map((value): HdlcAddress => ({ value, size: 4 })),
  );
  const frameArb = fc.record({
    type: fc.constantFrom<HdlcFrameType>('I', 'RR', 'RNR', 'SNRM', 'DISC', 'UA', 'DM', 'FRMR', 'UI'),
    pf: fc.boolean(),
    n1: fc.integer({ min: 0, max: 7 }),
    n2: fc.integer({ min: 0, max: 7 }),
    dest: addr,
    src: addr,
    segmented: fc.boolean(),
    info: fc.uint8Array({ maxLength: 300 }),
  });
  type FrameRecord = { type: HdlcFrameType; pf: boolean; n1: number; n2: number; dest: HdlcAddress; src: HdlcAddress; segmented: boolean; info: Uint8Array };
  const build = (r: FrameRecord): HdlcFrameInput => ({
    type: r.type,
    pf: r.pf,
    ...(r.type === 'I' ? { ns: r.n1, nr: r.n2 } : r.type === 'RR' || r.type === 'RNR' ? { nr: r.n2 } : {}),
    dest: r.dest,
    src: r.src,
    segmented: r.segmented,
    info: r.info,
  });

  it('encode -> decode round trips', () => {
    fc.assert(
      fc.property(frameArb, (r) => {
        const input = build(r);
        const bytes = encodeFrame(input);
        const f = decodeFrame(bytes);
        expect(f).toEqual({ ...input, info: r.info });
        expect(new HdlcFrameExtractor().push(bytes).map(toHex)).toEqual([toHex(bytes)]);
      }),
    );
  });

  const outcome = (b: Uint8Array) => {
    try {
      decodeFrame(b);
      return 'ok';
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      return e.code;
    }
  };

  it('random bytes give a frame or a ProtocolError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => void outcome(b)), { numRuns: 2000 });
  });

  it('mutated valid frames give a frame or a ProtocolError, never a silent wrong frame of the same length', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (r, pos, flip) => {
        const bytes = encodeFrame(build(r));
        const i = 1 + (pos % (bytes.length - 2));
        const m = bytes.slice();
        m[i] ^= flip;
        // A single damaged byte inside the frame is always caught by the FCS (or earlier checks).
        expect(outcome(m)).not.toBe('ok');
      }),
    );
  });

  it('the extractor never throws and its buffer stays bounded on random input', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 20 }), (chunks) => {
        const ex = new HdlcFrameExtractor();
        for (const c of chunks) {
          for (const raw of ex.push(c)) void outcome(raw);
          expect(ex.pending).toBeLessThanOrEqual(2049);
        }
      }),
    );
  });
});
