/**
 * What parity and the XOR block check let through, in theory, for the memory wire's fault model.
 *
 * The wire damages each character independently: dropped (d), else one of 8 bits flipped (c; bit 7
 * is masked off on a 7-bit line, so 1 in 8 flips changes nothing), then doubled (u). A flipped
 * character arrives with a parity bit that fits it (the wire models the damage parity cannot see:
 * two bits of one character), so only the block check character (BCC, the XOR of everything after
 * STX up to and including ETX) can notice. The BCC is blind to any damage whose XOR effects cancel:
 * a drop or a doubling removes the character's value from the XOR, a flip adds 2^k. STX, ETX and the
 * BCC itself must arrive intact (or the BCC flipped exactly as the block changed).
 *
 * `undetectedBlockProbability` is exact for that model: a dynamic program over the 128 possible XOR
 * effects of the block, counting only outcomes with at least one real fault.
 */

export interface WireFaultRates {
  drop: number;
  corrupt: number;
  duplicate: number;
}

/** Probability that a block whose BCC covers `covered` (data and ETX) arrives damaged yet passes the check. */
export function undetectedBlockProbability(covered: Uint8Array, f: WireFaultRates): number {
  const { drop: d, corrupt: c, duplicate: u } = f;
  const keep = 1 - d;
  // Per data character: the effect on the XOR and whether it was a real fault.
  // clean: not dropped, no effective flip, not doubled.
  const pClean = keep * (1 - c + c / 8) * (1 - u);
  const pFlip = keep * (c / 8) * (1 - u); // per bit k in 0..6, not doubled: effect 2^k
  const pRemoved = d + keep * (1 - c + c / 8) * u + keep * ((7 * c) / 8) * u; // dropped, or doubled (with or without a flip): effect = the value
  // dist[any][x]: probability of XOR effect x with (any=1) or without (any=0) a fault so far.
  let dist = [new Float64Array(128), new Float64Array(128)];
  dist[0][0] = 1;
  const last = covered.length - 1; // ETX: must arrive clean
  for (let i = 0; i < covered.length; i++) {
    const b = covered[i] & 0x7f;
    const next = [new Float64Array(128), new Float64Array(128)];
    for (let any = 0; any < 2; any++) {
      for (let x = 0; x < 128; x++) {
        const p = dist[any][x];
        if (p === 0) continue;
        next[any][x] += p * pClean;
        if (i === last) continue;
        next[1][x ^ b] += p * pRemoved;
        for (let k = 0; k < 7; k++) next[1][x ^ (1 << k)] += p * pFlip;
      }
    }
    dist = next;
  }
  // The BCC character: intact (block effect must be 0) or flipped by exactly the block's effect.
  const bccClean = keep * (1 - c + c / 8) * (1 - u);
  const bccFlip = keep * (c / 8) * (1 - u);
  let p = dist[1][0] * bccClean;
  for (let k = 0; k < 7; k++) p += (dist[0][1 << k] + dist[1][1 << k]) * bccFlip;
  // STX intact as well.
  return p * keep * (1 - c + c / 8) * (1 - u);
}
