import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProtocolError } from '../core/errors';
import { parseRecording, printedAttributes } from './recording';
import { decodeRecordedSession } from './session-decode';
import { peerRecording } from './fixtures';

// The recording reader and the session decoder are decoders too: random and mutated input gives data
// or a ProtocolError, never anything else, and what is written in the format reads back the same.

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');

describe('parseRecording', () => {
  it('reads back every message written in either spelling, with the notes between them in order', () => {
    const entry = fc.oneof(
      fc.record({ kind: fc.constant('message' as const), dir: fc.constantFrom('tx' as const, 'rx' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }), python: fc.boolean() }),
      fc.record({ kind: fc.constant('note' as const), text: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .:-]{0,30}$/) }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const text = entries
          .map((e) => {
            if (e.kind === 'note') return e.text;
            const tag = e.dir === 'tx' ? 'TX:' : 'RX:';
            return e.python ? `${tag} b'...'  hex=${hex(e.bytes).toLowerCase()}` : `${tag}\t${e.dir === 'rx' ? ' ' : ''}${hex(e.bytes)}\n`;
          })
          .join('\n');
        const rec = parseRecording(text);
        const messages = entries.filter((e) => e.kind === 'message');
        expect(rec.messages.map((m) => ({ dir: m.dir, bytes: Array.from(m.bytes) }))).toEqual(messages.map((m) => ({ dir: m.dir, bytes: Array.from(m.bytes) })));
        const notes = entries.filter((e) => e.kind === 'note' && e.text.trim() !== '' && !/^(TX|RX):/.test(e.text));
        expect(rec.entries.filter((e) => e.kind === 'note').map((e) => (e.kind === 'note' ? e.text : ''))).toEqual(notes.map((n) => (n.kind === 'note' ? n.text : '')));
      }),
    );
  });

  it('any text: a recording or a ProtocolError, and printedAttributes never throws on what parsed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.constantFrom('TX:\t', 'RX:\t ', 'Index: 2 Value: ', '-------- Reading Object Clock 0.0.1.0.0.255', '\n', 'zz ', '7E '), { maxLength: 30 }), (noise, parts) => {
        const text = noise + parts.join('');
        try {
          printedAttributes(parseRecording(text));
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });
});

describe('decodeRecordedSession on mutated recordings', () => {
  it('a flipped byte anywhere gives typed errors on the messages it touches, never a throw', async () => {
    const base = peerRecording('ln-hdlc-low');
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), async (m, at, x) => {
        const i = m % base.messages.length;
        const bytes = base.messages[i].bytes.slice();
        bytes[at % bytes.length] ^= x;
        const rec = { ...base, messages: base.messages.map((msg, j) => (j === i ? { ...msg, bytes } : msg)) };
        const out = await decodeRecordedSession(rec);
        expect(out).toHaveLength(base.messages.length);
        for (const d of out) if (d.error) expect(d.error).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 60 },
    );
  });
});
