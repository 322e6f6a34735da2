import { describe, expect, it } from 'vitest';
import { formatIsoWithOffset, zoneOffsetMinutes } from './iso-time';

const VILNIUS = 'Europe/Vilnius';

describe('ISO 8601 with offset', () => {
  it('uses +03:00 in Vilnius summer and +02:00 in winter', () => {
    expect(formatIsoWithOffset(Date.UTC(2026, 6, 1, 11, 3, 0), VILNIUS)).toBe('2026-07-01T14:03:00.000+03:00');
    expect(formatIsoWithOffset(Date.UTC(2026, 10, 25, 12, 3, 0, 7), VILNIUS)).toBe('2026-11-25T14:03:00.007+02:00');
  });

  it('switches exactly at the EU transition instants (01:00 UTC)', () => {
    expect(formatIsoWithOffset(Date.UTC(2026, 2, 29, 0, 59, 59, 999), VILNIUS)).toBe('2026-03-29T02:59:59.999+02:00');
    expect(formatIsoWithOffset(Date.UTC(2026, 2, 29, 1, 0, 0), VILNIUS)).toBe('2026-03-29T04:00:00.000+03:00');
    // Autumn: 03:30 local happens twice; the offset tells the two apart.
    expect(formatIsoWithOffset(Date.UTC(2026, 9, 25, 0, 30), VILNIUS)).toBe('2026-10-25T03:30:00.000+03:00');
    expect(formatIsoWithOffset(Date.UTC(2026, 9, 25, 1, 30), VILNIUS)).toBe('2026-10-25T03:30:00.000+02:00');
  });

  it('prints negative and half-hour offsets, and UTC as +00:00', () => {
    expect(formatIsoWithOffset(Date.UTC(2026, 0, 15, 12), 'America/St_Johns')).toBe('2026-01-15T08:30:00.000-03:30');
    expect(formatIsoWithOffset(Date.UTC(2026, 0, 15, 12), 'Asia/Kolkata')).toBe('2026-01-15T17:30:00.000+05:30');
    expect(formatIsoWithOffset(Date.UTC(2026, 0, 15, 12), 'UTC')).toBe('2026-01-15T12:00:00.000+00:00');
  });

  it('round-trips to the same instant through Date.parse, every 3 hours and a bit over a year', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let t = start; t < start + 366 * 86_400_000; t += 181 * 60_000 + 123) {
      expect(Date.parse(formatIsoWithOffset(t, VILNIUS))).toBe(t);
    }
  });

  it('agrees with the offset Intl itself reports', () => {
    const t = Date.UTC(2026, 6, 1);
    const name = new Intl.DateTimeFormat('en-US', { timeZone: VILNIUS, timeZoneName: 'longOffset' })
      .formatToParts(t)
      .find((p) => p.type === 'timeZoneName')?.value;
    expect(name).toBe('GMT+03:00');
    expect(zoneOffsetMinutes(t, VILNIUS)).toBe(180);
  });

  it('rejects an unknown zone and a non-finite time with RangeError', () => {
    expect(() => formatIsoWithOffset(0, 'Mars/Olympus')).toThrow(RangeError);
    expect(() => formatIsoWithOffset(Number.NaN, 'UTC')).toThrow(RangeError);
  });

  it('defaults to the local zone', () => {
    const t = Date.UTC(2026, 6, 1, 12);
    expect(Date.parse(formatIsoWithOffset(t))).toBe(t);
    expect(formatIsoWithOffset(t)).toMatch(/[+-]\d\d:\d\d$/);
  });
});
