import type { DlmsData } from '../../protocols/dlms/axdr/types';
import { encodeDateTime, epochMsToCosemDateTime } from '../../protocols/dlms/axdr/datetime';
import { associationLnAttributes, associationSnAttributes, attributeAccess } from './association-object';

/**
 * The object model of a simulated DLMS/COSEM meter: interface objects with attributes that are either
 * fixed values or functions of the meter's time, so that registers count up, the clock ticks and a load
 * profile holds one row per capture period for as far back as anyone asks. Pure data and arithmetic: the
 * server (request handling, association, security) lives beside it.
 */

export type AttributeValue = DlmsData | ((now: number) => DlmsData);

export interface SimObject {
  classId: number;
  version: number;
  /** Dotted OBIS, e.g. `1.0.1.8.0.255`. */
  obis: string;
  attributes: Map<number, AttributeValue>;
  /** Attributes a client may write (SET / SN write). */
  writable?: Set<number>;
  /** Short-name base (SN referencing). Assigned by the model when absent. */
  baseName?: number;
  /** For profile generic objects: produces buffer rows on request. */
  profile?: SimProfile;
}

export interface SimProfile {
  /** Capture period in seconds (0 for an event log: rows at irregular times). */
  capturePeriodS: number;
  /** capture_objects as (class, OBIS, attribute, data index). */
  captureObjects: { classId: number; obis: string; attribute: number; dataIndex: number }[];
  /** Rows with timestamps in [fromMs, toMs], oldest first, at most `limit` rows. */
  rows(fromMs: number, toMs: number, limit: number): { ts: number; values: DlmsData[] }[];
  /** All rows up to `now` (entries are numbered from 1 = oldest). */
  entriesInUse(now: number): number;
  /** Entry number n (1-based, oldest first). */
  entry(now: number, n: number): { ts: number; values: DlmsData[] } | undefined;
}

// ---- tiny DlmsData builders ------------------------------------------------------------------------

export const u8 = (value: number): DlmsData => ({ type: 'uint8', value });
export const u16 = (value: number): DlmsData => ({ type: 'uint16', value });
export const u32 = (value: number): DlmsData => ({ type: 'uint32', value: value >>> 0 });
export const i8 = (value: number): DlmsData => ({ type: 'int8', value });
export const i16 = (value: number): DlmsData => ({ type: 'int16', value });
export const i32 = (value: number): DlmsData => ({ type: 'int32', value: value | 0 });
export const enumv = (value: number): DlmsData => ({ type: 'enum', value });
export const bool = (value: boolean): DlmsData => ({ type: 'boolean', value });
export const octets = (value: Uint8Array): DlmsData => ({ type: 'octet-string', value });
export const text = (value: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(value) });
export const visible = (value: string): DlmsData => ({ type: 'visible-string', value });
export const struct = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });
export const array = (items: DlmsData[]): DlmsData => ({ type: 'array', items });
export const nul: DlmsData = { type: 'null' };
export const scalerUnit = (scaler: number, unit: number): DlmsData => struct(i8(scaler), enumv(unit));

