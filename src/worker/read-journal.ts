/**
 * What the engine must remember across a reload of the page (which ends the worker with it): the
 * configuration last loaded, so the user does not load it again, and whether a read was running, so
 * a read cut off by the reload is reported as interrupted in History instead of silently vanishing.
 *
 * Both live in the store's settings; the interruption becomes an event (kind `interrupted`) at the
 * next start. Nothing here touches the DOM or timers, so it is tested in Node with fake-indexeddb.
 */
import type { MeterStore } from '../store';

export const LAST_CONFIG_SETTING = 'engine.lastConfig';
export const READ_MARK_SETTING = 'engine.readInProgress';

export interface RememberedConfig {
  name: string;
  /** The user's document as text, exactly as loaded. */
  text: string;
  loadedAt: number;
}

/** A read that was running: single reads of some devices, or polling. */
export interface ReadMark {
  kind: 'read' | 'polling';
  startedAt: number;
  /** Devices being read once; empty for "all". */
  devices: string[];
}

type JournalStore = Pick<MeterStore, 'getSetting' | 'setSetting' | 'addEvents'>;

export class ReadJournal {
  private readonly running = new Map<number, { kind: ReadMark['kind']; device?: string; startedAt: number }>();
  private nextId = 1;
  /** Settings writes in order: a late "clear" must never overtake an earlier "set". */
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: () => Promise<JournalStore>,
    private readonly wallTime: () => number,
  ) {}

  async rememberConfig(name: string, text: string): Promise<void> {
    const value: RememberedConfig = { name, text, loadedAt: this.wallTime() };
    await (await this.store()).setSetting(LAST_CONFIG_SETTING, value);
  }

  async lastConfig(): Promise<RememberedConfig | undefined> {
    const v = await (await this.store()).getSetting<unknown>(LAST_CONFIG_SETTING);
    if (typeof v !== 'object' || v === null) return undefined;
    const { name, text, loadedAt } = v as Partial<RememberedConfig>;
    if (typeof name !== 'string' || typeof text !== 'string') return undefined;
    return { name, text, loadedAt: typeof loadedAt === 'number' ? loadedAt : 0 };
  }

  /** A read begins; returns the function that marks it ended. */
  begin(kind: ReadMark['kind'], device?: string): () => Promise<void> {
    const id = this.nextId++;
    this.running.set(id, { kind, device, startedAt: this.wallTime() });
    const written = this.write();
    let ended = false;
    return async () => {
      await written;
      if (ended) return;
      ended = true;
      this.running.delete(id);
      await this.write();
    };
  }

  /**
   * At start: a mark left behind means the last page ended while reading. It becomes an `interrupted`
   * event per device (or one for all) and is cleared. Returns the events written.
   */
  async recoverInterrupted(): Promise<{ device_alias: string; message: string; ts: number }[]> {
    const store = await this.store();
    const mark = await store.getSetting<unknown>(READ_MARK_SETTING);
    if (typeof mark !== 'object' || mark === null) return [];
    const { kind, startedAt, devices } = mark as Partial<ReadMark>;
    const at = typeof startedAt === 'number' ? startedAt : this.wallTime();
    const what = kind === 'polling' ? 'Polling' : 'A read';
    const started = new Date(at).toISOString();
    const names = Array.isArray(devices) && devices.length > 0 ? devices.filter((d): d is string => typeof d === 'string') : [''];
    const events = names.map((device_alias) => ({
      ts: this.wallTime(),
      device_alias,
      kind: 'interrupted',
      message: `${what} started at ${started} was interrupted when the page was reloaded or closed; readings stored before that are kept.`,
    }));
    await store.addEvents(events);
    await store.setSetting(READ_MARK_SETTING, null);
    return events;
  }

  private write(): Promise<void> {
    const snapshot = this.mark();
    this.writes = this.writes
      .catch(() => undefined)
      .then(async () => (await this.store()).setSetting(READ_MARK_SETTING, snapshot));
    return this.writes;
  }

  private mark(): ReadMark | null {
    if (this.running.size === 0) return null;
    const all = [...this.running.values()];
    const kind = all.some((r) => r.kind === 'polling') ? 'polling' : 'read';
    const devices = all.some((r) => r.device === undefined) ? [] : [...new Set(all.map((r) => r.device!))];
    return { kind, startedAt: Math.min(...all.map((r) => r.startedAt)), devices };
  }
}
