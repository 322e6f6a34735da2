/**
 * ISO 8601 timestamps with the UTC offset of an IANA zone, e.g. 2026-11-25T14:03:00.000+01:00,
 * computed with Intl only. The offset is what the zone's wall clock showed at that instant, so a
 * spreadsheet user sees local time and a program can still recover the exact instant.
 */

const HOUR = 3_600_000;

export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface ZoneOffsets {
  /** Offset in whole minutes at `ms`. */
  offsetMinutes(ms: number): number;
}

const zoneCache = new Map<string, ZoneOffsets>();

function makeZone(timeZone: string): ZoneOffsets {
  // Throws RangeError for an unknown zone: the caller learns at once, not on row 1,000,000.
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });

  function exact(ms: number): number {
    const whole = Math.floor(ms / 1000) * 1000;
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(whole)) p[part.type] = part.value;
    let year = Number(p.year);
    if (p.era === 'BC' || p.era === 'B') year = 1 - year;
    const wall = Date.UTC(year, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    // Historic local-mean-time offsets have seconds; ISO offsets have minutes, so round and print the
    // local time with the rounded offset: the string still names the exact instant.
    return Math.round((wall - whole) / 60_000);
  }

  // formatToParts is slow (microseconds). Zones change offset at most once in any hour, so if an
  // hour starts and ends on the same offset every instant inside it has that offset too.
  const hourCache = new Map<number, number | null>();
  return {
    offsetMinutes(ms: number): number {
      const h = Math.floor(ms / HOUR);
      let cached = hourCache.get(h);
      if (cached === undefined) {
        const a = exact(h * HOUR);
        const b = exact(h * HOUR + HOUR - 1000);
        cached = a === b ? a : null;
        if (hourCache.size > 10_000) hourCache.clear();
        hourCache.set(h, cached);
      }
      return cached ?? exact(ms);
    },
  };
}

function zone(timeZone: string): ZoneOffsets {
  let z = zoneCache.get(timeZone);
  if (!z) {
    z = makeZone(timeZone);
    zoneCache.set(timeZone, z);
  }
  return z;
}

/** Checks the zone name now; returns the canonical name the formatter uses. */
export function resolveTimeZone(timeZone?: string): string {
  const name = timeZone ?? localTimeZone();
  zone(name);
  return name;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function padYear(y: number): string {
  if (y >= 0 && y <= 9999) return String(y).padStart(4, '0');
  // ISO 8601 expanded years carry a sign and six digits.
  return (y < 0 ? '-' : '+') + String(Math.abs(y)).padStart(6, '0');
}

/** Offset of `timeZone` at `ms`, in minutes east of UTC. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  return zone(timeZone).offsetMinutes(ms);
}

function offsetSuffix(off: number): string {
  const abs = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/**
 * The date-hour-minute part repeats for every reading in the same minute of an export, so the last
 * one is kept per zone; only seconds and milliseconds are formatted per row.
 */
interface MinuteMemo {
  minute: number;
  offset: number;
  prefix: string;
  suffix: string;
}
const minuteMemo = new Map<string, MinuteMemo>();

/** `2026-11-25T14:03:00.000+01:00`; UTC itself prints as `+00:00` so every value has the same shape. */
export function formatIsoWithOffset(ms: number, timeZone?: string): string {
  if (!Number.isFinite(ms)) throw new RangeError(`Not a timestamp: ${ms}`);
  const zoneName = timeZone ?? localTimeZone();
  const off = zone(zoneName).offsetMinutes(ms);
  const local = ms + off * 60_000;
  const minute = Math.floor(local / 60_000);
  let memo = minuteMemo.get(zoneName);
  if (!memo || memo.minute !== minute || memo.offset !== off) {
    const d = new Date(minute * 60_000);
    memo = {
      minute,
      offset: off,
      prefix: `${padYear(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:`,
      suffix: offsetSuffix(off),
    };
    minuteMemo.set(zoneName, memo);
  }
  const inMinute = local - minute * 60_000; // 0..59999, exact for integer ms
  const sec = Math.floor(inMinute / 1000);
  const milli = Math.floor(inMinute - sec * 1000);
  return `${memo.prefix}${pad2(sec)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}${memo.suffix}`;
}
