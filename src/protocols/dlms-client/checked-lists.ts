/**
 * GET-with-list (LN) and multi-variable READ (SN) that check every answer before believing it, fall back
 * to one request per attribute when an answer fails a check, and teach the meter's MeterKnowledge what
 * went wrong so the next request (and the next session) does not meet it again.
 *
 * Real meters cut list answers that do not fit, send items that do not decode, wrap an item twice, shift
 * the items that follow an error item, or drop the connection on a list they dislike. The rules:
 * - an answer that does not decode, an exception-response or confirmed-service-error, silence: the items of
 *   that request are read again one per request; lists go off for this meter (or get smaller when the
 *   failure came with size: a cut answer, pdu-too-long);
 * - an item whose type is not plausible for the attribute (answer-check.ts): the whole request is read
 *   again singly, and that attribute is read singly from now on (the item is known, unlike the one
 *   that broke an undecodable answer: lists stay on for the rest);
 * - an error item followed by further items: the items from the error on are read again singly (the ones
 *   before it passed their checks), and that attribute is kept out of lists from now on, so a meter that
 *   poisons the rest of a list after an error never gets the chance again;
 * - a dropped link: thrown on (the caller keeps what was read and re-establishes), lists off;
 * - an item whose class is only guessed (Slot.guessed) and is refused or implausible: handed back for class
 *   discovery, the items after it asked again in a list without it, nothing held against the meter's
 *   lists; a whole list refused with a guessed class in it is read one by one, lists kept on.
 */
