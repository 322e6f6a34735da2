import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Logger, type TraceLine } from './logger';

function capture(level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 = 7) {
  const lines: TraceLine[] = [];
  const logger = new Logger(level, () => 0);
  logger.addSink((l) => lines.push(l));
  return { logger, lines };
}

describe('Logger', () => {
  it('filters by level and tags the port', () => {
    const { logger, lines } = capture(3);
    const log = logger.forPort('PORT1');
    log(2, 'warn');
    log(5, 'frame');
    expect(lines.map((l) => [l.port, l.message])).toEqual([['PORT1', 'warn']]);
  });

  it('masks a password in text and in frame bytes at level 7', () => {
    const { logger, lines } = capture(7);
    logger.addSecret('12345678');
    const frame = new Uint8Array([0x60, 0x1d, 0xac, 0x0a, 0x80, 0x08, ...new TextEncoder().encode('12345678')]);
    logger.log(7, 'P1', 'AARQ with password 12345678', frame, 'tx');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('12345678');
    expect(text).not.toContain('31 32 33 34 35 36 37 38');
    expect(lines[0].hex).toBe('60 1D AC 0A 80 08 ** ** ** ** ** ** ** **');
  });

  it('masks hex keys in any case and secret-named fields of decoded trees', () => {
    const { logger, lines } = capture(7);
    logger.addSecret('000102030405060708090A0B0C0D0E0F');
    logger.log(5, 'P1', 'key 000102030405060708090a0b0c0d0e0f in use', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]), 'tx', {
      block_cipher_key: 'whatever',
      nested: { password: 'x', ok: 1 },
    });
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/000102030405060708090a0b0c0d0e0f/i);
    expect(text).not.toContain('whatever');
    expect(lines[0].decoded).toEqual({ block_cipher_key: '***', nested: { password: '***', ok: 1 } });
  });

  it('never leaks a registered secret, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 20 }), fc.string(), fc.string(), (secret, a, b) => {
        const { logger, lines } = capture(7);
        logger.addSecret(secret);
        logger.log(7, 'P', a + secret + b, new TextEncoder().encode(a + secret + b));
        return !lines[0].message.includes(secret);
      }),
    );
  });
});
