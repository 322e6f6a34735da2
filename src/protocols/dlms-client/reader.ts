import { MeterError, ProtocolError, toMeterError } from '../../core/errors';
import type { ReadResult } from '../dlms/apdu/types';
import type { DlmsData } from '../dlms/axdr/types';
import { scalerAttributeFor, snAttributeAddress } from '../cosem/classes';
import { obisKey } from '../cosem/obis';
import { type SnObjectEntry, decodeObjectListSN } from '../cosem/object-list';
import { applyScalerUnit, decodeScalerUnit } from '../cosem/scaler';
import { classCandidates } from '../cosem/signal';
import { type Answer, CheckedLists, type ListOps, type Outcome, type Slot } from './checked-lists';
import { ClassDiscovery, slot } from './class-discovery';
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
 * attributes whose class is confirmed go in lists sized to the PDU and to what the meter has shown it
 * takes (checked-lists.ts); the others are read singly first, with class discovery from the object list
 * (class-discovery.ts). scaler_unit attributes join the lists the first time only. Results are handed to
 * `progress` as each one is complete, so a caller keeps everything read before a dropped link.
 */
export class AttributeReader {
  private readonly lists: CheckedLists;
  private readonly discovery: ClassDiscovery;

  constructor(
    private readonly services: DlmsServices,
    private readonly caps: ReadCapabilities,
    private readonly known: MeterKnowledge,
    /** Largest number of attributes per list request, whatever the PDU allows (meters have limits too). */
    maxListItems = 32,
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
    else await this.planLN(plan);
    plan.compact();
    await this.lists.readAll(plan.slots, (k, answer) => plan.settle(k, answer));
    plan.finishAll();
    return results;
  }

