import { MeterError, toMeterError } from '../../core/errors';
import type { AttributeDescriptor, AttributeWithSelection, GetDataResult, ReadResult, VariableAccess } from '../dlms/apdu/types';
import { dataAccessErrorToMeterError } from '../dlms/apdu/results';
import type { DlmsData } from '../dlms/axdr/types';
import { scalerAttributeFor, snAttributeAddress } from '../cosem/classes';
import { obisKey } from '../cosem/obis';
import { type SnObjectEntry, decodeObjectListSN } from '../cosem/object-list';
import type { CaptureObject } from '../cosem/profile';
import { type ScalerUnit, applyScalerUnit, decodeScalerUnit } from '../cosem/scaler';
import { classCandidates } from '../cosem/signal';
import { type DlmsServices, unwrapReadResult } from './services';

/** One value to read: an attribute of an object, by logical name (and, for SN, optionally its short name). */
export interface ValueRequest {
  obis: Uint8Array;
  attribute: number;
  /** Interface class when known; guessed from the OBIS code otherwise. */
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

/**
 * Per-meter memory that survives between polls and reconnects: scalers, the class each OBIS code turned
 * out to have, the SN object list. Scalers are read once per meter, never per poll.
 */
export class MeterKnowledge {
  readonly scalers = new Map<string, ScalerUnit>();
  readonly classes = new Map<string, number>();
  readonly profiles = new Map<string, ProfileMeta>();
  snObjects?: SnObjectEntry[];

  clear(): void {
    this.scalers.clear();
    this.classes.clear();
    this.profiles.clear();
    this.snObjects = undefined;
  }
}

/** What a profile's buffer needs to be decoded: read once per meter. */
export interface ProfileMeta {
  captureObjects: CaptureObject[];
  capturePeriodS: number;
  scalers: (ScalerUnit | undefined)[];
  clockColumn: CaptureObject | undefined;
}

// GET-with-list request: C0 03 invoke count + per item class(2) obis(6) attribute(1) no-access(1).
const LIST_HEADER = 4 + 3;
const LIST_ITEM = 10;
// READ request: 05 count + per item 02 short-name(2).
const READ_HEADER = 3 + 3;
const READ_ITEM = 3;

/**
 * Reads a set of attributes with the fewest round trips the meter allows: one GET-with-list (or multi-
 * variable READ) per PDU-full of attributes, scaler_unit attributes joined in the same requests the first
 * time only, single GETs when the meter offers no multiple references. A wrong class guess that the meter
 * answers with object-undefined is retried with the next plausible class, once, and remembered.
 */
export class AttributeReader {
  constructor(
    private readonly services: DlmsServices,
    private readonly caps: ReadCapabilities,
    private readonly known: MeterKnowledge,
    /** Largest number of attributes per list request, whatever the PDU allows (meters have limits too). */
    private readonly maxListItems = 32,
  ) {}

  async read(requests: ValueRequest[]): Promise<ValueResult[]> {
    return this.caps.referencing === 'SN' ? this.readSN(requests) : this.readLN(requests);
  }

  // ---- LN ------------------------------------------------------------------------------------------

  private async readLN(requests: ValueRequest[]): Promise<ValueResult[]> {
    const results: ValueResult[] = requests.map(() => ({}));
    type Item = { kind: 'value' | 'scaler'; index: number; attr: AttributeDescriptor };
    const items: Item[] = [];
    const scalerWanted = new Set<string>();
    requests.forEach((req, index) => {
      const classId = this.classFor(req);
      results[index].classId = classId;
      items.push({ kind: 'value', index, attr: { classId, obis: req.obis, attributeId: req.attribute } });
      const sAttr = scalerAttributeFor(classId, req.attribute);
      const key = scalerKey(req.obis, sAttr);
      if (sAttr !== undefined && !this.known.scalers.has(key) && !scalerWanted.has(key)) {
        scalerWanted.add(key);
        items.push({ kind: 'scaler', index, attr: { classId, obis: req.obis, attributeId: sAttr } });
      }
    });

    const answers = await this.getMany(items.map((i) => ({ attribute: i.attr })));
    items.forEach((item, k) => {
      const answer = answers[k];
      const res = results[item.index];
      if (item.kind === 'value') {
        if (answer.type === 'data') res.data = answer.value;
        else res.error = dataAccessErrorToMeterError(answer.result);
      } else if (answer.type === 'data') {
        try {
          this.known.scalers.set(scalerKey(item.attr.obis, item.attr.attributeId), decodeScalerUnit(answer.value));
        } catch {
          // A scaler_unit the meter encodes wrongly leaves the value unscaled rather than failing it.
        }
      }
    });

    // Second chance for wrong class guesses.
    const retry = requests
      .map((req, index) => ({ req, index }))
      .filter(({ req, index }) => req.classId === undefined && isClassMismatch(results[index].error));
    for (const { req, index } of retry) {
      const tried = results[index].classId;
      for (const classId of classCandidates(req.obis).filter((c) => c !== tried)) {
        try {
          const data = await this.services.get({ classId, obis: req.obis, attributeId: req.attribute });
          results[index] = { data, classId };
          const sAttr = scalerAttributeFor(classId, req.attribute);
          if (sAttr !== undefined && !this.known.scalers.has(scalerKey(req.obis, sAttr))) {
            const su = await this.services.get({ classId, obis: req.obis, attributeId: sAttr });
            this.known.scalers.set(scalerKey(req.obis, sAttr), decodeScalerUnit(su));
          }
          break;
        } catch (e) {
          const err = toMeterError(e);
          if (!isClassMismatch(err)) {
            results[index] = { classId, error: err };
            break;
          }
        }
      }
    }

    requests.forEach((req, index) => {
      const res = results[index];
      if (res.data !== undefined && res.classId !== undefined && res.error === undefined) this.known.classes.set(obisKey(req.obis), res.classId);
    });
    return this.scale(requests, results);
  }