export function obisBytes(obis: string): Uint8Array {
  const parts = obis.split('.').map(Number);
  if (parts.length !== 6 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad OBIS ${obis}`);
  return Uint8Array.from(parts);
}

/** COSEM date-time octets as the meter sends them: UTC fields (deviation 0) unless an offset is given. */
export function dateTimeOctets(ms: number, offsetMinutes = 0): Uint8Array {
  return encodeDateTime(epochMsToCosemDateTime(ms, -offsetMinutes, 0));
}

const localDateTimeOctets = dateTimeOctets;

// ---- the model -------------------------------------------------------------------------------------

export class SimModel {
  readonly objects: SimObject[] = [];
  private readonly byKey = new Map<string, SimObject>();
  private readonly byBase = new Map<number, SimObject>();
  private nextBase = 0xa000;
  /**
   * Data-access-result for a GET naming an existing OBIS code with the wrong class. Meters differ: 9
   * object-class-inconsistent (default), 3 read-write-denied (the independent server we compared with),
   * 4 object-undefined, 11 object-unavailable, 250 other-reason.
   */
  wrongClassResult?: number;
  /**
   * The meter looks objects up by OBIS code alone: a GET naming the wrong class is answered with that
   * attribute of the object as it is (a register asked as class 3 that is a demand register hands out its
   * last_average_value as "attribute 3"). Issue 16: the client must not take that for a scaler.
   */
  ignoresClass?: boolean;

  /** Give the object with this OBIS code another interface class (a meter whose classes the OBIS code does not predict). */
  reclass(obis: string, classId: number): void {
    const obj = this.findByObis(obis);
    if (!obj) throw new Error(`no object ${obis}`);
    this.byKey.delete(`${obj.classId}/${obis}`);
    obj.classId = classId;
    this.byKey.set(`${classId}/${obis}`, obj);
  }

  add(obj: SimObject): SimObject {
    const key = `${obj.classId}/${obj.obis}`;
    if (this.byKey.has(key)) throw new Error(`duplicate object ${key}`);
    if (obj.baseName === undefined) {
      obj.baseName = this.nextBase;
      // Leave room for every attribute and method: 8 bytes per attribute slot is the SN rule.
      this.nextBase += 0x100;
    }
    this.objects.push(obj);
    this.byKey.set(key, obj);
    this.byBase.set(obj.baseName, obj);
    return obj;
  }

  find(classId: number, obis: string): SimObject | undefined {
    return this.byKey.get(`${classId}/${obis}`);
  }

  /** Any class with that OBIS (SN clients and sloppy LN clients ask by name only). */
  findByObis(obis: string): SimObject | undefined {
    return this.objects.find((o) => o.obis === obis);
  }

  /** Resolve a short name to (object, attribute) or (object, method) per the 8-byte slot rule. */
  resolveShortName(sn: number): { obj: SimObject; slot: number } | undefined {
    for (const [base, obj] of this.byBase) {
      if (sn >= base && sn < base + 0x100 && (sn - base) % 8 === 0) return { obj, slot: (sn - base) / 8 + 1 };
    }
    return undefined;
  }

  read(obj: SimObject, attribute: number, now: number): DlmsData | undefined {
    if (attribute === 1) return octets(obisBytes(obj.obis));
    const v = obj.attributes.get(attribute);
    if (v === undefined) return undefined;
    return typeof v === 'function' ? v(now) : v;
  }

  /** LN association object_list: array of {class_id, version, logical_name, access_rights}. */
  objectListLN(): DlmsData {
    return array(
      this.objects.filter((o) => o.classId !== 12).map((o) =>
        struct(
          u16(o.classId),
          u8(o.version),
          octets(obisBytes(o.obis)),
          struct(
            attributeAccess(o),
            array([]),
          ),
        ),
      ),
    );
  }

  /** SN access_rights_list: per object {base_name, attribute access, method access}. */
  accessRightsSN(): DlmsData {
    return array(this.objects.filter((o) => o.classId !== 15).map((o) => struct(i16(toSigned16(o.baseName ?? 0)), attributeAccess(o), array([]))));
  }

  /** SN association object_list: array of {base_name, class_id, version, logical_name}. */
  objectListSN(): DlmsData {
    return array(
      this.objects.filter((o) => o.classId !== 15).map((o) => struct(i16(toSigned16(o.baseName ?? 0)), u16(o.classId), u8(o.version), octets(obisBytes(o.obis)))),
    );
  }
}

function toSigned16(v: number): number {
  return v >= 0x8000 ? v - 0x10000 : v;
}

// ---- a realistic three-phase electricity meter -----------------------------------------------------

/** Units from the IEC 62056-6-2 enumeration used below. */
const UNIT = { Wh: 30, varh: 32, W: 27, var: 29, V: 35, A: 33, Hz: 44, none: 255, count: 255 } as const;

export interface DemoMeterOptions {
  serialNumber?: string;
  logicalDeviceName?: string;
  /** Epoch ms at which the registers read their base values; they grow from there. */
  epochMs?: number;
  /** How far back the load profile goes. */
  profileDays?: number;
  /** Authentication secrets this meter accepts (LLS password). */
  lowPassword?: string;
  /** How far the meter's clock is off the true time (a meter that drifts). */
  clockOffsetMs?: number;
  /**
   * The meter keeps local time: its clock, capture times and profile time stamps carry these minutes east
   * of UTC as local fields with deviation = -offset (60 for CET). Default 0 (UTC fields, deviation 0).
   */
  utcOffsetMinutes?: number;
  /**
   * Power outages: the load profile captures nothing inside [fromMs, toMs) (missing intervals), and the
   * first interval after one carries the power-down bit (0x80) in its profile status.
   */
  profileOutages?: { fromMs: number; toMs: number }[];
}

interface RegisterSpec {
  obis: string;
  scaler: number;
  unit: number;
  /** Raw integer value at time t (ms since epochMs). */
  raw: (t: number) => number;
  type?: 'uint32' | 'int32' | 'uint16' | 'int16';
}

const HOUR = 3600_000;

/** Smooth daily load shape between 0.2 and 1.0, repeatable, no randomness. */
export function loadShape(ms: number): number {
  const h = ms / HOUR;
  return 0.6 + 0.35 * Math.sin(((h - 6) / 24) * 2 * Math.PI) + 0.05 * Math.sin(ms / RIPPLE);
}

const RIPPLE = 1_800_000;

/** Antiderivative of loadShape over milliseconds, so energy between any two instants is exact and O(1). */
function loadIntegral(ms: number): number {
  const h = ms / HOUR;
  return 0.6 * ms - 0.35 * ((24 * HOUR) / (2 * Math.PI)) * Math.cos(((h - 6) / 24) * 2 * Math.PI) - 0.05 * RIPPLE * Math.cos(ms / RIPPLE);
}

/** Energy in Wh consumed from `epoch` to `ms` (negative before the epoch) at the load shape × peakW. */
export function energyWh(epoch: number, ms: number, peakW = 2400): number {
  return (peakW * (loadIntegral(ms) - loadIntegral(epoch))) / HOUR;
}

export function createDemoDlmsModel(opts: DemoMeterOptions = {}): SimModel {
  const epoch = opts.epochMs ?? Date.UTC(2026, 0, 1);
  const serial = opts.serialNumber ?? '12345678';
  const ldn = opts.logicalDeviceName ?? `MSC${serial.padStart(13, '0')}`;
  // Every date-time this meter writes, in its own local time.
  const dateTimeOctets = (ms: number) => localDateTimeOctets(ms, opts.utcOffsetMinutes ?? 0);
  const outages = opts.profileOutages ?? [];
  const inOutage = (ts: number) => outages.some((o) => ts >= o.fromMs && ts < o.toMs);
  const m = new SimModel();
  const base = { import: 12_345_678, export: 1_234_567, rImport: 2_345_678, rExport: 345_678 };

  // The current association, in both referencing styles: every attribute, the secret denied.
  m.add({ classId: 15, version: 1, obis: '0.0.40.0.0.255', attributes: associationLnAttributes(() => m.objectListLN()) });
  m.add({ classId: 12, version: 2, obis: '0.0.40.0.0.255', baseName: 0xfa00, attributes: associationSnAttributes(() => m.objectListSN(), () => m.accessRightsSN()) });
  m.add({ classId: 1, version: 0, obis: '0.0.42.0.0.255', attributes: new Map([[2, text(ldn)]]) });
  m.add({ classId: 1, version: 0, obis: '0.0.96.1.0.255', attributes: new Map([[2, text(serial)]]) });
  m.add({ classId: 1, version: 0, obis: '1.0.0.2.0.255', attributes: new Map([[2, text('MSIM-1.4.2')]]) });
  m.add({ classId: 1, version: 0, obis: '0.0.96.14.0.255', attributes: new Map([[2, (t: number) => u8(tariffAt(t))]]) });
  m.add({ classId: 1, version: 0, obis: '0.0.43.1.0.255', attributes: new Map([[2, u32(1)]]) });
  m.add({
    classId: 8,
    version: 0,
    obis: '0.0.1.0.0.255',
    writable: new Set([2]),
    attributes: new Map<number, AttributeValue>([
      [2, (t: number) => octets(dateTimeOctets(t + (opts.clockOffsetMs ?? 0)))],
      [3, i16(0)],
      [4, u8(0)],
      [5, octets(dateTimeOctets(Date.UTC(2026, 2, 29, 1)))],
      [6, octets(dateTimeOctets(Date.UTC(2026, 9, 25, 1)))],
      [7, i8(60)],
      [8, bool(false)],
      [9, enumv(1)],
    ]),
  });

  const energyRaw = (baseWh: number, share: number) => (t: number) => Math.round((baseWh + energyWh(epoch, t) * share) / 10);
  const registers: RegisterSpec[] = [
    { obis: '1.0.1.8.0.255', scaler: 1, unit: UNIT.Wh, raw: energyRaw(base.import * 10, 1) },
    { obis: '1.0.1.8.1.255', scaler: 1, unit: UNIT.Wh, raw: energyRaw(base.import * 6, 0.6) },
    { obis: '1.0.1.8.2.255', scaler: 1, unit: UNIT.Wh, raw: energyRaw(base.import * 4, 0.4) },
    { obis: '1.0.2.8.0.255', scaler: 1, unit: UNIT.Wh, raw: energyRaw(base.export * 10, 0.05) },
    { obis: '1.0.3.8.0.255', scaler: 1, unit: UNIT.varh, raw: energyRaw(base.rImport * 10, 0.2) },
    { obis: '1.0.4.8.0.255', scaler: 1, unit: UNIT.varh, raw: energyRaw(base.rExport * 10, 0.03) },
    { obis: '1.0.1.7.0.255', scaler: 0, unit: UNIT.W, raw: (t) => Math.round(loadShape(t) * 2400) },
    { obis: '1.0.2.7.0.255', scaler: 0, unit: UNIT.W, raw: () => 0 },
    { obis: '1.0.32.7.0.255', scaler: -1, unit: UNIT.V, raw: (t) => 2300 + Math.round(20 * Math.sin(t / 600_000)), type: 'uint16' },
    { obis: '1.0.52.7.0.255', scaler: -1, unit: UNIT.V, raw: (t) => 2310 + Math.round(15 * Math.sin(t / 700_000)), type: 'uint16' },
    { obis: '1.0.72.7.0.255', scaler: -1, unit: UNIT.V, raw: (t) => 2295 + Math.round(18 * Math.sin(t / 800_000)), type: 'uint16' },
    { obis: '1.0.31.7.0.255', scaler: -2, unit: UNIT.A, raw: (t) => Math.round((loadShape(t) * 2400 * 100) / 3 / 230), type: 'uint16' },
    { obis: '1.0.51.7.0.255', scaler: -2, unit: UNIT.A, raw: (t) => Math.round((loadShape(t) * 2400 * 95) / 3 / 230), type: 'uint16' },
    { obis: '1.0.71.7.0.255', scaler: -2, unit: UNIT.A, raw: (t) => Math.round((loadShape(t) * 2400 * 105) / 3 / 230), type: 'uint16' },
    { obis: '1.0.14.7.0.255', scaler: -2, unit: UNIT.Hz, raw: (t) => 5000 + Math.round(3 * Math.sin(t / 90_000)), type: 'uint16' },
    { obis: '1.0.13.7.0.255', scaler: -3, unit: UNIT.none, raw: () => 982, type: 'int16' },
  ];
  for (const r of registers) {
    const make = r.type === 'uint16' ? u16 : r.type === 'int16' ? i16 : r.type === 'int32' ? i32 : u32;
    m.add({
      classId: 3,
      version: 0,
      obis: r.obis,
      attributes: new Map<number, AttributeValue>([
        [2, (t: number) => make(r.raw(t))],
        [3, scalerUnit(r.scaler, r.unit)],
      ]),
    });
  }

  // Extended register: maximum demand with the time it was captured.
  m.add({
    classId: 4,
    version: 0,
    obis: '1.0.1.6.0.255',
    attributes: new Map<number, AttributeValue>([
      [2, u32(2712)],
      [3, scalerUnit(0, UNIT.W)],
      [4, u8(0)],
      [5, octets(dateTimeOctets(epoch + 18.25 * HOUR))],
    ]),
  });
  // Demand register: current and last average power over 15-minute periods.
  m.add({
    classId: 5,
    version: 0,
    obis: '1.0.1.4.0.255',
    attributes: new Map<number, AttributeValue>([
      [2, (t: number) => u32(Math.round(loadShape(t) * 2400))],
      [3, (t: number) => u32(Math.round(loadShape(t - 15 * 60_000) * 2400))],
      [4, scalerUnit(0, UNIT.W)],
      [5, u8(0)],
      [6, (t: number) => octets(dateTimeOctets(Math.floor(t / 900_000) * 900_000))],
      [7, (t: number) => octets(dateTimeOctets(Math.floor(t / 900_000) * 900_000))],
      [8, u32(900)],
      [9, u16(1)],
    ]),
  });

  const profileStart = epoch - (opts.profileDays ?? 60) * 24 * HOUR;
  const loadProfile = periodicProfile(profileStart, 900, (ts) => inOutage(ts) ? undefined : [
    octets(dateTimeOctets(ts)),
    // Profile status: power down (bit 7) on the first interval captured after an outage.
    u8(inOutage(ts - 900_000) ? 0x80 : 0),
    u32(Math.round((base.import * 10 + energyWh(epoch, ts)) / 10)),
    u32(Math.round((base.export * 10 + energyWh(epoch, ts) * 0.05) / 10)),
  ]);
  loadProfile.captureObjects = [
    { classId: 8, obis: '0.0.1.0.0.255', attribute: 2, dataIndex: 0 },
    { classId: 1, obis: '0.0.96.10.1.255', attribute: 2, dataIndex: 0 },
    { classId: 3, obis: '1.0.1.8.0.255', attribute: 2, dataIndex: 0 },
    { classId: 3, obis: '1.0.2.8.0.255', attribute: 2, dataIndex: 0 },
  ];
  m.add({ classId: 1, version: 0, obis: '0.0.96.10.1.255', attributes: new Map([[2, u8(0)]]) });
  m.add(profileObject('1.0.99.1.0.255', loadProfile));

  const eventLog = eventProfile(profileStart, [
    // Repeating pattern of standard event codes (Blue Book standard event log numbering).
    { everyH: 37, code: 1 }, // power down
    { everyH: 37.1, code: 2 }, // power up
    { everyH: 101, code: 4 }, // daylight saving change
    { everyH: 173, code: 40 }, // terminal cover opened
  ], dateTimeOctets);
  m.add({ classId: 1, version: 0, obis: '0.0.96.11.0.255', attributes: new Map([[2, u8(0)]]) });
  m.add(profileObject('0.0.99.98.0.255', eventLog));

  m.add({
    classId: 70,
    version: 0,
    obis: '0.0.96.3.10.255',
    attributes: new Map<number, AttributeValue>([
      [2, bool(true)],
      [3, enumv(1)],
      [4, enumv(4)],
    ]),
  });
  m.add({
    classId: 23,
    version: 1,
    obis: '0.0.22.0.0.255',
    attributes: new Map<number, AttributeValue>([
      [2, enumv(5)],
      [3, u8(7)],
      [4, u8(7)],
      [5, u16(1024)],
      [6, u16(1024)],
      [7, u16(25)],
      [8, u16(120)],
      [9, u16(16)],
    ]),
  });
  return m;
}

function tariffAt(t: number): number {
  const h = (t / HOUR) % 24;
  return h >= 7 && h < 23 ? 1 : 2;
}

function profileObject(obis: string, profile: SimProfile): SimObject {
  return {
    classId: 7,
    version: 1,
    obis,
    profile,
    attributes: new Map<number, AttributeValue>([
      // attribute 2 (buffer) is served by the server from `profile`, with selective access.
      [
        3,
        array(
          profile.captureObjects.map((c) => struct(u16(c.classId), octets(obisBytes(c.obis)), i8(c.attribute), u16(c.dataIndex))),
        ),
      ],
      [4, u32(profile.capturePeriodS)],
      [5, enumv(1)],
      [6, struct(u16(8), octets(obisBytes('0.0.1.0.0.255')), i8(2), u16(0))],
      [7, (now: number) => u32(profile.entriesInUse(now))],
      [8, u32(100_000)],
    ]),
  };
}

/** A profile with one row every `periodS` seconds from `startMs` on. */
export function periodicProfile(startMs: number, periodS: number, row: (ts: number) => DlmsData[] | undefined): SimProfile {
  const period = periodS * 1000;
  const first = Math.ceil(startMs / period) * period;
  return {
    capturePeriodS: periodS,
    captureObjects: [],
    rows(fromMs, toMs, limit) {
      const out: { ts: number; values: DlmsData[] }[] = [];
      let ts = Math.max(first, Math.ceil(fromMs / period) * period);
      for (; ts <= toMs && out.length < limit; ts += period) {
        const values = row(ts);
        // An interval the meter did not capture (no power) is simply not in the buffer.
        if (values) out.push({ ts, values });
      }
      return out;
    },
    entriesInUse(now) {
      return now < first ? 0 : Math.floor((now - first) / period) + 1;
    },
    entry(now, n) {
      if (n < 1 || n > this.entriesInUse(now)) return undefined;
      // Entry numbers count intervals as if none were missing: a simplification of the simulator.
      const ts = first + (n - 1) * period;
      const values = row(ts);
      return values ? { ts, values } : undefined;
    },
  };
}

/** An event log: each event kind recurs every `everyH` hours from `startMs`. */
function eventProfile(startMs: number, kinds: { everyH: number; code: number }[], stamp: (ms: number) => Uint8Array = dateTimeOctets): SimProfile {
  const eventsUpTo = (toMs: number) => {
    const events: { ts: number; code: number }[] = [];
    for (const k of kinds) {
      for (let ts = startMs + k.everyH * HOUR; ts <= toMs; ts += k.everyH * HOUR) events.push({ ts: Math.round(ts / 1000) * 1000, code: k.code });
    }
    return events.sort((a, b) => a.ts - b.ts);
  };
  const values = (e: { ts: number; code: number }) => [octets(stamp(e.ts)), u8(e.code)];
  return {
    capturePeriodS: 0,
    captureObjects: [
      { classId: 8, obis: '0.0.1.0.0.255', attribute: 2, dataIndex: 0 },
      { classId: 1, obis: '0.0.96.11.0.255', attribute: 2, dataIndex: 0 },
    ],
    rows(fromMs, toMs, limit) {
      return eventsUpTo(toMs)
        .filter((e) => e.ts >= fromMs)
        .slice(0, limit)
        .map((e) => ({ ts: e.ts, values: values(e) }));
    },
    entriesInUse(now) {
      return eventsUpTo(now).length;
    },
    entry(now, n) {
      const e = eventsUpTo(now)[n - 1];
      return e ? { ts: e.ts, values: values(e) } : undefined;
    },
  };
}
