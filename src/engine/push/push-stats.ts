/**
 * What a push listener has seen: pushes, bad frames by reason, and missing pushes. A push is "missing"
 * when three usual intervals pass without any frame; each further three intervals of silence count one
 * more. The usual interval is `push_interval_ms` when configured, else learnt from the arrivals (the
 * median of the last gaps, so one late or doubled push does not move it). Pure: times are handed in.
 */
import type { PushBadReason } from '../../protocols/push';

export const MISSING_AFTER_INTERVALS = 3;
const GAPS_KEPT = 9;

export interface PushStats {
  pushes: number;
  missing: number;
  bad: Record<PushBadReason, number>;
  /** The usual interval in ms, once known. */
  intervalMs?: number;
  /** Wall time of the last good push. */
  lastPushTs?: number;
}

export function emptyStats(): PushStats {
  return { pushes: 0, missing: 0, bad: { crc: 0, gcm: 0, counter: 0, frame: 0, apdu: 0, shape: 0 } };
}

export function badTotal(s: PushStats): number {
  return Object.values(s.bad).reduce((a, b) => a + b, 0);
}

/** `12 pushes, 1 missing, 2 bad (crc 1, gcm 1), every 2 s`: the status line of a PUSH device. */
export function describeStats(s: PushStats): string {
  const bad = badTotal(s);
  const reasons = Object.entries(s.bad)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const every = s.intervalMs !== undefined ? `, every ${formatMs(s.intervalMs)}` : '';
  return `${s.pushes} push${s.pushes === 1 ? '' : 'es'}, ${s.missing} missing, ${bad} bad${bad > 0 ? ` (${reasons})` : ''}${every}`;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Learns the interval and says when the silence has become a missing push. */
export class PushWatch {
  readonly stats: PushStats = emptyStats();
  private gaps: number[] = [];
  private lastFrameAt?: number;
  private lastPushAt?: number;
  /** Monotonic time at which the next missing push is counted. */
  private dueAt?: number;

  constructor(private readonly configuredMs?: number) {
    if (configuredMs !== undefined) this.stats.intervalMs = configuredMs;
  }

  /** Listening starts (or restarts after a reconnect): silence is measured from here. */
  started(now: number): void {
    this.lastFrameAt = now;
    this.arm();
  }

  /** Any frame, good or bad, proves the meter is talking. */
  frame(now: number): void {
    this.lastFrameAt = now;
    this.arm();
  }

  push(now: number, wallTs: number): void {
    if (this.lastPushAt !== undefined) {
      // Rounded: line times are fractions of a millisecond, the interval a meter keeps is not.
      this.gaps.push(Math.round(now - this.lastPushAt));
      if (this.gaps.length > GAPS_KEPT) this.gaps.shift();
      if (this.configuredMs === undefined) this.stats.intervalMs = median(this.gaps);
    }
    this.lastPushAt = now;
    this.stats.pushes++;
    this.stats.lastPushTs = wallTs;
    this.frame(now);
  }

  bad(reason: PushBadReason, now: number): void {
    this.stats.bad[reason]++;
    this.frame(now);
  }

  /** When to look again (monotonic ms), or undefined while no interval is known. */
  get nextCheckAt(): number | undefined {
    return this.dueAt;
  }

  /** Count the missing pushes due by `now`; returns how many were added. */
  check(now: number): number {
    let added = 0;
    while (this.dueAt !== undefined && now >= this.dueAt && this.stats.intervalMs !== undefined) {
      this.stats.missing++;
      added++;
      this.dueAt += MISSING_AFTER_INTERVALS * this.stats.intervalMs;
    }
    return added;
  }

  private arm(): void {
    const i = this.stats.intervalMs;
    this.dueAt = i !== undefined && this.lastFrameAt !== undefined ? this.lastFrameAt + MISSING_AFTER_INTERVALS * i : undefined;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2);
}