  /** Apply the known scaler_unit to every value whose class has one. */
  private scale(requests: ValueRequest[], results: ValueResult[]): ValueResult[] {
    requests.forEach((req, index) => {
      const res = results[index];
      if (res.data === undefined || res.classId === undefined) return;
      const sAttr = scalerAttributeFor(res.classId, req.attribute);
      const su = sAttr === undefined ? undefined : this.known.scalers.get(scalerKey(req.obis, sAttr));
      if (su) {
        try {
          res.scaled = applyScalerUnit(res.data, su);
        } catch (e) {
          res.error = toMeterError(e);
        }
      }
    });
    return results;
  }

  private classFor(req: ValueRequest): number {
    return req.classId ?? this.known.classes.get(obisKey(req.obis)) ?? classCandidates(req.obis)[0];
  }

  /** Results for every item, in order, using GET-with-list chunks when allowed. */
  private async getMany(items: AttributeWithSelection[]): Promise<GetDataResult[]> {
    if (items.length === 0) return [];
    if (!this.caps.multipleReferences || items.length === 1) {
      const out: GetDataResult[] = [];
      for (const item of items) out.push(await this.services.getResult(item.attribute, item.access));
      return out;
    }
    const perPdu = Math.max(1, Math.min(this.maxListItems, Math.floor((this.caps.serverMaxPdu - LIST_HEADER) / LIST_ITEM)));
    const out: GetDataResult[] = [];
    for (let i = 0; i < items.length; i += perPdu) {
      const chunk = items.slice(i, i + perPdu);
      out.push(...(chunk.length === 1 ? await this.getMany(chunk) : await this.services.getList(chunk)));
    }
    return out;
  }

  // ---- SN ------------------------------------------------------------------------------------------

  private async readSN(requests: ValueRequest[]): Promise<ValueResult[]> {
    const results: ValueResult[] = requests.map(() => ({}));
    const needList = requests.some((r) => r.shortName === undefined) || requests.some((r) => r.classId === undefined);
    if (needList && !this.known.snObjects) await this.loadSnObjects();
    type Item = { kind: 'value' | 'scaler'; index: number; name: number; obis: Uint8Array; attribute: number };
    const items: Item[] = [];
    requests.forEach((req, index) => {
      const entry = this.known.snObjects?.find((o) => obisKey(o.logicalName) === obisKey(req.obis));
      const base = req.shortName ?? entry?.baseName;
      if (base === undefined) {
        results[index].error = new MeterError('OBJECT_UNDEFINED', `${obisText(req.obis)} is not in the meter's object list.`);
        return;
      }
      const classId = req.classId ?? entry?.classId ?? classCandidates(req.obis)[0];
      results[index].classId = classId;
      items.push({ kind: 'value', index, name: snAttributeAddress(base, req.attribute), obis: req.obis, attribute: req.attribute });
      const sAttr = scalerAttributeFor(classId, req.attribute);
      if (sAttr !== undefined && !this.known.scalers.has(scalerKey(req.obis, sAttr))) {
        items.push({ kind: 'scaler', index, name: snAttributeAddress(base, sAttr), obis: req.obis, attribute: sAttr });
      }
    });
    const answers = await this.readMany(items.map((i) => ({ type: 'variable-name', name: i.name })));
    items.forEach((item, k) => {
      const answer = answers[k];
      const res = results[item.index];
      if (item.kind === 'value') {
        if (answer.type === 'data') res.data = answer.value;
        else if (answer.type === 'error') res.error = dataAccessErrorToMeterError(answer.result);
        else res.error = new MeterError('PROTOCOL', `Unexpected ${answer.type} for a single variable.`);
      } else if (answer.type === 'data') {
        try {
          this.known.scalers.set(scalerKey(item.obis, item.attribute), decodeScalerUnit(answer.value));
        } catch {
          // Unscaled rather than failed, as for LN.
        }
      }
    });
    return this.scale(requests, results);
  }

  /** The association's object list (SN: attribute 2 of the association object at base name 0xFA00). */
  async loadSnObjects(): Promise<SnObjectEntry[]> {
    const [answer] = await this.services.read([{ type: 'variable-name', name: 0xfa00 + 8 }]);
    this.known.snObjects = decodeObjectListSN(unwrapReadResult(answer));
    return this.known.snObjects;
  }

  private async readMany(items: VariableAccess[]): Promise<ReadResult[]> {
    if (items.length === 0) return [];
    const perPdu = this.caps.multipleReferences
      ? Math.max(1, Math.min(this.maxListItems, Math.floor((this.caps.serverMaxPdu - READ_HEADER) / READ_ITEM)))
      : 1;
    const out: ReadResult[] = [];
    for (let i = 0; i < items.length; i += perPdu) out.push(...(await this.services.read(items.slice(i, i + perPdu))));
    return out;
  }
}

function scalerKey(obis: Uint8Array, attribute: number | undefined): string {
  return `${obisKey(obis)}:${attribute ?? 0}`;
}

function obisText(obis: Uint8Array): string {
  return Array.from(obis).join('.');
}

/** Meters answer a GET with the wrong class as object-undefined or object-class-inconsistent. */
function isClassMismatch(err: MeterError | undefined): boolean {
  if (!err) return false;
  return err.code === 'OBJECT_UNDEFINED' || /object-class-inconsistent/.test(err.message);
}
