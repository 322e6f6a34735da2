import { openMeterStore, type MeterStore } from '../store';

let opened: Promise<MeterStore> | undefined;

/** The worker's connection to the same IndexedDB database the page uses, opened on first need. */
export function workerStore(): Promise<MeterStore> {
  opened ??= openMeterStore().catch((e: unknown) => {
    opened = undefined;
    throw e;
  });
  return opened;
}
