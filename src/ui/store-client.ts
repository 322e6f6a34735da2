import { openMeterStore, type MeterStore } from '../store';

let opening: Promise<MeterStore> | undefined;

/** One shared store connection per tab; a failed open is forgotten so the next call can retry. */
export function getStore(): Promise<MeterStore> {
  if (!opening) {
    opening = openMeterStore().catch((e: unknown) => {
      opening = undefined;
      throw e;
    });
  }
  return opening;
}

/** Settings keys the UI owns. */
export const SETTING = {
  theme: 'ui.theme',
  bridgeUrl: 'bridge.url',
  bridgeToken: 'bridge.token',
} as const;
