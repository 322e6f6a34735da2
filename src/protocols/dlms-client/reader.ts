import { MeterError, ProtocolError } from '../../core/errors';
import type { ReadResult } from '../dlms/apdu/types';
import type { DlmsData } from '../dlms/axdr/types';
import { snAttributeAddress } from '../cosem/classes';
import { obisKey } from '../cosem/obis';
import { type SnObjectEntry, decodeObjectListSN } from '../cosem/object-list';
import { classCandidates } from '../cosem/signal';
import { CheckedLists, type ListOps, type Outcome } from './checked-lists';
import { ClassDiscovery, absentError, slot } from './class-discovery';
import { Plan } from './read-plan';
import { MeterKnowledge } from './knowledge';
import { type DlmsServices, unwrapReadResult } from './services';

export { MeterKnowledge };
export type { ProfileMeta, MeterKnowledgeData, MeterKnowledgeStore } from './knowledge';

/** One value to read: an attribute of an object, by logical name (and, for SN, optionally its short name). */
export interface ValueRequest {
  obis: Uint8Array;
  attribute: number;
  /** Interface class when known (configured `class_id`, a profile's capture objects); discovered otherwise. */
  classId?: number;
  /** SN referencing: the object's base name when configured (`short_name`), else resolved from the object list. */
  shortName?: number;
}

export interface ValueResult {
  /** The raw A-XDR value, when read. */
  data?: DlmsData;
  /** Scaled value and unit symbol, for Register / Extended / Demand register values. */
  scaled?: { value: number | string; unit: string; scaler: number };
  classId?: number;
  error?: MeterError;
}

/** What a meter allows, from the negotiated conformance block and the AARE. */
export interface ReadCapabilities {
  referencing: 'LN' | 'SN';
  /** GET-with-list / READ with several variables. */
  multipleReferences: boolean;
  serverMaxPdu: number;
}

// GET-with-list request: C0 03 invoke count + per item class(2) obis(6) attribute(1) no-access(1).
const LIST_HEADER = 4 + 3;
const LIST_ITEM = 10;
// READ request: 05 count + per item 02 short-name(2).
const READ_HEADER = 3 + 3;
const READ_ITEM = 3;

const LOGICAL_DEVICE_NAME = Uint8Array.from([0, 0, 42, 0, 0, 255]);

/**
 * Reads a set of attributes with the fewest round trips the meter allows and believes nothing unchecked:
 * every attribute goes in lists sized to the PDU and to what the meter has shown it takes
 * (checked-lists.ts), those whose class is only guessed from the OBIS code too; a guess the meter refuses
 * goes through class discovery afterwards (class-discovery.ts). scaler_unit attributes join the lists the
 * first time only. Results are handed to `progress` as each one is complete, so a caller keeps everything
 * read before a dropped link.
 */
export class AttributeReader {
  private readonly lists: CheckedLists;
  private readonly discovery: ClassDiscovery;

  constructor(
    private readonly services: DlmsServices,
    private readonly caps: ReadCapabilities,
    private readonly known: MeterKnowledge,
    /** Largest number of attributes per list request, whatever the PDU allows (meters have limits too). */
    maxListItems = 64,
  ) {
    const sn = caps.referencing === 'SN';
    const pduItems = sn
      ? Math.floor((caps.serverMaxPdu - READ_HEADER) / READ_ITEM)
      : Math.floor((caps.serverMaxPdu - LIST_HEADER) / LIST_ITEM);
    this.lists = new CheckedLists(
      known,
      { multiple: caps.multipleReferences, pduItems: Math.max(1, pduItems), maxListItems },
      sn ? snOps(services) : lnOps(services),
      services.log,
    );
    this.discovery = new ClassDiscovery(services, known, this.lists, services.log);
  }

