/**
 * The last invocation counter a pushing meter used, kept where the DLMS drivers keep theirs (IndexedDB
 * in the app, the state file in the CLI) under `push:<system_title or device_alias>`, client 0: the
 * listener is given it at every start, so an old or replayed push is refused across restarts too.
 */
import { toMeterError } from '../../core/errors';
import type { SessionLog } from '../../core/logger';
import type { InvocationCounterStore } from '../../protocols/dlms-client/invocation-counter';

/** The invocation counter store's client number for pushes (nobody associates). */
const PUSH_CLIENT = 0;

export class PushCounterKeeper {
  private loaded = false;
  /** The last counter accepted (from the store, then from the pushes). */
  last?: number;

  constructor(
    private readonly key: string,
    private readonly log: SessionLog,
    private readonly store?: InvocationCounterStore,
  ) {}

  async load(): Promise<void> {
    if (this.loaded || !this.store) return;
    this.loaded = true;
    try {
      this.last = await this.store.get(this.key, PUSH_CLIENT);
    } catch (e) {
      this.log(2, `the last invocation counter could not be read: ${toMeterError(e).message}`);
    }
  }

  /**
   * Persist before the readings are committed: a crash in between loses one push, while the other
   * order could accept its replay after a restart and store it twice. False: the store refused it.
   */
  async keep(counter: number): Promise<boolean> {
    this.last = counter;
    if (!this.store) return true;
    try {
      await this.store.set(this.key, PUSH_CLIENT, counter);
      return true;
    } catch (e) {
      this.log(2, `push #${counter} refused: ${toMeterError(e).message}`);
      return false;
    }
  }
}
