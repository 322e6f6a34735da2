import { MeterError } from '../../core/errors';

/**
 * Where the client keeps invocation counters (frame counters) between sessions, per meter and client
 * address. The value stored is the last counter *used*: the next APDU goes out with a higher one.
 * The lead wires an IndexedDB (browser) and a file (Node) implementation; tests use the memory one.
 */
export interface InvocationCounterStore {
  get(meterKey: string, client: number): Promise<number | undefined>;
  /** Must refuse a value lower than the stored one (counters never go backwards). */
  set(meterKey: string, client: number, value: number): Promise<void>;
}

/** Key under which the last counter *received from the meter* is kept (replay protection across sessions). */
export function serverCounterKey(meterKey: string): string {
  return `${meterKey}#meter`;
}

export class MemoryInvocationCounterStore implements InvocationCounterStore {
  private readonly values = new Map<string, number>();

  private key(meterKey: string, client: number): string {
    return `${meterKey}|${client}`;
  }

  async get(meterKey: string, client: number): Promise<number | undefined> {
    return this.values.get(this.key(meterKey, client));
  }

  async set(meterKey: string, client: number, value: number): Promise<void> {
    checkCounterValue(value);
    const k = this.key(meterKey, client);
    const old = this.values.get(k);
    if (old !== undefined && value < old) {
      throw new MeterError('PROTOCOL', `Invocation counter would go backwards (${value} after ${old}); refused.`);
    }
    this.values.set(k, value);
  }

  /** Everything, for tests and exports of the store. */
  entries(): [string, number][] {
    return [...this.values.entries()];
  }
}

export function checkCounterValue(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new MeterError('PROTOCOL', `Invocation counter ${value} is outside 0..2^32-1: the keys must be renewed.`);
  }
}
