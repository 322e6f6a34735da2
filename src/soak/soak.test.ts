/**
 * Issue 13, "Soak under faults": virtual sessions per protocol over a memory wire that drops, corrupts
 * and doubles 1% of bytes, each reading compared with the simulator's truth. DLMS over HDLC (FCS) and
 * with HighGmac (GCM tags) must never store a wrong value. The wrapper has no check of its own (TCP's
 * checksums protect it on a real network): with byte damage injected below it, only ciphering can
 * keep wrong values out, which the figures show. Fewer sessions here than in bench/soak.bench.ts
 * (SOAK_SESSIONS overrides) to keep the suite fast.
 */
import { describe, expect, it } from 'vitest';
import { describeTally, soakDlms, soakIec } from './soak';

const N = Number(process.env.SOAK_SESSIONS ?? 0) || 60;
const RATE = 0.01;

describe(`soak: ${N} sessions per protocol at 1% byte faults`, () => {
  it('DLMS over HDLC: no wrong value stored', async () => {
    const t = await soakDlms('hdlc', N, RATE);
    console.log(describeTally(t));
    expect(t.sessions).toBe(N);
    expect(t.good).toBeGreaterThan(0);
    expect(t.good + t.bad + t.wrong).toBe(N * 8);
    expect(t.errors.UNTYPED ?? 0).toBe(0);
    expect(t.wrong).toBe(0);
  }, 120_000);

  it('DLMS over HDLC with HighGmac: no wrong value stored', async () => {
    const t = await soakDlms('hdlc-gmac', Math.ceil(N / 2), RATE);
    console.log(describeTally(t));
    expect(t.good).toBeGreaterThan(0);
    expect(t.errors.UNTYPED ?? 0).toBe(0);
    expect(t.wrong).toBe(0);
  }, 120_000);

  it('DLMS wrapper: every reading accounted for, every failure typed (no check of its own below TCP)', async () => {
    const t = await soakDlms('wrapper', N, RATE);
    console.log(describeTally(t));
    expect(t.good + t.bad + t.wrong).toBe(N * 8);
    expect(t.good).toBeGreaterThan(0);
    expect(t.errors.UNTYPED ?? 0).toBe(0);
    // Faults without damage (TCP's real behaviour): the wrapper stores no wrong value either.
    const clean = await soakDlms('wrapper', 10, 0);
    expect(clean.wrong).toBe(0);
    expect(clean.good).toBe(80);
  }, 120_000);

  it('DLMS wrapper with HighGmac: the GCM tag keeps every damaged value out', async () => {
    const t = await soakDlms('wrapper-gmac', Math.ceil(N / 2), RATE);
    console.log(describeTally(t));
    expect(t.errors.UNTYPED ?? 0).toBe(0);
    expect(t.wrong).toBe(0);
    // At 1% hardly a ciphered wrapper session survives whole; at 0.2% most do, and none stores a wrong value.
    const light = await soakDlms('wrapper-gmac', Math.ceil(N / 2), RATE / 5, 1000);
    console.log(`${describeTally(light)} (0.2% faults)`);
    expect(light.good).toBeGreaterThan(0);
    expect(light.wrong).toBe(0);
  }, 120_000);

  it('IEC 62056-21 mode C: damage past parity and BCC near theory, most of it refused as implausible', async () => {
    const t = await soakIec(N * 2, RATE);
    const passedChecks = t.undetectedBlocks + t.refusedBlocks;
    console.log(
      `${describeTally(t)}; blocks sent ${t.blocksSent}, past parity+BCC ${passedChecks} (theory ${t.theoryBlocks.toFixed(1)}), ` +
        `refused as implausible ${t.refusedBlocks}, accepted damaged ${t.undetectedBlocks}`,
    );
    expect(t.good).toBeGreaterThan(0);
    expect(t.errors.UNTYPED ?? 0).toBe(0);
    // What passes parity and the BCC is about what the theory allows (a check on both)...
    expect(passedChecks).toBeLessThanOrEqual(Math.max(8, 3 * t.theoryBlocks));
    // ... and the plausibility check refuses most of it.
    expect(t.refusedBlocks).toBeGreaterThanOrEqual(t.undetectedBlocks);
  }, 120_000);
});