  /**
   * One result per request, per-item errors inside. `progress[i]` is set when request i is complete;
   * a failure of the session itself (link lost, silence) is thrown after that.
   */
  async read(requests: ValueRequest[], progress: (ValueResult | undefined)[] = []): Promise<ValueResult[]> {
    if (this.identityPending) return this.readWithIdentity(requests, progress);
    // The same attribute asked twice (two signals on one value) is read once: both get the same answer.
    const unique = new Map<string, number>();
    const firstOf = requests.map((r) => {
      const k = `${obisKey(r.obis)}:${r.attribute}:${r.classId ?? ''}:${r.shortName ?? ''}`;
      const at = unique.get(k);
      if (at !== undefined) return at;
      unique.set(k, unique.size);
      return unique.size - 1;
    });
    if (unique.size === requests.length) return this.readUnique(requests, progress);
    const distinct = requests.filter((_, i) => firstOf.indexOf(firstOf[i]) === i);
    const inner: (ValueResult | undefined)[] = [];
    try {
      const results = await this.readUnique(distinct, inner);
      return firstOf.map((u) => results[u]);
    } finally {
      firstOf.forEach((u, i) => {
        if (inner[u] !== undefined) progress[i] = inner[u];
      });
    }
  }

  private async readUnique(requests: ValueRequest[], progress: (ValueResult | undefined)[]): Promise<ValueResult[]> {
    const results: ValueResult[] = requests.map(() => ({}));
    const plan = new Plan(requests, results, progress, this.known);
    if (this.caps.referencing === 'SN') await this.planSN(plan);
    else this.planLN(plan);
    plan.compact();
    await this.lists.readAll(plan.slots, (k, answer) => plan.settle(k, answer));
    // Guessed classes the meter refused: class discovery for those only, then their scalers in one list.
    const redo = plan.takeRedo();
    if (redo.length > 0) {
      const from = plan.slots.length;
      for (const [index, refused] of redo) {
        const req = requests[index];
        plan.rediscovered(index, await this.discovery.read(req.obis, req.attribute, refused));
      }
      await this.lists.readAll(plan.slots.slice(from), (k, answer) => plan.settle(from + k, answer));
    }
    plan.finishAll();
    return results;
  }

  /**
   * Check the meter is the one the knowledge was learnt from (its logical device name); forget everything
   * learnt when it is not. Returns false when the knowledge was dropped.
   */
  async checkIdentity(): Promise<boolean> {
    this.identityPending = false;
    const [ldn] = await this.read([{ obis: LOGICAL_DEVICE_NAME, attribute: 2, classId: 1 }]);
    return this.adoptIdentity(ldn);
  }

  private identityPending = false;

  /**
   * Check the identity (checkIdentity) in the next read instead of a request of its own: the logical device
   * name rides last in its list (an error item there poisons nothing). Until then nothing read is handed out
   * under knowledge that may belong to another meter.
   */
  deferIdentityCheck(): void {
    this.identityPending = true;
  }

  get identityCheckPending(): boolean {
    return this.identityPending;
  }

  private async readWithIdentity(requests: ValueRequest[], progress: (ValueResult | undefined)[]): Promise<ValueResult[]> {
    this.identityPending = false;
    const asked = requests.findIndex((r) => r.attribute === 2 && (r.classId ?? 1) === 1 && obisKey(r.obis) === obisKey(LOGICAL_DEVICE_NAME));
    const all = asked >= 0 ? requests : [...requests, { obis: LOGICAL_DEVICE_NAME, attribute: 2, classId: 1 }];
    // Knowledge learnt under no name cannot belong to another meter: what was read stands even if the read fails.
    const trusted = this.known.identity === undefined;
    const inner: (ValueResult | undefined)[] = [];
    let results: ValueResult[];
    try {
      results = await this.read(all, inner);
    } catch (e) {
      if (trusted) requests.forEach((_, i) => inner[i] !== undefined && (progress[i] = inner[i]));
      this.identityPending = true;
      throw e;
    }
    if (this.adoptIdentity(results[asked >= 0 ? asked : requests.length])) {
      requests.forEach((_, i) => inner[i] !== undefined && (progress[i] = inner[i]));
      return results.slice(0, requests.length);
    }
    // What was learnt belonged to another meter (and is forgotten now): read again without it.
    return this.read(requests, progress);
  }

