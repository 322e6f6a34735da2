import { MeterError } from '../core/errors';
import { checkCounterValue, type InvocationCounterStore } from '../protocols/dlms-client/invocation-counter';
import type { MeterStore } from './meter-store';

/**
 * DLMS invocation counters kept in IndexedDB (the settings store), per meter and client, so they keep
 * increasing across sessions, reloads and restarts — a meter refuses a counter it has seen before.
 */
export class IdbInvocationCounterStore implements InvocationCounterStore {
  constructor(private readonly store: () => Promise<MeterStore>) {}

  private key(meterKey: string, client: number): string {
    return `dlms.invocationCounter:${meterKey}|${client}`;
  }

  async get(meterKey: string, client: number): Promise<number | undefined> {
    const v = await (await this.store()).getSetting<number>(this.key(meterKey, client));
    return typeof v === 'number' ? v : undefined;
  }

  async set(meterKey: string, client: number, value: number): Promise<void> {
    checkCounterValue(value);
    const store = await this.store();
    const key = this.key(meterKey, client);
    const old = await store.getSetting<number>(key);
    if (typeof old === 'number' && value < old) {
      throw new MeterError('PROTOCOL', `Invocation counter would go backwards (${value} after ${old}); refused.`);
    }
    await store.setSetting(key, value);
  }
}
