/**
 * The bookkeeping of one AttributeReader read: which slot answers which request, which scalers a value
 * waits for, which guessed classes were refused and wait for class discovery, and when a request is
 * complete (its value settled and its scaler known or failed) to be handed to `progress`.
 */
import { MeterError, toMeterError } from '../../core/errors';
import { scalerAttributeFor, snAttributeAddress } from '../cosem/classes';
import { obisKey } from '../cosem/obis';
import { applyScalerUnit, decodeScalerUnit } from '../cosem/scaler';
import { type Answer, type Slot, isClassRefusal } from './checked-lists';
import { type Discovered, slot } from './class-discovery';
import type { MeterKnowledge } from './knowledge';
import type { ValueRequest, ValueResult } from './reader';

/**
 * The slots of one read and how their answers come together: a request is complete when its value is
 * settled and its scaler (when its class has one) is known or has failed.
 */
export class Plan {
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
          const sc: Slot = { ...slot(s.classId, s.obis, sAttr), ...(s.guessed ? { guessed: true } : {}) };
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

  /** Requests whose guessed class the meter refused, with that refusal: for class discovery. */
  private readonly redo = new Map<number, Answer>();

  takeRedo(): [number, Answer][] {
    return [...this.redo];
  }

  /** What class discovery found for a redone request: its value, and its scaler slot when still needed. */
  rediscovered(index: number, found: Discovered): void {
    this.redo.delete(index);
    this.results[index].classId = found.classId;
    if (found.answer.type === 'error') {
      this.fail(index, found.answer.error);
      return;
    }
    const req = this.requests[index];
    this.settle(this.addValue(index, slot(found.classId, req.obis, req.attribute), true), found.answer);
  }

  /** A guessed class was refused (for the value or its scaler): the value waits for class discovery. */
  private refused(index: number, answer: Answer): void {
    if (this.done.has(index) || this.redo.has(index)) return;
    delete this.results[index].data;
    this.waiting.delete(index);
    this.redo.set(index, answer);
  }

  /** Slot k's checked answer (a negative k names a request whose value was read outside the slots). */
  settle(k: number, answer: Answer): void {
    if (k < 0) {
      this.putValue(-1 - k, answer);
      return;
    }
    const o = this.owner[k];
    const s = this.slots[k];
    if (s.guessed && isClassRefusal(answer)) {
      if (o.kind === 'value') this.refused(o.index, answer);
      if (o.kind === 'scaler' || o.alsoScaler) {
        // Asked again under the class discovery finds (a new scaler slot then).
        this.scalerSlot.delete(s.key);
        for (const [index, wanted] of [...this.waiting]) if (wanted === s.key) this.refused(index, answer);
      }
      return;
    }
    if (o.kind === 'value' && this.redo.has(o.index)) return;
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
    if (this.redo.has(index)) return;
    if (answer.type === 'data') res.data = answer.value;
    else res.error = answer.error;
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
    // A class is confirmed by a good value whose scaler (if its class has one) checked out as well.
    const key = obisKey(req.obis);
    if (res.data !== undefined && res.error === undefined && res.classId !== undefined && req.classId === undefined && this.known.classes.get(key) === undefined) {
      this.known.classes.set(key, res.classId);
      this.known.dirty = true;
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
