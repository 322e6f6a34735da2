/**
 * What a client learns about one meter and keeps across polls, reconnects and (through a store at the
 * edge: IndexedDB in the app, a JSON file in the CLI) across sessions: scalers, the interface class of each
 * object, the classes of the association's object list, and how far the meter's list answers can be
 * trusted. Plain data in and out (`serialise` / `restore`), so the protocol code stays free of I/O.
 */
import type { SnObjectEntry } from '../cosem/object-list';
import type { CaptureObject } from '../cosem/profile';
import type { ScalerUnit } from '../cosem/scaler';

/** What a profile's buffer needs to be decoded: read once per meter. */
export interface ProfileMeta {
  captureObjects: CaptureObject[];
  capturePeriodS: number;
  scalers: (ScalerUnit | undefined)[];
  clockColumn: CaptureObject | undefined;
}

/**
 * How GET-with-list / multi-variable READ behave on this meter. `on` until a list answer failed a check;
 * `off` when a failure came without size (a malformed answer, a wrong type, a drop); `maxItems` when the
 * failure came with size (a cut answer, pdu-too-long): the largest size that worked is kept.
 */
export interface ListPolicy {
  mode: 'on' | 'off';
  /** Most items per list request this meter is trusted with (absent: only the PDU limits it). */
  maxItems?: number;
  /** Largest list that came back right so far. */
  largestWorked?: number;
  /** Why lists were turned off or shrunk, for the trace and the device page. */
  reason?: string;
}

/** The persisted form: JSON-safe, versioned so a newer app can drop what it cannot read. */
export interface MeterKnowledgeData {
  version: 1;
  /** The meter's identity when the knowledge was learnt (logical device name, hex). */
  identity?: string;
  /** OBIS key → class confirmed by a good read or by a signal's class_id. */
  classes: Record<string, number>;
  /** OBIS key → class from the current association's object_list (LN), when it has been read. */
  objectList?: Record<string, number>;
  /** The meter refused its object list: class discovery falls back to guessing. */
  objectListRefused?: boolean;
  /** `obis:attribute` → scaler_unit. */
  scalers: Record<string, ScalerUnit>;
  lists: ListPolicy;
  /** `obis:attribute` keys the meter answered with an error: kept out of lists (an error item can poison the rest). */
  errorsInLists: string[];
  /** `obis:attribute` keys whose list item had a type the class does not allow (e.g. wrapped twice): read singly. */
  wrongInLists?: string[];
  /** SN object list: [base name, class, version, dotted OBIS] per object. */
  snObjects?: [number, number, number, string][];
}

/**
 * Per-meter memory. Scalers are read once per meter, never per poll; an object's class is confirmed once;
 * the object list is read at most once per meter (and only when a class guess failed).
 */
export class MeterKnowledge {
  readonly scalers = new Map<string, ScalerUnit>();
  /** Classes confirmed by a good read or configured (class_id). */
  readonly classes = new Map<string, number>();
  readonly profiles = new Map<string, ProfileMeta>();
  snObjects?: SnObjectEntry[];
  /** LN object list classes, once read (undefined: not read yet). */
  objectList?: Map<string, number>;
  objectListRefused = false;
  lists: ListPolicy = { mode: 'on' };
  readonly errorsInLists = new Set<string>();
  readonly wrongInLists = new Set<string>();
  identity?: string;
  /** Set whenever something worth persisting changed; the edge clears it after saving. */
  dirty = false;
  /** The note for the device page was given (once per knowledge, not per poll). */
  listNoteGiven = false;

  clear(): void {
    this.scalers.clear();
    this.classes.clear();
    this.profiles.clear();
    this.snObjects = undefined;
    this.objectList = undefined;
    this.objectListRefused = false;
    this.lists = { mode: 'on' };
    this.errorsInLists.clear();
    this.wrongInLists.clear();
    this.identity = undefined;
    this.listNoteGiven = false;
    this.dirty = true;
  }

  /** The class of an object when known for sure (a good read, class_id, the object list). */
  confirmedClass(key: string): number | undefined {
    return this.classes.get(key) ?? this.objectList?.get(key);
  }

  /** A plain-language note for the device page when lists are not used as offered, else undefined. */
  get listNote(): string | undefined {
    if (this.lists.mode === 'off') return 'This meter answers lists unreliably: reading one by one.';
    const wrong = this.wrongInLists.size;
    if (wrong > 0) return `This meter answers lists unreliably: reading ${wrong} attribute${wrong === 1 ? '' : 's'} one by one.`;
    if (this.lists.maxItems !== undefined) return `This meter answers long lists unreliably: at most ${this.lists.maxItems} attributes per request.`;
    return undefined;
  }

