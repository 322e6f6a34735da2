/**
 * The MQTT output beside the engine: the engine commits readings into the spool (`commit`), and this
 * publisher drains the spool to the broker in order, deleting a record only when the broker
 * acknowledged it. Link status and the poller's state and counters are published live (retained),
 * never spooled: they describe the present, and the present is republished at every connection.
 *
 * mqtt.js is imported when the output is created, so a CLI run without --mqtt never loads it. Its own
 * reconnection is off: each connection is a fresh client, and what was in flight on the old one is
 * sent again from the spool, so the order the broker sees is always the spool's order.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Reading } from '../../core/reading';
import type { EngineEvent } from '../../engine/types';
import { classifyBrokerError, isFinal, type ClassifiedBrokerError } from './broker-errors';
import { haSensorConfig, type HaDeviceInfo } from './ha-discovery';
import { readingPayload } from './payload';
import type { Spool } from './spool';
import { Topics } from './topics';

export type Qos = 0 | 1 | 2;

export interface MqttOutputOptions {
  url: string;
  username?: string;
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  prefix: string;
  pollerId: string;
  qos: Qos;
  retain: boolean;
  haDiscovery: boolean;
  /** What Home Assistant is told about each meter, by device alias. */
  devices?: ReadonlyMap<string, HaDeviceInfo>;
  spool: Spool;
  /** A line for the person running the poller (stderr). */
  notice: (text: string) => void;
  /** The broker refused us for good (credentials, authorisation, TLS): the caller stops. */
  onFinal: (e: ClassifiedBrokerError) => void;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  connectTimeoutMs?: number;
  /** Publishes awaiting PUBACK at most (mqtt.js queues the rest in memory otherwise). */
  window?: number;
}

export const POLLER_ONLINE = 'online';
export const POLLER_OFFLINE = 'offline';

export class MqttOutput {
  readonly topics: Topics;
  private client?: MqttClient;
  private connecting?: MqttClient;
  private stopped = false;
  private final?: ClassifiedBrokerError;
  private retryMs: number;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private outageReported = false;
  private everConnected = false;
  private discovered = new Set<string>();
  private pumpQueued = false;
  private drainWaiters: (() => void)[] = [];
  private lastStatusAt = 0;
  private dropsToReport = false;
  private readonly linkStates = new Map<string, string>();

  private constructor(
    private readonly opts: MqttOutputOptions,
    private readonly connect: (url: string, options: IClientOptions) => MqttClient,
  ) {
    this.topics = new Topics(opts.prefix, opts.pollerId);
    this.retryMs = opts.reconnectMinMs ?? 500;
  }

  static async create(opts: MqttOutputOptions): Promise<MqttOutput> {
    const mqtt = await import('mqtt');
    return new MqttOutput(opts, mqtt.connect);
  }

  /** The engine's commit: readings are on disk (fsync'd) when this resolves, then published. */
  readonly commit = async (readings: Reading[]): Promise<void> => {
    await this.opts.spool.append(readings.map(readingPayload));
    this.pumpSoon();
  };

  /** Engine events: link status of each device, published retained as it changes. */
  readonly onEvent = (e: EngineEvent): void => {
    if (e.type !== 'status') return;
    const body: Record<string, unknown> = { state: e.state, ts: new Date().toISOString() };
    if (e.detail !== undefined) body.detail = e.detail;
    if (e.error !== undefined) body.error = e.error;
    const payload = JSON.stringify(body);
    // Kept, so a connection that comes back tells the present state of every device at once.
    this.linkStates.set(e.device_alias, payload);
    this.client?.publish(this.topics.deviceStatus(e.device_alias), payload, { qos: this.opts.qos, retain: true });
  };

  /** Spool drops, told loudly: on stderr by the caller, on the status topic here. */
  dropped(): void {
    this.dropsToReport = true;
    this.publishStatus(true);
  }

  start(): void {
    this.dial();
  }

  get refused(): ClassifiedBrokerError | undefined {
    return this.final;
  }

