/**
 * Interface class discovery for logical-name referencing. A signal names an OBIS code and an attribute,
 * but a GET must name the class too. The class is guessed from the value groups (cosem/signal.ts); when a
 * guess that no good read has confirmed is answered with any data-access error (meters answer a wrong
 * class with read-write-denied, object-undefined, type-unmatched, object-class-inconsistent,
 * object-unavailable or other-reason, not only with object-undefined), the other classes the OBIS code
 * allows are tried (one short GET each), and only when none answers is the current association's
 * object_list read (once per meter, block transfer), the true class taken, the read retried, and the
 * class remembered. Only then is OBJECT_UNDEFINED (not in the list) or the meter's own error reported.
 */
import { MeterError, toMeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import { formatObis, obisKey } from '../cosem/obis';
import { decodeObjectListLN } from '../cosem/object-list';
import { classCandidates } from '../cosem/signal';
import { type Answer, type CheckedLists, type Slot, isClassRefusal, isSessionFailure } from './checked-lists';
import type { MeterKnowledge } from './knowledge';
import type { DlmsServices } from './services';

const ASSOCIATION = Uint8Array.from([0, 0, 40, 0, 0, 255]);

export interface Discovered {
  classId: number;
  answer: Answer;
}

export class ClassDiscovery {
  constructor(
    private readonly services: DlmsServices,
    private readonly known: MeterKnowledge,
    private readonly lists: CheckedLists,
    private readonly log?: SessionLog,
  ) {}

  /**
   * Read one attribute of an object whose class is not confirmed; the class is confirmed on the way.
   * `refused`: the meter already refused the first guess (in a list, or singly) — then the other candidates
   * are tried first, and the first guess is asked again on its own only when the refusal came in a list.
   */
  async read(obis: Uint8Array, attribute: number, refused?: Answer): Promise<Discovered> {
    const key = obisKey(obis);
    const candidates = classCandidates(obis);
    // An object list already read for this meter answers at once.
    const listed = this.known.objectList?.get(key);
    if (this.known.objectList && listed === undefined) return { classId: candidates[0], answer: absent(obis) };
    const first = listed ?? candidates[0];
    let answer: Answer | undefined = listed === undefined && refused && isClassRefusal(refused) ? refused : undefined;
    if (answer === undefined) {
      answer = await this.lists.readSingle(slot(first, obis, attribute));
      if (answer.type === 'data') return this.confirmed(key, first, answer);
      // Only the meter refusing the object as named (or answering a value its class does not allow) says the
      // class may be wrong; an answer that came but did not decode is that value's own error.
      if (listed !== undefined || !isClassRefusal(answer)) return { classId: first, answer };
    }
    // The other classes the OBIS code allows cost one short GET each; the object list can be kilobytes
    // (seconds at 9600 baud), so it is read only when no plausible class answers.
    for (const classId of candidates.slice(1)) {
      const next = await this.lists.readSingle(slot(classId, obis, attribute));
      if (next.type === 'data') {
        this.log?.(3, `${formatObis(obis)} answered as class ${classId}, not ${first} as first guessed.`);
        return this.confirmed(key, classId, next);
      }
    }
    if (answer.type === 'error' && answer.inList) {
      // Refused inside a list only: the guess itself may be right, asked on its own.
      answer = await this.lists.readSingle(slot(first, obis, attribute));
      if (answer.type === 'data') return this.confirmed(key, first, answer);
      if (!isClassRefusal(answer)) return { classId: first, answer };
    }
    const fromList = await this.objectListClass(key);
    if (fromList === 'absent') return { classId: first, answer: absent(obis) };
    if (typeof fromList === 'number') {
      if (candidates.includes(fromList)) return { classId: fromList, answer };
      this.log?.(3, `${formatObis(obis)} is class ${fromList} (from the object list), not ${first} as guessed.`);
      const retried = await this.lists.readSingle(slot(fromList, obis, attribute));
      return retried.type === 'data' ? this.confirmed(key, fromList, retried) : { classId: fromList, answer: retried };
    }
    // No object list to ask: the meter's own answer to the likeliest class.
    return { classId: first, answer };
  }

  private confirmed(key: string, classId: number, answer: Answer): Discovered {
    if (this.known.classes.get(key) !== classId) {
      this.known.classes.set(key, classId);
      this.known.dirty = true;
    }
    return { classId, answer };
  }

  /**
   * The class the association's object_list gives for an object: read once per meter. 'absent' when the
   * list does not hold it, 'unknown' when the meter refuses or garbles its list.
   */
  async objectListClass(key: string): Promise<number | 'absent' | 'unknown'> {
    if (!this.known.objectList && !this.known.objectListRefused) await this.loadObjectList();
    if (!this.known.objectList) return 'unknown';
    return this.known.objectList.get(key) ?? 'absent';
  }

  private async loadObjectList(): Promise<void> {
    try {
      const data = await this.services.get({ classId: 15, obis: ASSOCIATION, attributeId: 2 });
      const entries = decodeObjectListLN(data);
      this.known.objectList = new Map(entries.map((e) => [e.obis, e.classId]));
      this.log?.(3, `Read the association's object list for class discovery: ${entries.length} objects.`);
    } catch (e) {
      const err = toMeterError(e);
      if (isSessionFailure(err)) throw err;
      this.known.objectListRefused = true;
      this.log?.(3, `The meter did not give its object list (${err.message}); classes stay guessed.`);
    }
    this.known.dirty = true;
  }
}

function absent(obis: Uint8Array): Answer {
  return { type: 'error', error: absentError(obis) };
}

export function absentError(obis: Uint8Array): MeterError {
  return new MeterError('OBJECT_UNDEFINED', `${formatObis(obis)} is not in the association's object list.`);
}

export function slot(classId: number, obis: Uint8Array, attribute: number, listable = true): Slot {
  return { key: `${obisKey(obis)}:${attribute}`, classId, obis, attribute, listable };
}
