/**
 * The options of the MQTT output and of sharding (docs/cli.md#mqtt): parsed here, strictly, without
 * touching the file system or the environment (those are read when the output starts, mqtt-setup.ts).
 * Credentials are never options: they come from METERSCOPE_MQTT_USERNAME / METERSCOPE_MQTT_PASSWORD
 * or from --mqtt-credentials-file, so they never show in `ps` or in a shell history.
 */
import type { Shard } from './shard';

export type MqttQos = 0 | 1 | 2;

export interface MqttCommandOptions {
  url: string;
  prefix: string;
  qos: MqttQos;
  retain: boolean;
  haDiscovery: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  credentialsFile?: string;
  /** Readings the spool keeps at most while the broker is away. */
  spoolMax: number;
  pollerId?: string;
  /** Print readings on stdout too: only when --format was given (a poller feeding a broker is quiet). */
  print: boolean;
}

export class MqttArgError extends Error {}

export const DEFAULT_MQTT_PREFIX = 'meterscope';
export const DEFAULT_SPOOL_MAX = 100_000;
export const MAX_SPOOL_MAX = 100_000_000;
export const MAX_SHARDS = 1024;
const SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

/** Everything the MQTT flags set, before the check that they go together. */
export interface MqttFlags {
  url?: string;
  prefix?: string;
  qos?: MqttQos;
  retain?: boolean;
  haDiscovery?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  credentialsFile?: string;
  spoolMax?: number;
  pollerId?: string;
  shard?: Shard;
}

export function checkMqttUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new MqttArgError(`--mqtt: "${text}" is not a URL (e.g. mqtt://localhost or mqtts://broker.example:8883)`);
  }
  if (!SCHEMES.includes(u.protocol)) throw new MqttArgError(`--mqtt: "${u.protocol}" is not one of mqtt://, mqtts://, ws://, wss://`);
  if (u.hostname === '') throw new MqttArgError(`--mqtt: "${text}" names no broker host`);
  if (u.username !== '' || u.password !== '') {
    throw new MqttArgError('--mqtt: credentials do not belong on the command line; set METERSCOPE_MQTT_USERNAME and METERSCOPE_MQTT_PASSWORD or use --mqtt-credentials-file');
  }
  return text;
}

/** One MQTT or shard option; `value()` takes its value. False when `name` is not one of ours. */
export function parseMqttFlag(name: string, inline: string | undefined, value: () => string, flags: MqttFlags): boolean {
  const once = <K extends keyof MqttFlags>(key: K, v: MqttFlags[K]) => {
    if (flags[key] !== undefined) throw new MqttArgError(`${name} is given twice`);
    flags[key] = v;
  };
  const path = () => {
    const p = value();
    if (p === '') throw new MqttArgError(`${name} needs a file`);
    return p;
  };
  switch (name) {
    case '--mqtt':
      once('url', checkMqttUrl(value()));
      return true;
    case '--mqtt-prefix': {
      const p = value();
      if (p === '' || /[+#\u0000]/.test(p) || p.startsWith('$') || p.startsWith('/') || p.endsWith('/') || p.includes('//')) {
        throw new MqttArgError(`--mqtt-prefix: "${p}" is not a topic prefix (no + # or empty levels, not starting with $ or /)`);
      }
      once('prefix', p);
      return true;
    }
    case '--mqtt-qos': {
      const q = value();
      if (!/^[012]$/.test(q)) throw new MqttArgError(`--mqtt-qos: "${q}" is not 0, 1 or 2`);
      once('qos', Number(q) as MqttQos);
      return true;
    }
    case '--mqtt-retain':
      if (inline !== undefined) throw new MqttArgError(`${name} takes no value`);
      once('retain', true);
      return true;
    case '--ha-discovery':
      if (inline !== undefined) throw new MqttArgError(`${name} takes no value`);
      once('haDiscovery', true);
      return true;
    case '--mqtt-ca':
      once('ca', path());
      return true;
    case '--mqtt-cert':
      once('cert', path());
      return true;
    case '--mqtt-key':
      once('key', path());
      return true;
    case '--mqtt-credentials-file':
      once('credentialsFile', path());
      return true;
    case '--spool-max': {
      const t = value();
      const n = Number(t);
      if (!/^\d+$/.test(t) || n < 1 || n > MAX_SPOOL_MAX) throw new MqttArgError(`--spool-max: "${t}" is not a number of readings 1..${MAX_SPOOL_MAX}`);
      once('spoolMax', n);
      return true;
    }
    case '--poller-id': {
      const id = value();
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$/.test(id)) throw new MqttArgError(`--poller-id: "${id}" must be 1..48 letters, digits, _ . - (starting with a letter or digit)`);
      once('pollerId', id);
      return true;
    }
    case '--shard': {
      const t = value();
      const m = /^(\d+)\/(\d+)$/.exec(t);
      const index = m ? Number(m[1]) : NaN;
      const count = m ? Number(m[2]) : NaN;
      if (!m || count < 1 || count > MAX_SHARDS) throw new MqttArgError(`--shard: "${t}" is not I/N with N 1..${MAX_SHARDS} (e.g. 0/4)`);
      if (index >= count) throw new MqttArgError(`--shard: shard ${index} of ${count} does not exist (0..${count - 1})`);
      once('shard', { index, count });
      return true;
    }
    default:
      return false;
  }
}