  /** Readings waiting in the spool. */
  get pending(): number {
    return this.opts.spool.pending;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  private dial(): void {
    if (this.stopped || this.final) return;
    const o = this.opts;
    const options: IClientOptions = {
      clientId: `meterscope-${this.topics.pollerId}`.slice(0, 64),
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: o.connectTimeoutMs ?? 10_000,
      will: { topic: this.topics.pollerState(), payload: Buffer.from(POLLER_OFFLINE), qos: 1, retain: true },
    };
    if (o.username !== undefined) options.username = o.username;
    if (o.password !== undefined) options.password = o.password;
    if (o.ca) options.ca = o.ca;
    if (o.cert) options.cert = o.cert;
    if (o.key) options.key = o.key;
    const client = this.connect(o.url, options);
    this.connecting = client;
    // Many small PUBLISH packets back to back: Nagle's algorithm would hold each behind the last ACK.
    noDelay(client);
    let failure: ClassifiedBrokerError | undefined;
    let closed = false;
    client.on('connect', () => this.connected_(client));
    client.on('error', (e) => {
      failure = classifyBrokerError(e);
      if (isFinal(failure)) this.refuse(failure);
    });
    client.on('close', () => {
      if (closed) return;
      closed = true;
      this.lost(client, failure);
    });
  }

  private connected_(client: MqttClient): void {
    if (this.stopped) return;
    this.connecting = undefined;
    this.client = client;
    this.retryMs = this.opts.reconnectMinMs ?? 500;
    if (this.outageReported) this.opts.notice(`the broker is reachable again; publishing ${this.opts.spool.pending} spooled reading(s) in order`);
    this.outageReported = false;
    this.everConnected = true;
    this.discovered.clear();
    client.publish(this.topics.pollerState(), POLLER_ONLINE, { qos: 1, retain: true });
    for (const [alias, payload] of this.linkStates) client.publish(this.topics.deviceStatus(alias), payload, { qos: this.opts.qos, retain: true });
    this.publishStatus(true);
    this.pump();
  }

  private lost(client: MqttClient, failure: ClassifiedBrokerError | undefined): void {
    if (this.connecting === client) this.connecting = undefined;
    const wasUp = this.client === client;
    if (wasUp) this.client = undefined;
    // Whatever mqtt.js still holds for this client is forgotten; the spool sends it again.
    client.end(true);
    this.opts.spool.requeue();
    if (this.stopped || this.final) return;
    if (!this.outageReported) {
      this.outageReported = true;
      const why = failure?.message ?? (wasUp ? 'the connection was closed' : 'no answer');
      this.opts.notice(`${this.everConnected ? 'lost the broker' : 'cannot reach the broker'} ${safeUrl(this.opts.url)}: ${why}; readings are spooled and will be published when it is back`);
    }
    this.retryTimer = setTimeout(() => this.dial(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.opts.reconnectMaxMs ?? 10_000);
  }

  private refuse(failure: ClassifiedBrokerError): void {
    if (this.final) return;
    this.final = failure;
    this.opts.onFinal(failure);
    for (const w of this.drainWaiters.splice(0)) w();
  }

  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    const client = this.client;
    const spool = this.opts.spool;
    if (client) {
      const window = this.opts.window ?? 1000;
      const { qos, retain } = this.opts;
      for (let batch = spool.take(window - spool.inFlight); batch.length > 0; batch = spool.take(window - spool.inFlight)) {
        for (const r of batch) {
          const p = r.payload;
          if (this.opts.haDiscovery) this.discover(client, p);
          client.publish(this.topics.reading(p.device_alias, p.signal_alias), JSON.stringify(p), { qos, retain }, (err) => {
            if (err || this.client !== client) return;
            spool.ack(r.seq);
            if (spool.inFlight < window / 2) this.pumpSoon();
          });
        }
        if (spool.inFlight >= window) break;
      }
      this.publishStatus(false);
    }
    if (spool.pending === 0 || this.final) for (const w of this.drainWaiters.splice(0)) w();
  }

  private discover(client: MqttClient, p: Parameters<typeof haSensorConfig>[1]): void {
    const key = `${p.device_alias}\u0000${p.signal_alias}`;
    if (this.discovered.has(key)) return;
    this.discovered.add(key);
    const device = this.opts.devices?.get(p.device_alias) ?? { name: p.device_alias };
    const config = haSensorConfig(this.topics, p, device);
    client.publish(config.topic, config.payload, { qos: 1, retain: true });
  }

  /** Counters on the poller's status topic: at most every 5 s, at once when something was dropped. */
  private publishStatus(now: boolean): void {
    const client = this.client;
    if (!client) return;
    const t = Date.now();
    if (!now && t - this.lastStatusAt < 5000) return;
    this.lastStatusAt = t;
    const s = this.opts.spool;
    const body = { ts: new Date(t).toISOString(), spooled: s.pending, published: s.published, dropped: s.dropped, ...(this.dropsToReport ? { warning: `${s.dropped} reading(s) dropped from a full spool` } : {}) };
    client.publish(this.topics.pollerStatus(), JSON.stringify(body), { qos: 1, retain: true });
  }

  /** Resolves true when the spool is empty, false at the deadline or when the broker refused us. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.opts.spool.pending === 0) return Promise.resolve(true);
    if (this.final) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.opts.spool.pending === 0), timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.opts.spool.pending === 0);
      });
      this.pump();
    });
  }

  /** Says `offline` (a clean stop sends no last will), disconnects, closes the spool. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        client.publish(this.topics.pollerState(), POLLER_OFFLINE, { qos: 1, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await client.endAsync().catch(() => undefined);
    }
    this.connecting?.end(true);
    await this.opts.spool.close();
  }
}

/** The broker's URL as it may be shown: without a user name or password in it. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}

/** TCP_NODELAY on the client's socket (TLS and WebSocket streams pass it down, or do not have it). */
function noDelay(client: MqttClient): void {
  const stream = client.stream as unknown as { setNoDelay?: (on: boolean) => void } | undefined;
  stream?.setNoDelay?.(true);
}
