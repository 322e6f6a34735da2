import type { Clock } from '../core/clock';
import { decorateLink } from '../core/decorate-link';
import type { Link } from '../core/link';
import { seeded } from '../soak/rng';

/**
 * How long a simulated meter takes to react to a frame before it starts answering: a fixed delay, or a
 * seeded range so a run is repeatable yet not metronomic. Real meters take 20–200 ms; IEC 62056-21
 * allows up to 1.5 s. On a real line this, times the number of turnarounds, is what a read costs.
 */
export type ReactionSpec = number | { min: number; max: number; seed: number };

/** A source of reaction delays (ms) following `spec`: one draw per answer. */
export function reactionDelays(spec: ReactionSpec): () => number {
  if (typeof spec === 'number') {
    const fixed = Math.max(0, spec);
    return () => fixed;
  }
  const lo = Math.max(0, Math.min(spec.min, spec.max));
  const hi = Math.max(lo, spec.max);
  const rng = seeded(spec.seed);
  return () => lo + rng() * (hi - lo);
}

/**
 * The meter's end of a line with a reaction time: the first write after anything was received waits one
 * reaction delay; writes that follow without new input (the rest of a window, segments sent back to
 * back) go at once, as a meter streams an answer once it has started it.
 */
export function withReaction(link: Link, clock: Clock, spec: ReactionSpec): Link {
  const next = reactionDelays(spec);
  let heard = false;
  return decorateLink(link, {
    async read(maxWaitMs) {
      const got = await link.read(maxWaitMs);
      if (got.length > 0) heard = true;
      return got;
    },
    async write(bytes) {
      if (heard) {
        heard = false;
        const ms = next();
        if (ms > 0) await clock.sleep(ms);
      }
      await link.write(bytes);
    },
  });
}

/**
 * A meter's HDLC inactivity timeout: `drop` runs after `timeoutMs` without any byte received (re-armed by
 * every byte). Returns the watched link and a cancel for when serving ends.
 */
export function withInactivity(link: Link, clock: Clock, timeoutMs: number, drop: () => void): { link: Link; cancel: () => void } {
  let cancelTimer = clock.schedule(timeoutMs, drop);
  const arm = () => {
    cancelTimer();
    cancelTimer = clock.schedule(timeoutMs, drop);
  };
  const watched = decorateLink(link, {
    async read(maxWaitMs) {
      const got = await link.read(maxWaitMs);
      if (got.length > 0) arm();
      return got;
    },
  });
  return { link: watched, cancel: () => cancelTimer() };
}