  /** Take the logical device name read; false when it differs from the knowledge's, which is then forgotten. */
  private adoptIdentity(ldn: ValueResult | undefined): boolean {
    if (!ldn?.data) return true; // a meter without a readable name: nothing to compare
    const identity = identityOf(ldn.data);
    if (this.known.identity === identity) return true;
    const had = this.known.identity !== undefined;
    if (had) {
      this.services.log?.(3, `The meter's logical device name changed (${this.known.identity} → ${identity}): forgetting what was learnt about it.`);
      this.known.clear();
    }
    this.known.identity = identity;
    this.known.dirty = true;
    return !had;
  }

  // ---- LN ------------------------------------------------------------------------------------------

  /**
   * Every value in the lists, the confirmed classes and the guessed ones alike, with the scalers not known
   * yet: the first read of a meter takes as many round trips as a later poll. A guessed class the meter
   * refuses (or answers with a value the class does not allow) is handed back by the checked lists without
   * poisoning the others, and goes through class discovery afterwards (readUnique).
   */
  private planLN(plan: Plan): void {
    for (const [index, req] of plan.requests.entries()) {
      const key = obisKey(req.obis);
      const classId = req.classId ?? this.known.confirmedClass(key);
      if (classId !== undefined) {
        plan.addValue(index, slot(classId, req.obis, req.attribute));
        continue;
      }
      if (this.known.objectList) {
        // The meter's object list was read and does not hold it.
        plan.fail(index, absentError(req.obis));
        continue;
      }
      plan.addValue(index, { ...slot(classCandidates(req.obis)[0], req.obis, req.attribute), guessed: true });
    }
  }

  // ---- SN ------------------------------------------------------------------------------------------

  private async planSN(plan: Plan): Promise<void> {
    const needList = plan.requests.some((r) => r.shortName === undefined || r.classId === undefined);
    if (needList && !this.known.snObjects) await this.loadSnObjects();
    for (const [index, req] of plan.requests.entries()) {
      const entry = this.known.snObjects?.find((o) => o.obis === obisKey(req.obis));
      const base = req.shortName ?? entry?.baseName;
      if (base === undefined) {
        plan.fail(index, new MeterError('OBJECT_UNDEFINED', `${obisKey(req.obis)} is not in the meter's object list.`));
        continue;
      }
      const confirmed = req.classId ?? entry?.classId;
      const s = slot(confirmed ?? classCandidates(req.obis)[0], req.obis, req.attribute, confirmed !== undefined);
      s.name = snAttributeAddress(base, req.attribute);
      plan.addValue(index, s, false, base);
    }
  }

  /** The association's object list (SN: attribute 2 of the association object at base name 0xFA00). */
  async loadSnObjects(): Promise<SnObjectEntry[]> {
    const [answer] = await this.services.read([{ type: 'variable-name', name: 0xfa00 + 8 }]);
    this.known.snObjects = decodeObjectListSN(unwrapReadResult(answer));
    this.known.dirty = true;
    return this.known.snObjects;
  }
}

function lnOps(services: DlmsServices): ListOps {
  return {
    list: (slots) => services.getList(slots.map((s) => ({ attribute: { classId: s.classId, obis: s.obis, attributeId: s.attribute } }))),
    single: (s) => services.getResult({ classId: s.classId, obis: s.obis, attributeId: s.attribute }),
  };
}

function snOps(services: DlmsServices): ListOps {
  const one = (r: ReadResult): Outcome => {
    if (r.type === 'data' || r.type === 'error') return r;
    throw new ProtocolError('PROTOCOL', `Unexpected ${r.type} for a single variable.`);
  };
  return {
    list: async (slots) => (await services.read(slots.map((s) => ({ type: 'variable-name' as const, name: s.name ?? 0 })))).map(one),
    single: async (s) => one((await services.read([{ type: 'variable-name', name: s.name ?? 0 }]))[0]),
  };
}

function identityOf(d: DlmsData): string {
  if (d.type === 'octet-string') return Array.from(d.value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (d.type === 'visible-string' || d.type === 'utf8-string') return d.value;
  return JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v));
}
