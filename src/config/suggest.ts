/**
 * "Did you mean ...?" for misspelt field names and values. Config typos are the most common user
 * mistake, so a near miss is answered with the closest known name.
 *
 * Cost matters: a document with 20,000 signals naming 20,000 unknown devices asks 20,000 questions of
 * a 20,000-name list. A `Suggester` indexes its names once (by folded length and by one-deletion
 * variants) so each question costs a bounded amount of work, not a pass over every name.
 */

/**
 * Edit distance counting insertions, deletions, substitutions and adjacent swaps as 1 each.
 * With `cutoff`, any distance above it may be reported as `cutoff + 1` (the rows stop early), which is
 * all a "close enough?" question needs.
 */
export function editDistance(a: string, b: string, cutoff = Infinity): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if (Math.abs(a.length - b.length) > cutoff) return cutoff + 1;
  const w = b.length + 1;
  if (rows.length < 3 * w) rows = new Int32Array(3 * w * 2);
  // Three rolling rows (the adjacent-swap rule looks two rows back), kept in one reused buffer.
  let prev2 = 0;
  let prev = w;
  let cur = 2 * w;
  for (let j = 0; j < w; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[cur] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < w; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(rows[prev + j] + 1, rows[cur + j - 1] + 1, rows[prev + j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, rows[prev2 + j - 2] + 1);
      rows[cur + j] = d;
      if (d < rowMin) rowMin = d;
    }
    // A row's minimum never decreases further down the table, so past the cutoff the answer is known.
    if (rowMin > cutoff) return cutoff + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return rows[prev + b.length];
}

let rows = new Int32Array(3 * 80);

function fold(s: string): string {
  return s.toLowerCase().replace(/[\s\-.]+/g, '_');
}

/** Inputs longer than this get no guess: nobody mistypes a 65-character name into another one. */
const MAX_INPUT = 64;
/** Below this many names a plain scan is cheaper than an index, and keeps the exact first-best order. */
const SCAN_BELOW = 256;
/** Most names one question against a large list compares in full (the cap on its work). */
const MAX_COMPARED = 64;

/** Roughly one slip per three characters; one-letter values get no guess (E is not a typo of A). */
function limitFor(inputLength: number, candidateLength: number): number {
  return Math.floor(Math.max(inputLength, candidateLength) / 3);
}

/**
 * An index over a fixed list of names, answering "which name is the input a typo of?" in bounded work.
 * Build it once per list (e.g. the device aliases of one document) and ask it many times.
 */
export class Suggester {
  private readonly names: string[] = [];
  private readonly folded: string[] = [];
  /** folded name -> first index */
  private readonly exact = new Map<string, number>();
  /** folded length -> indices, only for large lists */
  private readonly byLength = new Map<number, number[]>();
  /** one-deletion variant of a folded name -> indices (capped per key), only for large lists */
  private readonly deletions = new Map<string, number[]>();
  private readonly large: boolean;
  /** Names compared in full by the last question (the work it cost; bounded for large lists). */
  lastCompared = 0;

  constructor(candidates: Iterable<string>) {
    for (const c of candidates) {
      const f = fold(c);
      if (this.exact.has(f)) continue; // a later duplicate can never win: the first of equals is kept
      const i = this.names.length;
      this.names.push(c);
      this.folded.push(f);
      this.exact.set(f, i);
    }
    this.large = this.names.length >= SCAN_BELOW;
    if (!this.large) return;
    this.folded.forEach((f, i) => {
      if (f.length > MAX_INPUT + MAX_INPUT / 2) return; // too long to be anyone's typo target
      push(this.byLength, f.length, i);
      for (const d of deletionsOf(f)) push(this.deletions, d, i, 8);
    });
  }

  get size(): number {
    return this.names.length;
  }

  /** The closest name if it is close enough to be a plausible typo, else undefined. */
  suggest(input: string): string | undefined {
    if (input.length === 0 || input.length > MAX_INPUT) return undefined;
    const f = fold(input);
    const hit = this.exact.get(f);
    this.lastCompared = 0;
    if (hit !== undefined) return this.names[hit];
    return this.large ? this.indexed(f) : this.scan(f);
  }

  private scan(f: string): string | undefined {
    let best = -1;
    let bestD = Infinity;
    this.lastCompared = this.folded.length;
    this.folded.forEach((c, i) => {
      const d = editDistance(f, c, Math.min(bestD - 1, limitFor(f.length, c.length)));
      if (d < bestD && d <= limitFor(f.length, c.length)) {
        bestD = d;
        best = i;
      }
    });
    return best < 0 ? undefined : this.names[best];
  }

  private indexed(f: string): string | undefined {
    let best = -1;
    let bestD = Infinity;
    let budget = MAX_COMPARED;
    const seen = new Set<number>();
    this.lastCompared = 0;
    const consider = (i: number) => {
      if (seen.has(i) || budget <= 0) return;
      seen.add(i);
      budget--;
      this.lastCompared++;
      const c = this.folded[i];
      const limit = limitFor(f.length, c.length);
      const d = editDistance(f, c, Math.min(limit, bestD));
      if (d <= limit && (d < bestD || (d === bestD && i < best))) {
        bestD = d;
        best = i;
      }
    };
    // Every name one slip away (insert, delete, substitute, swap) shares a one-deletion variant with
    // the input or is one; most names two slips away share a two-deletion one.
    const once = deletionsOf(f);
    for (const key of [f, ...once]) for (const i of this.deletions.get(key) ?? []) consider(i);
    for (const key of once) {
      const i = this.exact.get(key);
      if (i !== undefined) consider(i);
    }
    if (bestD <= 1) return this.names[best];
    const twice = new Set<string>();
    for (const key of once) for (const k2 of deletionsOf(key)) twice.add(k2);
    for (const key of twice) {
      const i = this.exact.get(key);
      if (i !== undefined) consider(i);
      for (const j of this.deletions.get(key) ?? []) consider(j);
    }
    if (bestD <= 2) return this.names[best];
    // Farther slips: a bounded look at names of about the same length, nearest lengths first.
    for (let delta = 0; delta <= f.length && budget > 0; delta++) {
      for (const len of delta === 0 ? [f.length] : [f.length - delta, f.length + delta]) {
        // A name this much longer or shorter is already farther than it is allowed to be.
        if (delta > limitFor(f.length, len)) continue;
        for (const i of this.byLength.get(len) ?? []) {
          if (budget <= 0) break;
          consider(i);
        }
      }
    }
    return best < 0 ? undefined : this.names[best];
  }
}

function push<K>(map: Map<K, number[]>, key: K, value: number, cap = Infinity): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (list.length < cap) list.push(value);
}

function deletionsOf(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) out.add(s.slice(0, i) + s.slice(i + 1));
  return out;
}

/**
 * The closest candidate if it is close enough to be a plausible typo, else undefined.
 * Case, spaces and dashes are compared loosely (`Baud-Rate` finds `baudrate` only by distance, but
 * `Scan Rate Ms` finds `scan_rate_ms` exactly). For many questions against one list, build a Suggester.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length === 0 || input.length > MAX_INPUT) return undefined;
  return new Suggester(candidates).suggest(input);
}
