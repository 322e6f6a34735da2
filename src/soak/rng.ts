/** A small seeded generator (mulberry32) so every soak session is repeatable from its number. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per-byte fault probabilities on the memory wire: `rate` split evenly over drop, corrupt, duplicate. */
export function faultMix(rate: number): { drop: number; corrupt: number; duplicate: number } {
  return { drop: rate / 3, corrupt: rate / 3, duplicate: rate / 3 };
}

/** Counts of one soak run (one protocol). */
export interface SoakTally {
  protocol: string;
  sessions: number;
  /** Readings that came back good and equal to the simulator's truth. */
  good: number;
  /** Readings that came back bad, with a typed error code. */
  bad: number;
  /** Readings that came back good with a value that differs from the truth. */
  wrong: number;
  /** Bad readings by error code. */
  errors: Record<string, number>;
  /** Wall time of the run. */
  wallMs: number;
}

export function emptyTally(protocol: string): SoakTally {
  return { protocol, sessions: 0, good: 0, bad: 0, wrong: 0, errors: {}, wallMs: 0 };
}

export function countError(t: SoakTally, code: string): void {
  t.bad++;
  t.errors[code] = (t.errors[code] ?? 0) + 1;
}