  /**
   * Check the meter is the one the knowledge was learnt from (its logical device name); forget everything
   * learnt when it is not. Returns false when the knowledge was dropped.
   */
  async checkIdentity(): Promise<boolean> {
    const [ldn] = await this.read([{ obis: LOGICAL_DEVICE_NAME, attribute: 2, classId: 1 }]);
    if (!ldn.data) return true; // a meter without a readable name: nothing to compare
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

  private async planLN(plan: Plan): Promise<void> {
    for (const [index, req] of plan.requests.entries()) {
      const key = obisKey(req.obis);
      const classId = req.classId ?? this.known.confirmedClass(key);
      if (classId !== undefined) {
        plan.addValue(index, slot(classId, req.obis, req.attribute));
        continue;
      }
      // Not confirmed: one GET on its own (a wrong guess inside a list can poison the items after it).
      const found = await this.discovery.read(req.obis, req.attribute);
      plan.results[index].classId = found.classId;
      if (found.answer.type === 'error') plan.fail(index, found.answer.error);
      else plan.settle(plan.addValue(index, slot(found.classId, req.obis, req.attribute, false), true), found.answer);
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

/**
 * The slots of one read and how their answers come together: a request is complete when its value is
 * settled and its scaler (when its class has one) is known or has failed.
 */
class Plan {
  readonly slots: Slot[] = [];
  private readonly owner: { index: number; kind: 'value' | 'scaler'; alsoScaler?: boolean }[] = [];
  private readonly scalerSlot = new Map<string, number>();
  private readonly waiting = new Map<number, string>();
  private readonly done = new Set<number>();

  constructor(
    readonly requests: ValueRequest[],
    readonly results: ValueResult[],
    private readonly progress: (ValueResult | undefined)[],
    private readonly known: MeterKnowledge,
  ) {}

  /** Add request `index`'s value slot (and its scaler slot when needed); returns the value slot number. */
  addValue(index: number, s: Slot, settledElsewhere = false, snBase?: number): number {
    this.results[index].classId = s.classId;
    const k = this.slots.length;
    if (!settledElsewhere) {
      this.slots.push(s);
      this.owner.push({ index, kind: 'value' });
    }
    const sAttr = scalerAttributeFor(s.classId, s.attribute);
    if (sAttr !== undefined) {
      const key = `${obisKey(s.obis)}:${sAttr}`;
      if (!this.known.scalers.has(key)) {
        this.waiting.set(index, key);
        if (!this.scalerSlot.has(key)) {
          const sc = slot(s.classId, s.obis, sAttr);
          if (snBase !== undefined) sc.name = snAttributeAddress(snBase, sAttr);
          this.scalerSlot.set(key, this.slots.length);
          this.slots.push(sc);
          this.owner.push({ index, kind: 'scaler' });
        }
      }
    }
    return settledElsewhere ? -1 - index : k;
  }

  fail(index: number, error: MeterError): void {
    this.results[index].error = error;
    this.complete(index);
  }

  /** A scaler_unit that is also asked for as a value (a whole-meter read) is read once, for both. */
  compact(): void {
    const valueAt = new Map<string, number>();
    this.slots.forEach((s, k) => {
      if (this.owner[k].kind === 'value') valueAt.set(s.key, k);
    });
    for (let k = this.slots.length - 1; k >= 0; k--) {
      const v = valueAt.get(this.slots[k].key);
      if (this.owner[k].kind !== 'scaler' || v === undefined || this.slots[v].classId !== this.slots[k].classId) continue;
      this.owner[v].alsoScaler = true;
      this.slots.splice(k, 1);
      this.owner.splice(k, 1);
      // Value slots after the removed one moved down by one.
      for (const [key, at] of valueAt) if (at > k) valueAt.set(key, at - 1);
    }
  }

  /** Slot k's checked answer (a negative k names a request whose value was read outside the slots). */
  settle(k: number, answer: Answer): void {
    if (k < 0) {
      this.putValue(-1 - k, answer);
      return;
    }
    const o = this.owner[k];
    if (o.kind === 'value') {
      this.putValue(o.index, answer);
      if (!o.alsoScaler) return;
    }
    const key = this.slots[k].key;
    if (answer.type === 'data') {
      try {
        this.known.scalers.set(key, decodeScalerUnit(answer.value));
        this.known.dirty = true;
      } catch (e) {
        this.scalerFailed(key, toMeterError(e));
      }
    } else this.scalerFailed(key, answer.error);
    for (const [index, wanted] of this.waiting) if (wanted === key) this.tryComplete(index);
  }

  private readonly scalerErrors = new Map<string, MeterError>();

  private scalerFailed(key: string, error: MeterError): void {
    // An unscaled register value is a wrong value (by a power of ten): the value is reported as failed.
    this.scalerErrors.set(key, new MeterError(error.code, `The scaler_unit (${key}) could not be read: ${error.message}`));
  }

  private putValue(index: number, answer: Answer): void {
    const res = this.results[index];
    if (answer.type === 'data') {
      res.data = answer.value;
      if (res.classId !== undefined && this.known.classes.get(obisKey(this.requests[index].obis)) === undefined && this.requests[index].classId === undefined) {
        this.known.classes.set(obisKey(this.requests[index].obis), res.classId);
        this.known.dirty = true;
      }
    } else res.error = answer.error;
    this.tryComplete(index);
  }

  private tryComplete(index: number): void {
    const res = this.results[index];
    if (this.done.has(index) || (res.data === undefined && res.error === undefined)) return;
    const wanted = this.waiting.get(index);
    if (res.data !== undefined && wanted !== undefined) {
      const failed = this.scalerErrors.get(wanted);
      if (failed) {
        delete res.data;
        res.error = failed;
      } else if (!this.known.scalers.has(wanted)) return;
    }
    this.complete(index);
  }

  private complete(index: number): void {
    const res = this.results[index];
    const req = this.requests[index];
    if (res.data !== undefined && res.classId !== undefined && res.error === undefined) {
      const sAttr = scalerAttributeFor(res.classId, req.attribute);
      const su = sAttr === undefined ? undefined : this.known.scalers.get(`${obisKey(req.obis)}:${sAttr}`);
      if (su) {
        try {
          res.scaled = applyScalerUnit(res.data, su);
        } catch (e) {
          delete res.data;
          res.error = toMeterError(e);
        }
      }
    }
    this.done.add(index);
    this.progress[index] = res;
  }

  /** Anything not settled by now was never answered (should not happen): say so rather than show nothing. */
  finishAll(): void {
    this.results.forEach((res, index) => {
      if (this.done.has(index)) return;
      if (res.data === undefined && res.error === undefined) res.error = new MeterError('PROTOCOL', 'No answer for this attribute.');
      this.waiting.delete(index);
      this.complete(index);
    });
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
