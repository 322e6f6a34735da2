import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../../core/errors';
import { baudFromChar, baudClass, modeBCharFor, modeCCharFor } from './baud';
import { textToBytes } from './chars';
import {
  bcc,
  decodeBlock,
  decodeIdentification,
  decodeOptionSelect,
  decodeRequest,
  encodeCommand,
  encodeDataMessage,
  encodeIdentification,
  encodeOptionSelect,
  encodeRequest,
} from './messages';
import { Framer } from './framer';

const VECTORS = new URL('../../../../shared/fixtures/iec62056-21/VECTORS-iec62056-21.txt', import.meta.url);

interface Vector {
  source: string;
  meaning: string;
  bytes: Uint8Array;
  verdict: string;
}

function loadVectors(): Vector[] {
  return readFileSync(VECTORS, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const cols = l.split(' | ');
      const hex = cols[3].trim().split(/\s+/);
      return { source: cols[0], meaning: cols[1], bytes: Uint8Array.from(hex.map((h) => parseInt(h, 16))), verdict: (cols[4] ?? '').trim() };
    });
}

const vectors = loadVectors();

function expectProtocolError(fn: () => unknown, code?: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    if (code) expect((e as ProtocolError).code).toBe(code);
    return;
  }
  throw new Error('expected a ProtocolError');
}

describe('fixture vectors', () => {
  it('has all 16 vectors', () => {
    expect(vectors.length).toBe(16);
  });

  for (const v of vectors.filter((x) => x.bytes[0] === 0x01 || x.bytes[0] === 0x02)) {
    it(`block: ${v.meaning}`, () => {
      if (v.verdict.includes('INVALID')) {
        expectProtocolError(() => decodeBlock(v.bytes), 'CHECKSUM');
      } else {
        expect(v.verdict).toContain('VALID');
        const b = decodeBlock(v.bytes);
        // Re-encoding what was decoded gives the same bytes back.
        const again = b.kind === 'data' ? encodeDataMessage(b.data, b.partial) : encodeCommand(b);
        expect(Array.from(again)).toEqual(Array.from(v.bytes));
      }
    });
  }

  it('W2 command with data', () => {
    const b = decodeBlock(vectors[0].bytes);
    expect(b).toMatchObject({ kind: 'command', command: 'W', type: '2', data: 'C003(910324092239)' });
  });

  it('P0 password and B0 break', () => {
    expect(decodeBlock(vectors[1].bytes)).toMatchObject({ kind: 'command', command: 'P', type: '0', data: '(1234567)' });
    const b0 = vectors.find((v) => v.meaning.startsWith('break'))!;
    expect(decodeBlock(b0.bytes)).toEqual({ kind: 'command', command: 'B', type: '0', partial: false });
    expect(Array.from(encodeCommand({ command: 'B', type: '0' }))).toEqual([0x01, 0x42, 0x30, 0x03, 0x71]);
  });

  it('R1 read and readout data message', () => {
    const r1 = vectors.find((v) => v.meaning.startsWith('command R1'))!;
    expect(decodeBlock(r1.bytes)).toMatchObject({ command: 'R', type: '1', data: '1.8.0(1)' });
    const ro = vectors.find((v) => v.meaning.startsWith('readout data message (with'))!;
    expect(decodeBlock(ro.bytes)).toEqual({ kind: 'data', data: '3:14(314*kWh)4:15(415*kWh)\r\n!\r\n', partial: false });
  });

  it('request messages', () => {
    const withAddr = vectors.find((v) => v.meaning === 'request message with device address')!;
    expect(Array.from(encodeRequest('45678903'))).toEqual(Array.from(withAddr.bytes));
    expect(decodeRequest(withAddr.bytes)).toEqual({ address: '45678903' });
    const none = vectors.find((v) => v.meaning === 'request message, no address')!;
    expect(Array.from(encodeRequest())).toEqual(Array.from(none.bytes));
  });

  it('ACK option select 0 5 1 and mode E 2 5 2', () => {
    const a = vectors.find((v) => v.meaning.startsWith('ACK option select: protocol'))!;
    expect(decodeOptionSelect(a.bytes)).toEqual({ protocol: '0', baudChar: '5', mode: '1' });
    expect(Array.from(encodeOptionSelect({ protocol: '0', baudChar: '5', mode: '1' }))).toEqual(Array.from(a.bytes));
    const e = vectors.find((v) => v.meaning.startsWith('ACK option select for HDLC'))!;
    expect(decodeOptionSelect(e.bytes)).toEqual({ protocol: '2', baudChar: '5', mode: '2' });
  });

  it('identification with \\2 (mode E) and lowercase flag', () => {
    const v = vectors.find((x) => x.meaning.startsWith('identification message with'))!;
    const id = decodeIdentification(v.bytes);
    expect(id).toMatchObject({ manufacturer: 'Els', fastReaction: true, baudChar: '6', baudClass: 'C', enhanced: ['2'], modeE: true, ident: 'EK280' });
    expect(baudFromChar(id.baudChar)).toBe(19200);
  });

  it('Gurux identification without \\2', () => {
    const v = vectors.find((x) => x.meaning.startsWith('Gurux mode-E identification'))!;
    expect(decodeIdentification(v.bytes)).toMatchObject({ manufacturer: 'GRX', fastReaction: false, baudChar: '5', modeE: false, ident: '12345678' });
  });
});

describe('baud characters', () => {
  it('maps mode C, B and A characters', () => {
    expect(['0', '1', '2', '3', '4', '5', '6'].map(baudFromChar)).toEqual([300, 600, 1200, 2400, 4800, 9600, 19200]);
    expect(['A', 'B', 'C', 'D', 'E', 'F'].map(baudFromChar)).toEqual([600, 1200, 2400, 4800, 9600, 19200]);
    expect(baudClass('H')).toBe('A');
    expect(baudFromChar('H')).toBe(300);
    expect(modeCCharFor(9600)).toBe('5');
    expect(modeCCharFor(14400)).toBe('5');
    expect(modeBCharFor(2400)).toBe('C');
  });
});