/** The flags checked together: the MQTT ones need --mqtt, the TLS files need a TLS scheme. */
export function finishMqttFlags(flags: MqttFlags, formatGiven: boolean): { mqtt?: MqttCommandOptions; shard?: Shard } {
  const out: { mqtt?: MqttCommandOptions; shard?: Shard } = {};
  if (flags.shard) out.shard = flags.shard;
  if (flags.url === undefined) {
    const stray = (['prefix', 'qos', 'retain', 'haDiscovery', 'ca', 'cert', 'key', 'credentialsFile', 'spoolMax', 'pollerId'] as const).find((k) => flags[k] !== undefined);
    if (stray) throw new MqttArgError(`${FLAG_OF[stray]} needs --mqtt URL`);
    return out;
  }
  const tls = /^(mqtts|wss):/.test(flags.url);
  for (const k of ['ca', 'cert', 'key'] as const) {
    if (flags[k] !== undefined && !tls) throw new MqttArgError(`${FLAG_OF[k]} needs a TLS broker URL (mqtts:// or wss://)`);
  }
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new MqttArgError('--mqtt-cert and --mqtt-key go together (the client certificate and its key)');
  const mqtt: MqttCommandOptions = {
    url: flags.url,
    prefix: flags.prefix ?? DEFAULT_MQTT_PREFIX,
    qos: flags.qos ?? 1,
    retain: flags.retain ?? false,
    haDiscovery: flags.haDiscovery ?? false,
    spoolMax: flags.spoolMax ?? DEFAULT_SPOOL_MAX,
    print: formatGiven,
  };
  for (const k of ['ca', 'cert', 'key', 'credentialsFile', 'pollerId'] as const) {
    const v = flags[k];
    if (v !== undefined) mqtt[k] = v;
  }
  out.mqtt = mqtt;
  return out;
}

const FLAG_OF: Record<Exclude<keyof MqttFlags, 'shard' | 'url'>, string> = {
  prefix: '--mqtt-prefix',
  qos: '--mqtt-qos',
  retain: '--mqtt-retain',
  haDiscovery: '--ha-discovery',
  ca: '--mqtt-ca',
  cert: '--mqtt-cert',
  key: '--mqtt-key',
  credentialsFile: '--mqtt-credentials-file',
  spoolMax: '--spool-max',
  pollerId: '--poller-id',
};

export const MQTT_USAGE = `MQTT (docs/cli.md#mqtt):
      --mqtt URL        publish readings to a broker: mqtt://, mqtts://, ws://, wss://
                        credentials: METERSCOPE_MQTT_USERNAME / METERSCOPE_MQTT_PASSWORD, or
      --mqtt-credentials-file FILE   user name on the first line, password on the second
      --mqtt-ca FILE    --mqtt-cert FILE  --mqtt-key FILE   TLS (PEM) for mqtts:// and wss://
      --mqtt-prefix P   topic prefix (default meterscope): P/<device>/<signal>, P/<device>/status
      --mqtt-qos 0|1|2  (default 1)      --mqtt-retain   retain reading messages
      --ha-discovery    Home Assistant discovery (homeassistant/sensor/.../config, retained)
      --spool-max N     readings kept while the broker is away (default ${DEFAULT_SPOOL_MAX}; oldest dropped)
      --poller-id ID    this poller's name (default: host name, plus the shard)
      --shard I/N       read only this poller's share of the devices (0 <= I < N)
`;