  serialise(): MeterKnowledgeData {
    const data: MeterKnowledgeData = {
      version: 1,
      classes: Object.fromEntries(this.classes),
      scalers: Object.fromEntries([...this.scalers].map(([k, v]) => [k, { scaler: v.scaler, unit: v.unit }])),
      lists: { ...this.lists },
      errorsInLists: [...this.errorsInLists],
    };
    if (this.wrongInLists.size > 0) data.wrongInLists = [...this.wrongInLists];
    if (this.snObjects) data.snObjects = this.snObjects.map((o) => [o.baseName, o.classId, o.version, o.obis]);
    if (this.identity !== undefined) data.identity = this.identity;
    if (this.objectList) data.objectList = Object.fromEntries(this.objectList);
    if (this.objectListRefused) data.objectListRefused = true;
    return data;
  }

  /** Take over persisted knowledge; anything malformed is ignored (it is only a cache of the meter). */
  restore(data: unknown): void {
    if (!isRecord(data) || data.version !== 1) return;
    this.clear();
    this.dirty = false;
    for (const [k, v] of entries(data.classes)) if (isClassId(v)) this.classes.set(k, v);
    for (const [k, v] of entries(data.scalers)) {
      if (isRecord(v) && isInt(v.scaler, -128, 127) && isInt(v.unit, 0, 255)) this.scalers.set(k, { scaler: v.scaler, unit: v.unit });
    }
    if (isRecord(data.objectList)) {
      this.objectList = new Map();
      for (const [k, v] of entries(data.objectList)) if (isClassId(v)) this.objectList.set(k, v);
    }
    this.objectListRefused = data.objectListRefused === true;
    const l = data.lists;
    if (isRecord(l) && (l.mode === 'on' || l.mode === 'off')) {
      this.lists = { mode: l.mode };
      if (isInt(l.maxItems, 1, 10_000)) this.lists.maxItems = l.maxItems;
      if (isInt(l.largestWorked, 1, 10_000)) this.lists.largestWorked = l.largestWorked;
      if (typeof l.reason === 'string') this.lists.reason = l.reason;
    }
    if (Array.isArray(data.errorsInLists)) for (const k of data.errorsInLists) if (typeof k === 'string') this.errorsInLists.add(k);
    if (Array.isArray(data.wrongInLists)) for (const k of data.wrongInLists) if (typeof k === 'string') this.wrongInLists.add(k);
    if (typeof data.identity === 'string') this.identity = data.identity;
    if (Array.isArray(data.snObjects)) {
      const list: SnObjectEntry[] = [];
      for (const e of data.snObjects) {
        if (!Array.isArray(e) || !isInt(e[0], 0, 0xffff) || !isClassId(e[1]) || !isInt(e[2], 0, 255) || typeof e[3] !== 'string') continue;
        const bytes = e[3].split('.').map(Number);
        if (bytes.length !== 6 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) continue;
        list.push({ baseName: e[0], classId: e[1], version: e[2], logicalName: Uint8Array.from(bytes), obis: bytes.join('.') });
      }
      this.snObjects = list;
    }
  }
}

/** Where the edge keeps knowledge between sessions (IndexedDB, a file, memory in tests). */
export interface MeterKnowledgeStore {
  load(meterKey: string): Promise<MeterKnowledgeData | undefined>;
  save(meterKey: string, data: MeterKnowledgeData): Promise<void>;
}

export class MemoryKnowledgeStore implements MeterKnowledgeStore {
  readonly data = new Map<string, string>();
  async load(meterKey: string): Promise<MeterKnowledgeData | undefined> {
    const s = this.data.get(meterKey);
    return s === undefined ? undefined : (JSON.parse(s) as MeterKnowledgeData);
  }
  async save(meterKey: string, data: MeterKnowledgeData): Promise<void> {
    // Through JSON, as the real stores do: what cannot survive that must not be relied on.
    this.data.set(meterKey, JSON.stringify(data));
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entries(v: unknown): [string, unknown][] {
  return isRecord(v) ? Object.entries(v) : [];
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isClassId(v: unknown): v is number {
  return isInt(v, 0, 0xffff);
}
