/**
 * The way out for readings and event-log entries: COMMIT first, then emit. If the store refuses
 * (STORAGE_FULL, STORAGE) the data is still emitted, together with a 'storage' event saying it was not
 * saved, so nothing is silently lost. Also turns `log` signals' value changes into event-log entries.
 */
import { toMeterError, type MeterError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Reading, ReadingValue } from '../core/reading';
import type { EngineEvent, EngineLogEvent } from './types';

export interface PublisherOptions {
  commit?: (readings: Reading[]) => Promise<void>;
  commitEvents?: (events: EngineLogEvent[]) => Promise<void>;
  emit: (e: EngineEvent) => void;
  logger?: Logger;
}

export class Publisher {
  /** Last good value per `device_alias \0 signal_alias`, for change detection of `log` signals. */
  private last = new Map<string, ReadingValue>();

  constructor(private readonly opts: PublisherOptions) {}

  /**
   * Commit and emit one exchange's readings. `logged` are the aliases of the device's `log` signals.
   * Resolves once everything is committed (or has failed to be) and emitted; never rejects.
   */
  async readings(device_alias: string, port: string, readings: Reading[], logged: ReadonlySet<string>): Promise<void> {
    const changes = this.valueChanges(readings, logged);
    const storageError = await this.tryCommit(() => this.opts.commit?.(readings));
    const eventsError = changes.length > 0 ? await this.tryCommit(() => this.opts.commitEvents?.(changes)) : undefined;

    if (storageError) this.storageFailed(device_alias, port, storageError, readings, []);
    if (eventsError) this.storageFailed(device_alias, port, eventsError, [], changes);
    for (const reading of readings) {
      this.opts.logger?.log(4, port, describeReading(reading));
      this.opts.emit({ type: 'value', reading });
    }
    const batch: EngineEvent = { type: 'readings', device_alias, readings };
    if (storageError) batch.storageError = storageError.code;
    this.opts.emit(batch);
    for (const event of changes) this.opts.emit({ type: 'event', event });
  }

  /** Commit and emit one event-log entry (link lost, reconnected, ...). */
  async event(event: EngineLogEvent, port: string): Promise<void> {
    const error = await this.tryCommit(() => this.opts.commitEvents?.([event]));
    if (error) this.storageFailed(event.device_alias, port, error, [], [event]);
    this.opts.emit({ type: 'event', event });
  }

  private valueChanges(readings: readonly Reading[], logged: ReadonlySet<string>): EngineLogEvent[] {
    const out: EngineLogEvent[] = [];
    for (const r of readings) {
      // A bad reading is no value: it neither changes nor resets what was last seen.
      if (!logged.has(r.signal_alias) || r.quality !== 'good') continue;
      const key = `${r.device_alias}\u0000${r.signal_alias}`;
      const had = this.last.has(key);
      const before = this.last.get(key);
      this.last.set(key, r.value);
      if (!had || Object.is(before, r.value)) continue;
      out.push({
        ts: r.ts,
        device_alias: r.device_alias,
        signal_alias: r.signal_alias,
        kind: 'value-change',
        message: `${r.signal_alias} changed from ${show(before)} to ${show(r.value)}${r.unit ? ` ${r.unit}` : ''}`,
      });
    }
    return out;
  }

  private async tryCommit(op: () => Promise<void> | undefined): Promise<MeterError | undefined> {
    try {
      await op();
      return undefined;
    } catch (e) {
      return toMeterError(e);
    }
  }

  private storageFailed(device_alias: string, port: string, error: MeterError, readings: Reading[], events: EngineLogEvent[]): void {
    const what = readings.length > 0 ? `${readings.length} reading(s)` : `${events.length} event-log entr${events.length === 1 ? 'y' : 'ies'}`;
    this.opts.logger?.log(1, port, `${device_alias}: ${what} NOT saved: ${error.message}`);
    this.opts.emit({ type: 'storage', device_alias, error: error.code, message: error.message, readings, events });
  }
}

function show(v: ReadingValue | undefined): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function describeReading(r: Reading): string {
  const value = r.quality === 'good' ? `${show(r.value)}${r.unit ? ` ${r.unit}` : ''}` : `bad (${r.error ?? 'unknown'})`;
  return `${r.device_alias}.${r.signal_alias}${r.address ? ` [${r.address}]` : ''} = ${value}`;
}
