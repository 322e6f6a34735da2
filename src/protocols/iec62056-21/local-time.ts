/**
 * The meter's local time to UTC. IEC 62056-21 time stamps (`YYMMDDhhmm[ss]`, optionally with a season
 * letter S summer / W winter, or a leading digit 0 normal / 1 summer / 2 UTC) are the meter's wall
 * clock; readings are stored in UTC. The device's IANA time zone says which wall clock it is.
 *
 * Pure: uses only Intl, which the worker and Node both have; no system zone is read here (the caller
 * passes `systemTimeZone()` as the default).
 */
import { ProtocolError } from '../../core/errors';
import type { IecTimestamp } from './load-profile';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ProtocolError('UNSUPPORTED', `Unknown time zone "${zone.slice(0, 64)}".`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA time zone name this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone of the system (Node) or the browser; UTC where the runtime does not say. */
export function systemTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** How far the zone's wall clock is ahead of UTC at the instant `utcMs` (ms; +3600000 for CET). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(whole))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) - whole;
}

/** The wall time of `utcMs` in `zone`, as the "local time read as if UTC" number IecTimestamp uses. */
export function utcToLocalMs(utcMs: number, zone: string): number {
  return utcMs + zoneOffsetMs(zone, utcMs);
}

/** Standard (winter) and summer offsets of the zone in the year of `localMs`. */
function seasonOffsets(zone: string, localMs: number): { winter: number; summer: number } {
  const year = new Date(localMs).getUTCFullYear();
  const jan = zoneOffsetMs(zone, Date.UTC(year, 0, 1));
  const jul = zoneOffsetMs(zone, Date.UTC(year, 6, 1));
  return { winter: Math.min(jan, jul), summer: Math.max(jan, jul) };
}

/**
 * UTC instant of a meter-local wall time. With a season marker the meter says which offset it used:
 * S (or 1) the zone's summer offset, W (or 0) its standard offset, 2 UTC. Without one, the zone's
 * rules decide; the hour that repeats when clocks go back is taken at its first (summer) occurrence,
 * and a wall time that does not exist (the hour skipped in spring, printed by a meter that keeps
 * standard time all year) is read with the standard offset.
 */
export function localToUtc(localMs: number, zone: string, season?: string): number {
  const s = season?.toUpperCase();
  if (s === '2') return localMs;
  if (s === 'S' || s === '1') return localMs - seasonOffsets(zone, localMs).summer;
  if (s === 'W' || s === '0') return localMs - seasonOffsets(zone, localMs).winter;
  const candidates = new Set([zoneOffsetMs(zone, localMs - 86_400_000), zoneOffsetMs(zone, localMs), zoneOffsetMs(zone, localMs + 86_400_000)]);
  const valid = [...candidates].filter((o) => zoneOffsetMs(zone, localMs - o) === o);
  if (valid.length === 0) return localMs - seasonOffsets(zone, localMs).winter;
  return localMs - Math.max(...valid);
}

/** A parsed time stamp in UTC. */
export function timestampToUtc(t: IecTimestamp, zone: string): number {
  return localToUtc(t.localMs, zone, t.season);
}
