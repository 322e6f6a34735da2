/**
 * Starts the MQTT output for `meterscope -c site.json --mqtt URL`: credentials from the environment
 * or a file (registered with the logger as secrets), TLS files, the spool in the state directory,
 * what Home Assistant is told about each meter. Loaded only when --mqtt is given.
 */
import { readFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { DeviceConfig, MeterConfig } from '../config/types';
import { toMeterError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ClassifiedBrokerError } from '../outputs/mqtt/broker-errors';
import type { HaDeviceInfo } from '../outputs/mqtt/ha-discovery';
import { MqttOutput, safeUrl } from '../outputs/mqtt/publisher';
import { Spool } from '../outputs/mqtt/spool';
import { topicLevel } from '../outputs/mqtt/topics';
import type { MqttCommandOptions } from './mqtt-args';
import type { Shard } from './shard';

export const ENV_USERNAME = 'METERSCOPE_MQTT_USERNAME';
export const ENV_PASSWORD = 'METERSCOPE_MQTT_PASSWORD';

export type Env = Record<string, string | undefined>;

export interface MqttSetup {
  output: MqttOutput;
  pollerId: string;
}

export interface MqttSetupDeps {
  env: Env;
  logger: Logger;
  stderr: (text: string) => void;
  onFinal: (e: ClassifiedBrokerError) => void;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export class MqttSetupError extends Error {}

export function defaultPollerId(shard: Shard | undefined, host = hostname()): string {
  const base = host.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'poller';
  return shard ? `${base}-${shard.index}of${shard.count}` : base;
}

export function spoolDir(env: Env, pollerId: string): string {
  return join(env.METERSCOPE_STATE_DIR || join(homedir(), '.meterscope'), 'mqtt-spool', topicLevel(pollerId));
}

async function readText(what: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new MqttSetupError(`cannot read ${what} ${path}: ${why}`);
  }
}

/** User name and password: from --mqtt-credentials-file, or the environment; never both. */
export async function readCredentials(opts: MqttCommandOptions, env: Env): Promise<{ username?: string; password?: string }> {
  const fromEnv = env[ENV_USERNAME] !== undefined || env[ENV_PASSWORD] !== undefined;
  if (opts.credentialsFile !== undefined) {
    if (fromEnv) throw new MqttSetupError(`credentials are given twice: --mqtt-credentials-file and ${ENV_USERNAME}/${ENV_PASSWORD}; keep one`);
    const lines = (await readText('the MQTT credentials file', opts.credentialsFile)).split(/\r?\n/);
    const username = lines[0] ?? '';
    if (username === '') throw new MqttSetupError(`the MQTT credentials file ${opts.credentialsFile} has no user name on its first line`);
    const password = lines[1];
    return password === undefined || password === '' ? { username } : { username, password };
  }
  const username = env[ENV_USERNAME];
  const password = env[ENV_PASSWORD];
  if (password !== undefined && password !== '' && (username === undefined || username === '')) {
    throw new MqttSetupError(`${ENV_PASSWORD} is set but ${ENV_USERNAME} is not: MQTT sends a password only with a user name`);
  }
  const out: { username?: string; password?: string } = {};
  if (username !== undefined && username !== '') out.username = username;
  if (password !== undefined && password !== '') out.password = password;
  return out;
}

function deviceInfo(d: DeviceConfig): HaDeviceInfo {
  const info: HaDeviceInfo = { name: d.name || d.device_alias };
  if (d.protocol === 'Elgama') info.manufacturer = 'Elgama-Elektronika';
  if (d.protocol === 'DLMS' && d.serial_number > 0) info.serial_number = String(d.serial_number);
  if (d.protocol === 'IEC 62056-21' && d.serialnumber !== '') info.serial_number = d.serialnumber;
  return info;
}

export async function startMqtt(opts: MqttCommandOptions, config: MeterConfig, shard: Shard | undefined, deps: MqttSetupDeps): Promise<MqttSetup> {
  const creds = await readCredentials(opts, deps.env);
  if (creds.password !== undefined) deps.logger.addSecret(creds.password);
  const [ca, cert, key] = await Promise.all([
    opts.ca === undefined ? undefined : readText('the CA certificate (--mqtt-ca)', opts.ca),
    opts.cert === undefined ? undefined : readText('the client certificate (--mqtt-cert)', opts.cert),
    opts.key === undefined ? undefined : readText('the client key (--mqtt-key)', opts.key),
  ]);
  const pollerId = opts.pollerId ?? defaultPollerId(shard);
  const dir = spoolDir(deps.env, pollerId);
  let output: MqttOutput | undefined;
  let spool: Spool;
  try {
    spool = await Spool.open({
      dir,
      maxRecords: opts.spoolMax,
      onDrop: (count, total) => {
        deps.stderr(`meterscope: MQTT spool full (--spool-max ${opts.spoolMax}): dropped the ${count} oldest reading(s), ${total} dropped in all\n`);
        output?.dropped();
      },
      onDamaged: (count, file) => deps.stderr(`meterscope: MQTT spool: ${count} damaged record(s) in ${file} skipped\n`),
    });
  } catch (e) {
    throw new MqttSetupError(toMeterError(e).message);
  }
  if (spool.pending > 0) deps.stderr(`meterscope: ${spool.pending} reading(s) from an earlier run wait in the spool; they are published first\n`);
  const devices = new Map(config.devices.map((d) => [d.device_alias, deviceInfo(d)]));
  output = await MqttOutput.create({
    url: opts.url,
    ...creds,
    ...(ca !== undefined ? { ca: Buffer.from(ca) } : {}),
    ...(cert !== undefined ? { cert: Buffer.from(cert) } : {}),
    ...(key !== undefined ? { key: Buffer.from(key) } : {}),
    prefix: opts.prefix,
    pollerId,
    qos: opts.qos,
    retain: opts.retain,
    haDiscovery: opts.haDiscovery,
    devices,
    spool,
    notice: (text) => deps.stderr(`meterscope: ${text}\n`),
    onFinal: deps.onFinal,
    ...(deps.reconnectMinMs !== undefined ? { reconnectMinMs: deps.reconnectMinMs } : {}),
    ...(deps.reconnectMaxMs !== undefined ? { reconnectMaxMs: deps.reconnectMaxMs } : {}),
  });
  return { output, pollerId };
}

export function describeRefusal(url: string, e: ClassifiedBrokerError): string {
  return `meterscope: the MQTT broker ${safeUrl(url)} refused this poller: ${e.message}. Readings read so far stay in the spool; fix the setting and start again.\n`;
}