import { MeterError, toMeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import { dataAccessErrorToMeterError } from '../dlms/apdu/results';
import type { DlmsData } from '../dlms/axdr/types';
import { implausibility } from './answer-check';
import type { MeterKnowledge } from './knowledge';
import { ListCutShort } from './services';

/** One attribute to read, in whichever referencing the association uses. */
export interface Slot {
  /** `obis:attribute`, the key of knowledge about this attribute. */
  key: string;
  classId: number;
  obis: Uint8Array;
  attribute: number;
  /** SN: the attribute's short name. */
  name?: number;
  /** False for attributes that must not ride in a list (SN objects not resolved from the object list). */
  listable: boolean;
  /**
   * The class is a guess from the OBIS code (cosem/signal.ts), not confirmed by a good read: a refusal of
   * this item says "wrong class", not "this meter garbles lists", so it is handed back for class discovery
   * without blaming the meter's lists, and the items after it are asked again in a list of their own.
   */
  guessed?: boolean;
}

/** What the meter said for one item, before checking. */
export type Outcome = { type: 'data'; value: DlmsData } | { type: 'error'; result: number };

/**
 * A checked answer: a plausible value, or a typed error. `dataAccessResult` is set when the meter itself
 * refused the attribute as named; `inList` when that refusal (or implausible value) came as a list item.
 */
export type Answer = { type: 'data'; value: DlmsData } | { type: 'error'; error: MeterError; dataAccessResult?: number; inList?: true };

/** The meter refused a guessed class, or answered it with a value the class does not allow: try another class. */
export function isClassRefusal(a: Answer): boolean {
  return a.type === 'error' && (a.dataAccessResult !== undefined || a.error.code === 'TYPE_MISMATCH');
}

export interface ListOps {
  list(slots: Slot[]): Promise<Outcome[]>;
  single(slot: Slot): Promise<Outcome>;
}

export interface ListLimits {
  /** The association allows several references per request. */
  multiple: boolean;
  /** How many items fit the meter's PDU. */
  pduItems: number;
  /** The client's own ceiling (meters have limits too). */
  maxListItems: number;
}

/** Failures of the session itself, not of one request: nothing more can be asked on this association. */
export function isSessionFailure(e: MeterError): boolean {
  return e.code === 'PORT_LOST' || e.code === 'CANCELLED' || e.code === 'TIMEOUT' || e.code === 'NO_ANSWER' || e.code === 'AUTH_FAILED';
}

export class CheckedLists {
  constructor(
    private readonly known: MeterKnowledge,
    private readonly limits: ListLimits,
    private readonly ops: ListOps,
    private readonly log?: SessionLog,
  ) {}

  /** The list size to use now: PDU, client ceiling and what this meter has been found to take. */
  listSize(): number {
    if (!this.limits.multiple || this.known.lists.mode === 'off') return 1;
    return Math.max(1, Math.min(this.limits.pduItems, this.limits.maxListItems, this.known.lists.maxItems ?? Infinity));
  }

  /**
   * Read every slot; `settle(i, answer)` is called as soon as slot i's answer is final, so a caller keeps
   * everything read before a failure that ends the session (which is thrown).
   */
  async readAll(slots: Slot[], settle: (index: number, answer: Answer) => void): Promise<void> {
    const listed: number[] = [];
    const single: number[] = [];
    slots.forEach((s, i) => (s.listable && !this.known.errorsInLists.has(s.key) && !this.known.wrongInLists.has(s.key) ? listed : single).push(i));
    await this.readListed(slots, listed, settle, single);
    for (const i of single) settle(i, await this.readSingle(slots[i]));
  }

  /** `indices` in lists of the size allowed now; a lone item left over joins `single` (or is read now). */
  private async readListed(slots: Slot[], indices: number[], settle: (index: number, answer: Answer) => void, single?: number[]): Promise<void> {
    let at = 0;
    while (at < indices.length) {
      const size = this.listSize();
      const chunk = indices.slice(at, at + size);
      at += chunk.length;
      if (chunk.length > 1) await this.readList(slots, chunk, settle);
      else if (single) single.push(chunk[0]);
      else settle(chunk[0], await this.readSingle(slots[chunk[0]]));
    }
  }

  /** One attribute, one request; its value checked like a list item's. Session failures are thrown. */
  async readSingle(slot: Slot): Promise<Answer> {
    let outcome: Outcome;
    try {
      outcome = await this.ops.single(slot);
    } catch (e) {
      const err = toMeterError(e);
      if (isSessionFailure(err)) throw err;
      return { type: 'error', error: err };
    }
    return check(slot, outcome);
  }

  private async readList(slots: Slot[], chunk: number[], settle: (index: number, answer: Answer) => void): Promise<void> {
    const asked = chunk.map((i) => slots[i]);
    let outcomes: Outcome[];
    try {
      outcomes = await this.ops.list(asked);
    } catch (e) {
      const err = toMeterError(e);
      if (err.code === 'CANCELLED' || err.code === 'AUTH_FAILED') throw err;
      if (err.code === 'PORT_LOST') {
        this.listsOff(`the meter dropped the connection on a list of ${asked.length} attributes`);
        throw err;
      }
      if (isSizeFailure(err) && (this.known.lists.largestWorked ?? 0) < asked.length) {
        this.shrink(asked.length, err.message, e instanceof ListCutShort ? e.answered : undefined);
      } else if (asked.some((s) => s.guessed)) {
        // Some meters refuse a whole list for one wrong class in it: not held against their lists (if lists
        // themselves fail, the next list, of confirmed classes only, turns them off).
        this.log?.(4, `A list naming classes not confirmed yet failed (${err.message}): its ${asked.length} items are read one by one.`);
      } else this.listsOff(`a list answer failed: ${err.message}`);
      for (const i of chunk) settle(i, await this.readSingle(slots[i]));
      return;
    }
    const answers = outcomes.map((o, k) => check(asked[k], o));
    // Items after an error item are not believed whatever they hold (some meters shift them), so only the
    // items before it can show the meter garbling a list.
    const firstError = outcomes.findIndex((o, k) => o.type === 'error' && k < outcomes.length - 1);
    const judged = firstError < 0 ? answers.length : firstError;
    const isWrong = (k: number): boolean => k < judged && answers[k].type === 'error' && outcomes[k].type === 'data';
    const wrong = answers.findIndex((_, k) => isWrong(k));
    if (wrong >= 0 && asked.every((s, k) => !isWrong(k) || s.guessed)) {
      // Only guessed classes answered with a value their class does not allow: a wrong guess (a meter that
      // ignores the class and answers another attribute), not a garbled list. Those go back for discovery;
      // the rest are not believed either (they came in the same answer) and are asked again in a list.
      const rest: number[] = [];
      chunk.forEach((i, k) => {
        if (isWrong(k)) settle(i, inList(answers[k]));
        else rest.push(i);
      });
      await this.readListed(slots, rest, settle);
      return;
    }
    if (wrong >= 0) {
      // The garbled items are known: they are read singly from now on; the request is read again singly.
      for (let k = 0; k < judged; k++) {
        const a = answers[k];
        if (a.type === 'error' && outcomes[k].type === 'data' && !asked[k].guessed) {
          this.known.wrongInLists.add(asked[k].key);
          this.log?.(3, `This meter answers lists unreliably (${a.error.message.replace(/^.*?: /, '')}): reading ${asked[k].key} one by one from now on.`);
        }
      }
      this.known.dirty = true;
      for (const i of chunk) settle(i, await this.readSingle(slots[i]));
      return;
    }
    if (firstError < 0) {
      this.worked(asked.length);
      answers.forEach((a, k) => settle(chunk[k], a.type === 'error' ? inList(a) : a));
      return;
    }
    for (let k = 0; k < firstError; k++) settle(chunk[k], answers[k]);
    if (asked[firstError].guessed) {
      // A guessed class refused: the meter said nothing about its lists. The items after it are not believed
      // (some meters shift them) and are asked again, in a list without the refused one.
      const refused = asked[firstError];
      settle(chunk[firstError], inList(answers[firstError]));
      // The same object under the same guessed class (its scaler) would be refused too: not asked again.
      const rest: number[] = [];
      for (const i of chunk.slice(firstError + 1)) {
        const s = slots[i];
        if (s.guessed && s.classId === refused.classId && sameObis(s.obis, refused.obis)) settle(i, inList(answers[firstError]));
        else rest.push(i);
      }
      await this.readListed(slots, rest, settle);
      return;
    }
    // An error item with items after it: those are not believed (some meters shift them), and the erring
    // attribute stays out of lists from now on.
    this.known.errorsInLists.add(asked[firstError].key);
    this.known.dirty = true;
    this.log?.(4, `List item ${asked[firstError].key} answered an error; the ${outcomes.length - firstError - 1} item(s) after it are read again one by one.`);
    for (let k = firstError; k < chunk.length; k++) settle(chunk[k], await this.readSingle(asked[k]));
  }

  private worked(size: number): void {
    const l = this.known.lists;
    if ((l.largestWorked ?? 0) < size) {
      l.largestWorked = size;
      this.known.dirty = true;
    }
  }

  /** A failure with size: the largest size that worked, else what a cut answer held, else half. */
  private shrink(size: number, why: string, answered?: number): void {
    const l = this.known.lists;
    const next =
      l.largestWorked !== undefined && l.largestWorked < size
        ? l.largestWorked
        : answered !== undefined && answered >= 2 && answered < size
          ? answered
          : Math.floor(size / 2);
    if (next < 2) {
      this.listsOff(`lists of ${size} attributes failed (${why}) and smaller ones did not work either`);
      return;
    }
    l.maxItems = next;
    l.reason = `a list of ${size} attributes failed: ${why}`;
    this.known.dirty = true;
    this.log?.(3, `This meter answers long lists unreliably (${why}): at most ${next} attributes per request from now on.`);
  }

  private listsOff(why: string): void {
    const l = this.known.lists;
    if (l.mode === 'off') return;
    this.known.lists = { mode: 'off', reason: why, ...(l.largestWorked !== undefined ? { largestWorked: l.largestWorked } : {}) };
    this.known.dirty = true;
    this.log?.(3, `This meter answers lists unreliably (${why}): reading one by one from now on.`);
  }
}

/** A cut list (fewer items than asked), an over-long request or answer, an exception saying pdu-too-long. */
function isSizeFailure(e: MeterError): boolean {
  return e.code === 'LENGTH' || /pdu-too-long/.test(e.message);
}

/** Turn what the meter said into a checked answer: a data-access error typed, an implausible value refused. */
export function check(slot: Slot, outcome: Outcome): Answer {
  if (outcome.type === 'error') return { type: 'error', error: dataAccessErrorToMeterError(outcome.result), dataAccessResult: outcome.result };
  const why = implausibility(slot.classId, slot.obis, slot.attribute, outcome.value);
  if (why !== undefined) return { type: 'error', error: new MeterError('TYPE_MISMATCH', `${slot.key}: ${why}.`) };
  return { type: 'data', value: outcome.value };
}

function inList(a: Answer): Answer {
  return a.type === 'error' ? { ...a, inList: true } : a;
}

function sameObis(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
