/**
 * Test harness: the editor's worker workspace in-process, reached the way the page reaches it (every
 * argument and answer structured-cloned, as postMessage does), over an in-memory settings store.
 */
import { exportConfigText, validateConfigAsync } from '../config';
import type { MeterStore } from '../store';
import { ConfigWorkspace } from './config-workspace';
import type { WorkspaceApi } from './workspace-api';

export type FakeStore = Pick<MeterStore, 'getSetting' | 'setSetting' | 'saveConfig'> & { settings: Map<string, unknown>; configs: Map<string, string> };

export function fakeStore(): FakeStore {
  const settings = new Map<string, unknown>();
  const configs = new Map<string, string>();
  return {
    settings,
    configs,
    getSetting: async <T>(key: string) => structuredClone(settings.get(key)) as T | undefined,
    setSetting: async (key, value) => void settings.set(key, structuredClone(value)),
    saveConfig: async (name, raw) => {
      configs.set(name, raw);
      return { name, raw, savedAt: 0 };
    },
  };
}

/** The workspace as the page reaches it: every argument and answer structured-cloned, as postMessage does. */
export function workspaceOverClone(store: FakeStore = fakeStore()): { api: WorkspaceApi; store: FakeStore } {
  const ws = new ConfigWorkspace({
    validate: (input, signal) => validateConfigAsync(input, { signal }),
    exportText: (doc, includeSecrets) => exportConfigText(doc, { includeSecrets }),
    store: async () => store,
    pause: () => new Promise((resolve) => setTimeout(resolve, 0)),
  });
  const api = Object.fromEntries(
    Object.entries(ws.api).map(([k, fn]) => [
      k,
      async (...args: unknown[]) => structuredClone(await (fn as (...a: unknown[]) => Promise<unknown>)(...args.map((a) => (a instanceof Blob ? a : structuredClone(a))))),
    ]),
  ) as unknown as WorkspaceApi;
  return { api, store };
}

