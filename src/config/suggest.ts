/**
 * "Did you mean ...?" for misspelt field names and values. Config typos are the most common user
 * mistake, so a near miss is answered with the closest known name.
 */

/** Edit distance counting insertions, deletions, substitutions and adjacent swaps as 1 each. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows are enough for the adjacent-swap rule.
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

function fold(s: string): string {
  return s.toLowerCase().replace(/[\s\-.]+/g, '_');
}

/**
 * The closest candidate if it is close enough to be a plausible typo, else undefined.
 * Case, spaces and dashes are compared loosely (`Baud-Rate` finds `baudrate` only by distance, but
 * `Scan Rate Ms` finds `scan_rate_ms` exactly).
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length === 0 || input.length > 64) return undefined;
  const f = fold(input);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(f, fold(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  // Roughly one slip per three characters; one-letter values get no guess (E is not a typo of A).
  const limit = Math.floor(Math.max(f.length, best.length) / 3);
  return bestD <= limit ? best : undefined;
}
