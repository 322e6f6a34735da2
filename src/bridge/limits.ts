/**
 * Limits of every numeric bridge option, one table for startBridge, the command line (--help) and
 * docs/bridge.md. The upper bounds keep timers below setTimeout's 2^31-1 ms and buffers far below the
 * process's memory.
 */
export const LIMITS = {
  maxMessageBytes: { min: 16, max: 16 * 1024 * 1024, default: 64 * 1024 },
  maxConnections: { min: 1, max: 1024, default: 32 },
  idleMs: { min: 100, max: 24 * 3_600_000, default: 5 * 60_000 },
  connectTimeoutMs: { min: 100, max: 120_000, default: 10_000 },
  highWaterBytes: { min: 1024, max: 64 * 1024 * 1024, default: 1 << 20 },
  handshakeTimeoutMs: { min: 100, max: 60_000, default: 5_000 },
  refuseGraceMs: { min: 0, max: 10_000, default: 1_000 },
} as const;

type LimitName = keyof typeof LIMITS;

/** The option's value (or its default), or an Error naming the range. */
export function limited(opts: Partial<Record<LimitName, number>>, name: LimitName): number {
  const { min, max } = LIMITS[name];
  const v = opts[name] ?? LIMITS[name].default;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new Error(`${name} must be a whole number in ${min}..${max}, not ${String(v)}`);
  return v;
}
