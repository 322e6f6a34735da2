/**
 * Load profiles and logbooks (`P.01`, `P.02`, `P.98`, DSMR 2/3 `24.3.0`) as they come back from an
 * R5/R6 read or a readout: a header data set
 *   P.01(start)(status)(period minutes)(channel count)(address 1)(unit 1)...(address n)(unit n)
 * followed by lines of n values, one line per period. The data-set parser has already attached the
 * value lines to the header (they start with "("), so here the values are cut into rows of n.
 */
import { ProtocolError } from '../../core/errors';
import type { DataSet, DataValue } from './datasets';
import { localToUtc } from './local-time';

export interface IecTimestamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Season marker when present: a leading digit (0 normal, 1 summer, 2 UTC) or a trailing S/W. */
  season?: string;
  /** The printed time read as if it were UTC: the meter's local time, as an epoch-like number. */
  localMs: number;
}

/** Parses YYMMDDhhmm, ZYYMMDDhhmm, YYMMDDhhmmss, ZYYMMDDhhmmss or YYMMDDhhmmss[S|W]. */
export function parseIecTimestamp(text: string): IecTimestamp {
  let s = text.trim();
  let season: string | undefined;
  if (/^[0-9]{12}[SWsw]$/.test(s)) {
    season = s[12].toUpperCase();
    s = s.slice(0, 12);
  } else if (s.length === 11 || s.length === 13) {
    season = s[0];
    s = s.slice(1);
  }
  if (!/^[0-9]+$/.test(s) || (s.length !== 10 && s.length !== 12)) throw new ProtocolError('FRAMING', `Not a time stamp: "${text.slice(0, 20)}".`);
  const yy = Number(s.slice(0, 2));
  const year = yy >= 70 ? 1900 + yy : 2000 + yy;
  const month = Number(s.slice(2, 4));
  const day = Number(s.slice(4, 6));
  const hour = Number(s.slice(6, 8));
  const minute = Number(s.slice(8, 10));
  const second = s.length === 12 ? Number(s.slice(10, 12)) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    throw new ProtocolError('FRAMING', `Time stamp out of range: "${text.slice(0, 20)}".`);
  }
  const out: IecTimestamp = { year, month, day, hour, minute, second, localMs: Date.UTC(year, month - 1, day, hour, minute, second) };
  if (season !== undefined) out.season = season;
  return out;
}

/** Formats a meter-local time (as produced by `localMs`) as ZYYMMDDhhmmss (or without season). */
export function formatIecTimestamp(localMs: number, season?: string): string {
  const d = new Date(localMs);
  const p = (v: number) => String(v).padStart(2, '0');
  return `${season ?? ''}${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export interface ProfileChannel {
  address: string;
  unit: string;
}

export interface ProfileRow {
  /** Meter-local time of the row (start + i * period). */
  localMs: number;
  /** The row's instant in UTC (set by `profileToUtc` once the meter's time zone is known). */
  utcMs?: number;
  /** The meter's own text of the row's time (the header's for the first row). */
  raw?: string;
  values: DataValue[];
}

export interface ProfileBlock {
  address: string;
  start: IecTimestamp;
  status: string;
  periodMinutes: number;
  channels: ProfileChannel[];
  rows: ProfileRow[];
}

const MAX_CHANNELS = 256;

/** True for a data set that has the shape of a profile header. */
export function isProfileHeader(ds: DataSet): boolean {
  if (ds.values.length < 4) return false;
  const n = Number(ds.values[3].value);
  return /^[0-9]{1,3}$/.test(ds.values[3].value) && n <= MAX_CHANNELS && ds.values.length >= 4 + 2 * n && /^[0-9]{0,5}$/.test(ds.values[2].value);
}

/** Decodes one profile data set; throws ProtocolError FRAMING when it is not a profile. */
export function decodeProfileBlock(ds: DataSet): ProfileBlock {
  if (!isProfileHeader(ds)) throw new ProtocolError('FRAMING', `Data set "${ds.address}" is not a profile header.`);
  const start = parseIecTimestamp(ds.values[0].value);
  const periodMinutes = Number(ds.values[2].value);
  const n = Number(ds.values[3].value);
  const channels: ProfileChannel[] = [];
  for (let i = 0; i < n; i++) channels.push({ address: ds.values[4 + 2 * i].value, unit: ds.values[5 + 2 * i].value });
  const rows: ProfileRow[] = [];
  const data = ds.values.slice(4 + 2 * n);
  if (n > 0) {
    for (let i = 0; i < data.length; i += n) {
      rows.push({ localMs: start.localMs + rows.length * periodMinutes * 60_000, values: data.slice(i, i + n) });
    }
  }
  return { address: ds.address, start, status: ds.values[1].value, periodMinutes, channels, rows };
}

/** Every profile block among the data sets (addresses `P.xx` by default). */
export function parseLoadProfile(sets: readonly DataSet[], match: (address: string) => boolean = (a) => /^P\.[0-9]{2}$/.test(a)): ProfileBlock[] {
  return sets.filter((ds) => match(ds.address) && isProfileHeader(ds)).map(decodeProfileBlock);
}

/**
 * The block with every row's UTC instant: the header's time is converted with the meter's zone (and
 * its season marker), the rows follow it a real-time period apart, so a profile across a clock change
 * keeps its spacing. `raw` keeps the meter's text of the header time and the local time of each row.
 */
export function profileToUtc(block: ProfileBlock, zone: string): ProfileBlock {
  const startUtc = localToUtc(block.start.localMs, zone, block.start.season);
  const period = block.periodMinutes * 60_000;
  return {
    ...block,
    rows: block.rows.map((r, i) => ({ ...r, utcMs: startUtc + i * period, raw: rawTime(r.localMs, block.start.season) })),
  };
}

/** A meter-local time as the meter prints it: season digit before, season letter after. */
function rawTime(localMs: number, season?: string): string {
  if (season === 'S' || season === 'W') return formatIecTimestamp(localMs) + season;
  return formatIecTimestamp(localMs, season);
}
