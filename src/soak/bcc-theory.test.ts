/** The theory figure of the IEC soak checked against brute force on short blocks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireFaults } from '../core/memory-link';
import { undetectedBlockProbability } from './bcc-theory';

/** Sends STX, block, BCC through the wire's own fault model many times; counts damaged blocks the BCC passes. */
function bruteForce(covered: Uint8Array, rates: { drop: number; corrupt: number; duplicate: number }, trials: number, seed: number): number {
  const faults = new WireFaults();
  faults.setRandom({ ...rates, seed });
  const bcc = covered.reduce((x, b) => x ^ b, 0);
  const sent = [0x02, ...covered, bcc];
  let passed = 0;
  for (let t = 0; t < trials; t++) {
    const got = sent.flatMap((b) => faults.apply('toClient', b)).map((b) => b & 0x7f);
    // The receiver: STX first, the block up to the first ETX, then the BCC character.
    if (got[0] !== 0x02) continue;
    const etx = got.indexOf(0x03, 1);
    if (etx < 0 || etx + 1 >= got.length || etx + 2 !== got.length) continue;
    const block = got.slice(1, etx + 1);
    const ok = block.reduce((x, b) => x ^ b, 0) === got[etx + 1];
    const same = block.length === covered.length && block.every((b, i) => b === covered[i]);
    if (ok && !same) passed++;
  }
  return passed / trials;
}

describe('parity + XOR BCC: theory against brute force', () => {
  it('agrees on short blocks at high fault rates', () => {
    const block = Uint8Array.from([...'1.8.0(00)\r\n!\r\n'].map((c) => c.charCodeAt(0)).concat(0x03));
    const rates = { drop: 0.03, corrupt: 0.03, duplicate: 0.03 };
    const theory = undetectedBlockProbability(block, rates);
    const measured = bruteForce(block, rates, 100_000, 7);
    expect(theory).toBeGreaterThan(0);
    // The brute force also loses blocks whose ETX moved; the theory counts those as caught too.
    expect(measured).toBeGreaterThan(theory * 0.6);
    expect(measured).toBeLessThan(theory * 1.4);
  });

  it('is a probability, zero without faults, growing with the fault rate', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.double({ min: 0.0001, max: 0.05, noNaN: true }), (data, r) => {
        const block = Uint8Array.from([...data.map((b) => (b & 0x7f) === 3 ? 0x30 : b), 0x03]);
        const p = undetectedBlockProbability(block, { drop: r, corrupt: r, duplicate: r });
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(1);
        expect(undetectedBlockProbability(block, { drop: 0, corrupt: 0, duplicate: 0 })).toBe(0);
      }),
      { numRuns: 50 },
    );
  });
});