describe('codec properties', () => {
  const dataText = fc.string({ unit: fc.constantFrom(...'0123456789.:*()&,ABCkWh!\r\n-'.split('')), maxLength: 200 });

  it('data message round trip', () => {
    fc.assert(
      fc.property(dataText, fc.boolean(), (text, partial) => {
        const b = decodeBlock(encodeDataMessage(text, partial));
        expect(b).toEqual({ kind: 'data', data: text, partial });
      }),
    );
  });

  it('command round trip', () => {
    fc.assert(
      fc.property(fc.constantFrom('P', 'W', 'R', 'E', 'B' as const), fc.integer({ min: 0, max: 9 }), fc.option(dataText, { nil: undefined }), (command, type, data) => {
        const c = { command, type: String(type), data } as const;
        const b = decodeBlock(encodeCommand(c));
        expect(b).toMatchObject({ kind: 'command', command, type: String(type), partial: false });
        expect(b.kind === 'command' ? b.data : 'x').toBe(data);
      }),
    );
  });

  it('identification round trip', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{2}[A-Za-z]$/),
        fc.constantFrom('0', '5', '6', 'A', 'F', 'H'),
        fc.boolean(),
        fc.stringMatching(/^[A-Za-z0-9.\- ]{0,16}$/),
        (manufacturer, baudChar, e, ident) => {
          const id = decodeIdentification(encodeIdentification({ manufacturer, baudChar, enhanced: e ? ['2'] : [], ident: ident.replace(/^\\/, '') }));
          expect(id.manufacturer).toBe(manufacturer);
          expect(id.baudChar).toBe(baudChar);
          expect(id.modeE).toBe(e);
        },
      ),
    );
  });

  it('a flipped bit in a block is always caught (value or typed error, never a wrong accept)', () => {
    fc.assert(
      fc.property(dataText, fc.nat(), fc.integer({ min: 0, max: 6 }), (text, pos, bit) => {
        const msg = encodeDataMessage(text);
        const i = 1 + (pos % (msg.length - 1));
        msg[i] ^= 1 << bit;
        expectProtocolError(() => decodeBlock(msg));
      }),
    );
  });

  it('random bytes: every decoder returns a value or throws ProtocolError', () => {
    const decoders = [decodeBlock, decodeIdentification, decodeOptionSelect, decodeRequest];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        for (const d of decoders) {
          try {
            d(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated fixture bytes: value or ProtocolError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...vectors.map((v) => v.bytes)), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (orig, muts) => {
        const b = orig.slice();
        for (const [p, v] of muts) b[p % b.length] = v;
        for (const d of [decodeBlock, decodeIdentification, decodeOptionSelect, decodeRequest]) {
          try {
            d(b);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('framer: random input never hangs and only yields well-formed frame kinds', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), fc.boolean(), (chunks, opt) => {
        const f = new Framer();
        let total = 0;
        for (const c of chunks) {
          total += c.length;
          f.push(c);
          for (let guard = 0; guard < 1000; guard++) {
            let fr;
            try {
              fr = f.next({ optionSelect: opt, maxBlockBytes: 300 });
            } catch (e) {
              expect(e).toBeInstanceOf(ProtocolError);
              break;
            }
            if (!fr) break;
            expect(['line', 'block', 'ack', 'nak', 'option']).toContain(fr.kind);
          }
        }
        expect(f.buffered).toBeLessThanOrEqual(total);
      }),
    );
  });
});

describe('framer', () => {
  it('finds a block after garbage and a split arrival', () => {
    const f = new Framer();
    const msg = encodeDataMessage('1.8.0(1*kWh)\r\n!\r\n');
    f.push(Uint8Array.of(0x00, 0x7f, 0x55));
    f.push(msg.subarray(0, 5));
    expect(f.next()).toBeUndefined();
    f.push(msg.subarray(5));
    const fr = f.next()!;
    expect(fr.kind).toBe('block');
    expect(Array.from(fr.bytes)).toEqual(Array.from(msg));
    expect(f.skipped).toBe(3);
  });

  it('a stray STX inside a block does not start a new one: the block fails to decode', () => {
    // Resynchronising there could let a damaged tail pass a chance BCC match: the whole block is NAKed.
    const f = new Framer();
    const good = encodeDataMessage('A(1)');
    f.push(textToBytes('\x02broken'));
    f.push(good);
    const fr = f.next()!;
    expect(fr.bytes.length).toBe(7 + good.length);
    expectProtocolError(() => decodeBlock(fr.bytes), 'FRAMING');
  });

  it('option select vs bare ACK', () => {
    const f = new Framer();
    f.push(encodeOptionSelect({ protocol: '0', baudChar: '5', mode: '0' }));
    expect(f.next({ optionSelect: true })?.kind).toBe('option');
    f.push(Uint8Array.of(0x06));
    expect(f.next()?.kind).toBe('ack');
  });

  it('refuses an endless block with LENGTH', () => {
    const f = new Framer();
    f.push(Uint8Array.of(0x02));
    f.push(new Uint8Array(500).fill(0x41));
    expectProtocolError(() => f.next({ maxBlockBytes: 100 }), 'LENGTH');
  });

  it('bcc of the fixture readout', () => {
    const ro = vectors.find((v) => v.meaning.startsWith('readout data message (with'))!;
    expect(bcc(ro.bytes, 1, ro.bytes.length - 1)).toBe(0x22);
  });
});
