/**
 * The engine's module Web Worker. It owns ports and protocol sessions so the UI thread never blocks
 * on a meter and never loads protocol code. The UI reaches it only through the Comlink API below.
 *
 * `expose` runs synchronously at module evaluation: a top-level await before it would let the UI's
 * first messages arrive with no handler and be lost.
 */
import { expose, type Remote, releaseProxy } from 'comlink';
import { exportConfigText, parseConfigText, validateConfig } from '../config';
import { realClock } from '../core/real-clock';
import type { EngineApi, EngineListener } from './engine-api';
import { EngineHost } from './engine-host';

const VERSION = '0.1.0';

// The protocol engine (src/engine) plugs in through `backend`, e.g.
//   backend: (config, ctx) => new Engine({ config, clock: ctx.clock, logger: ctx.logger, openLink,
//     createDriver, commit: store.addReadings, onEvent: (e) => forward values and states to ctx })
// Until then the default backend reports each enabled device as idle, "protocol engine not yet wired".
const host = new EngineHost({ validate: validateConfig, clock: realClock });

interface Subscription {
  end: () => void;
  listener: Remote<EngineListener>;
}
const subscriptions = new Map<number, Subscription>();
let nextSubscription = 1;

const api: EngineApi = {
  async ping() {
    return `pong: MeterScope engine ${VERSION}`;
  },
  async validateConfig(text) {
    return parseConfigText(text);
  },
  async exportConfig(raw) {
    return exportConfigText(raw);
  },
  async loadConfig(raw) {
    return host.loadConfig(raw);
  },
  async start() {
    return host.start();
  },
  async stop() {
    return host.stop();
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
};

expose(api);
host.trace(3, 'engine', `engine worker ${VERSION} ready`);
