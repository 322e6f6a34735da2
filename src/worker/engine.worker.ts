/**
 * The engine's module Web Worker. It owns ports and protocol sessions so the UI thread never blocks
 * on a meter and never loads protocol code. The UI reaches it only through the Comlink API below.
 *
 * `expose` runs synchronously at module evaluation: a top-level await before it would let the UI's
 * first messages arrive with no handler and be lost.
 */
import { expose, type Remote, releaseProxy } from 'comlink';
import { exportConfigText, parseConfigText, validateConfig, validateConfigAsync } from '../config';
import { realClock } from '../core/real-clock';
import { demoConfig } from '../sim/demo';
import type { EngineApi, EngineListener } from './engine-api';
import { EngineHost } from './engine-host';
import { protocolBackend } from './protocol-backend';
import { decodeTraceFrame } from './trace';
import { offeredPorts, openWorkerLink, rememberPort, setProbeFixedRate } from './worker-links';
import { usbFilters } from '../transports/webusb/known-devices';
import { describePort } from '../transports/webserial/port-directory';
import { readAttribute, readObjectList, readProfile } from './operations';
import { typedErrors } from './typed-errors';
import { workerStore } from './worker-store';
import { IdbInvocationCounterStore } from '../store/invocation-counters';
import { ConfigWorkspace } from './config-workspace';
import { ReadJournal } from './read-journal';
import { withBrowserLimits } from './browser-limits';

const VERSION = '0.1.0';

const host = new EngineHost({
  // The browser cannot do all the CLI can (Web Serial: 7 or 8 data bits only).
  validate: (raw) => withBrowserLimits(validateConfig(raw)),
  clock: realClock,
  decodeFrame: decodeTraceFrame,
  backend: protocolBackend({
    openLink: openWorkerLink,
    commit: async (readings) => (await workerStore()).addReadings(readings),
    commitEvents: async (events) => (await workerStore()).addEvents(events),
    counterStore: new IdbInvocationCounterStore(workerStore),
  }),
});

// The editor's document: imports parsed and validated here, off the page's thread.
const workspace = new ConfigWorkspace({
  validate: (input, signal) => validateConfigAsync(input, { signal }),
  exportText: (doc, includeSecrets) => exportConfigText(doc, { includeSecrets }),
  store: workerStore,
  pause: () => new Promise((resolve) => setTimeout(resolve, 0)),
});

// Survives a reload: the last loaded configuration, and a mark while reading (see read-journal.ts).
const journal = new ReadJournal(workerStore, () => realClock.wallTime());
// A mark left by the previous page is reported before this page's first read writes its own.
const recovered = journal.recoverInterrupted().catch((e: unknown) => {
  host.trace(2, 'engine', `an interrupted read could not be recorded: ${e instanceof Error ? e.message : String(e)}`);
  return [];
});
let restored: { name: string; text: string } | undefined;
let endPolling: (() => Promise<void>) | undefined;

interface Subscription {
  end: () => void;
  listener: Remote<EngineListener>;
}
const subscriptions = new Map<number, Subscription>();
let nextSubscription = 1;

const api: EngineApi = typedErrors({
  ...workspace.api,
  async ping() {
    return `pong: MeterScope engine ${VERSION}`;
  },
  async validateConfig(text) {
    return parseConfigText(text);
  },
  async exportConfig(raw, options) {
    return exportConfigText(raw, options);
  },
  async loadConfigText(name, text) {
    // Parsed here, not on the page: a large site's JSON would block the page's thread.
    return api.loadConfig(JSON.parse(text) as unknown, { name, text });
  },
  async loadConfig(raw, remember) {
    const result = await host.loadConfig(raw);
    if (result.ok) {
      await endPolling?.();
      endPolling = undefined;
      restored = remember;
      // Not fatal: the configuration is loaded; only the next reload would not find it.
      if (remember) await journal.rememberConfig(remember.name, remember.text).catch(() => undefined);
    }
    return result;
  },
  async restoreConfig() {
    await recovered;
    if (restored && host.status().state !== 'empty') return { ...restored, result: { ok: true, deviceCount: host.status().deviceCount, signalCount: host.status().signalCount } };
    const last = await journal.lastConfig();
    if (!last) return undefined;
    let doc: unknown;
    try {
      doc = JSON.parse(last.text);
    } catch {
      return undefined;
    }
    const result = await host.loadConfig(doc);
    if (result.ok) restored = { name: last.name, text: last.text };
    return { name: last.name, text: last.text, result };
  },
  async start() {
    await recovered;
    const status = host.start();
    endPolling ??= journal.begin('polling');
    return status;
  },
  async stop() {
    const status = await host.stop();
    await endPolling?.();
    endPolling = undefined;
    return status;
  },
  async status() {
    return host.status();
  },
  async subscribe(listener) {
    // Comlink hands us a proxy: calling it posts to the page and returns a promise.
    const remote = listener as unknown as Remote<EngineListener>;
    const id = nextSubscription++;
    const end = host.subscribe((event) => remote(event));
    subscriptions.set(id, { end, listener: remote });
    return id;
  },
  async setTraceLevel(level) {
    host.setTraceLevel(level);
  },
  async unsubscribe(id) {
    const s = subscriptions.get(id);
    if (!s) return;
    subscriptions.delete(id);
    s.end();
    s.listener[releaseProxy]();
  },
  async readOnce(device_alias) {
    await recovered;
    const end = journal.begin('read', device_alias);
    try {
      return await host.readOnce(device_alias);
    } finally {
      await end().catch(() => undefined);
    }
  },
  async cancel() {
    await host.stop();
    await endPolling?.();
    endPolling = undefined;
  },
  async demoConfig() {
    return demoConfig();
  },
  async readObjectList(device_alias) {
    return readObjectList(host.engine(), device_alias);
  },
  async readAttribute(device_alias, target) {
    return readAttribute(host.engine(), device_alias, target);
  },
  async readProfile(device_alias, request) {
    const result = await readProfile(host.engine(), device_alias, request);
    // Committed before it is shown, like readings.
    const storedId = await (await workerStore()).saveProfile({
      device_alias,
      name: result.name,
      columns: [{ name: 'Time', isTime: true }, ...result.columns.map((c) => ({ name: c.name, unit: c.unit, address: c.address ?? result.address }))],
      rows: result.rows.map((r) => [r.ts, ...r.values]),
      readAt: realClock.wallTime(),
    });
    return { ...result, storedId };
  },
  async rememberPort(name, choice) {
    await rememberPort(name, choice, realClock.wallTime());
  },
  async offeredPorts() {
    const o = await offeredPorts();
    return {
      remembered: o.remembered.map((r) => ({ name: r.name, label: r.label, available: r.available, path: r.path, fixedRate: r.fixedRate })),
      unassigned: o.unassigned.map((u) => ({ key: u.key, label: describePort(u.info, u.index), index: u.index, info: u.info, path: u.path, fixedRate: u.fixedRate })),
    };
  },
  async simulateSerial(kinds) {
    return (await import('./serial-seam')).simulateSerial(kinds);
  },
  async simulatePlug(index, plugged) {
    (await import('./serial-seam')).simulatePlug(index, plugged);
  },
  async usbProbeFilters() {
    return usbFilters();
  },
  async setProbeFixedRate(name, fixedRate) {
    await setProbeFixedRate(name, fixedRate);
  },
  async simulateUsb(probes) {
    return (await import('./usb-seam')).simulateUsb(probes);
  },
});


expose(api);
host.trace(3, 'engine', `engine worker ${VERSION} ready`);
