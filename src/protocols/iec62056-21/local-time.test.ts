import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTimeZone, localToUtc, utcToLocalMs, zoneOffsetMs } from './local-time';

const ZONES = ['UTC', 'Europe/Vilnius', 'Europe/Amsterdam', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Etc/GMT-1'];

describe('meter-local time to UTC', () => {
  it('known offsets, season letters and digits', () => {
    // Central Europe: +1 h in winter, +2 h in summer.
    expect(localToUtc(Date.UTC(2026, 0, 15, 12), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 0, 15, 11));
    expect(localToUtc(Date.UTC(2026, 6, 15, 12), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 6, 15, 10));
    // The autumn hour that repeats (2026-10-25 02:30 in Amsterdam): S first, W an hour later; no letter = first.
    const rep = Date.UTC(2026, 9, 25, 2, 30);
    expect(localToUtc(rep, 'Europe/Amsterdam', 'S')).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(localToUtc(rep, 'Europe/Amsterdam', 'W')).toBe(Date.UTC(2026, 9, 25, 1, 30));
    expect(localToUtc(rep, 'Europe/Amsterdam', '1')).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(localToUtc(rep, 'Europe/Amsterdam', '0')).toBe(Date.UTC(2026, 9, 25, 1, 30));
    expect(localToUtc(rep, 'Europe/Amsterdam')).toBe(Date.UTC(2026, 9, 25, 0, 30));
    // The skipped spring hour (2026-03-29 02:30 does not exist): read with the standard offset.
    expect(localToUtc(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    // A leading 2 means UTC whatever the zone.
    expect(localToUtc(rep, 'Europe/Amsterdam', '2')).toBe(rep);
    // Southern hemisphere: summer is January.
    expect(localToUtc(Date.UTC(2026, 0, 15, 12), 'Australia/Sydney', 'S')).toBe(Date.UTC(2026, 0, 15, 1));
    expect(zoneOffsetMs('Asia/Kolkata', Date.UTC(2026, 0, 1))).toBe(5.5 * 3600_000);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
  });

  it('round trip: UTC -> the zone wall clock -> UTC, with the season letter the zone was in', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2060, 0, 1) }), (zone, t) => {
        const utc = Math.floor(t / 1000) * 1000;
        const local = utcToLocalMs(utc, zone);
        const off = local - utc;
        const jan = zoneOffsetMs(zone, Date.UTC(new Date(local).getUTCFullYear(), 0, 1));
        const jul = zoneOffsetMs(zone, Date.UTC(new Date(local).getUTCFullYear(), 6, 1));
        const letter = jan === jul ? undefined : off === Math.max(jan, jul) ? 'S' : off === Math.min(jan, jul) ? 'W' : undefined;
        if (letter) expect(localToUtc(local, zone, letter)).toBe(utc);
        // Without a letter only the repeated autumn hour is ambiguous: it is read at its first occurrence.
        const back = localToUtc(local, zone);
        expect(back === utc || back === utc - Math.abs(jan - jul)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
