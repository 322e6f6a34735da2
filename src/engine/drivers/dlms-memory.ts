/**
 * What the DLMS driver keeps about its meter beyond one association: the reader's knowledge (restored from
 * and saved to a store at the edge, checked against the meter's identity after each association), and the
 * values of a read that a dropped link interrupted, so the next read asks only the rest and nothing
 * already read is lost.
 */
import { toMeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import type { MeterKnowledge, MeterKnowledgeStore, ValueResult } from '../../protocols/dlms-client/reader';
import type { DlmsSession } from '../../protocols/dlms-client/session';
import type { DriverSignal } from '../driver';

export class KnowledgeKeeper {
  private loaded = false;

  constructor(
    private readonly knowledge: MeterKnowledge,
    private readonly meterKey: string,
    private readonly store?: MeterKnowledgeStore,
  ) {}

  /**
   * Restore persisted knowledge once, then check it belongs to this meter (its logical device name): the
   * check rides in the session's next read (issue 16), so it costs no round trip of its own.
   */
  async prepare(session: DlmsSession, log: SessionLog): Promise<void> {
    if (!this.loaded && this.store) {
      try {
        const data = await this.store.load(this.meterKey);
        if (data) this.knowledge.restore(data);
      } catch (e) {
        log(2, `Could not load what was learnt about this meter: ${toMeterError(e).message}`);
      }
    }
    this.loaded = true;
    session.deferIdentityCheck();
    await this.save(log);
  }

  /** Save when something changed; a failure costs a trace line, never the read. */
  async save(log: SessionLog): Promise<void> {
    if (!this.knowledge.dirty || !this.store) return;
    this.knowledge.dirty = false;
    try {
      await this.store.save(this.meterKey, this.knowledge.serialise());
    } catch (e) {
      log(2, `Could not keep what was learnt about this meter: ${toMeterError(e).message}`);
    }
  }
}

export interface Kept {
  result: ValueResult;
  /** When it was read: a kept value keeps its own time. */
  ts: number;
}

/** Values of an interrupted read, by request index, for the same signal set only. */
export class InterruptedRead {
  private carry?: { key: string; done: Map<number, Kept>; signalOf: number[] };

  get pending(): boolean {
    return this.carry !== undefined && this.carry.done.size > 0;
  }

  /** What an interrupted read of exactly these signals kept (emptied: it is handed over once). */
  resume(signals: DriverSignal[]): { key: string; done: Map<number, Kept> } {
    const key = keyOf(signals);
    const done = this.carry?.key === key ? this.carry.done : new Map<number, Kept>();
    this.carry = undefined;
    return { key, done };
  }

  /** Keep what was read before the failure; `signalOf` maps request indices to signal indices. */
  keep(key: string, done: Map<number, Kept>, signalOf: number[]): void {
    if (done.size > 0) this.carry = { key, done, signalOf };
  }

  /** Kept values by signal index, handed over once (the runner reports them when it gives up on the rest). */
  take(signals: DriverSignal[]): Map<number, Kept> {
    const carry = this.carry;
    this.carry = undefined;
    if (!carry || carry.key !== keyOf(signals)) return new Map();
    return new Map([...carry.done].map(([k, kept]) => [carry.signalOf[k], kept]));
  }
}

function keyOf(signals: DriverSignal[]): string {
  return signals.map((s) => `${s.signal_alias}@${s.address}`).join('|');
}
