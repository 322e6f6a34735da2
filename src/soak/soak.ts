/**
 * Runs the soak of issue 13: N virtual sessions per protocol at a byte fault rate, each reading
 * compared with the simulator's truth. Shared by the test (fewer sessions) and bench/soak.bench.ts.
 */
import { addDlms, dlmsSession, type DlmsSoakKind } from './dlms-soak';
import { iecSession } from './iec-soak';
import { countError, emptyTally, type SoakTally } from './rng';

export interface IecTally extends SoakTally {
  /** Data blocks the meters sent, and how many were accepted although damaged. */
  blocksSent: number;
  undetectedBlocks: number;
  /** Expected undetected blocks in theory (parity + XOR BCC under the same fault model). */
  theoryBlocks: number;
  /** Blocks that passed parity and BCC but not the plausibility check (refused, read again). */
  refusedBlocks: number;
}

export const DLMS_KINDS: readonly DlmsSoakKind[] = ['hdlc', 'wrapper', 'hdlc-gmac', 'wrapper-gmac'];

export async function soakDlms(kind: DlmsSoakKind, sessions: number, faultRate: number, firstSeed = 1): Promise<SoakTally> {
  const t = emptyTally(`DLMS ${kind}`);
  const t0 = performance.now();
  for (let s = firstSeed; s < firstSeed + sessions; s++) addDlms(t, await dlmsSession(kind, s, faultRate));
  t.wallMs = performance.now() - t0;
  return t;
}

export async function soakIec(sessions: number, faultRate: number, firstSeed = 1): Promise<IecTally> {
  const t: IecTally = { ...emptyTally('IEC 62056-21 mode C'), blocksSent: 0, undetectedBlocks: 0, theoryBlocks: 0, refusedBlocks: 0 };
  const t0 = performance.now();
  for (let s = firstSeed; s < firstSeed + sessions; s++) {
    const o = await iecSession(s, faultRate);
    t.sessions++;
    t.good += o.good;
    t.wrong += o.wrong;
    t.refusedBlocks += o.refusedBlocks;
    for (const [code, n] of Object.entries(o.bad)) for (let i = 0; i < n; i++) countError(t, code);
    t.blocksSent += o.blocksSent;
    t.undetectedBlocks += o.undetectedBlock ? 1 : 0;
    t.theoryBlocks += o.theory * o.blocksSent;
  }
  t.wallMs = performance.now() - t0;
  return t;
}

/** One line per tally, for logs and the closing note. */
export function describeTally(t: SoakTally): string {
  const errors = Object.entries(t.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  return `${t.protocol}: ${t.sessions} sessions, readings good ${t.good}, bad ${t.bad} (${errors || 'none'}), WRONG ${t.wrong}; ${(t.wallMs / 1000).toFixed(1)} s`;
}
