/**
 * A real Mosquitto for the tests: started on a free loopback port with a generated configuration in
 * a temporary directory (anonymous, a password file made by mosquitto_passwd, or TLS with a CA and a
 * server certificate made by openssl), stopped and restarted on the same port, killed after. When
 * Mosquitto is missing the tests FAIL with how to install it: CI installs it (scripts/ensure-mosquitto.sh).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';

export const MOSQUITTO = process.env.MOSQUITTO ?? '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD = process.env.MOSQUITTO_PASSWD ?? '/usr/bin/mosquitto_passwd';

export function requireMosquitto(): void {
  if (!existsSync(MOSQUITTO)) {
    throw new Error(`Mosquitto is not installed (${MOSQUITTO} is missing): the MQTT tests need a real broker. Install Debian's package: sudo apt-get install -y mosquitto openssl (scripts/ensure-mosquitto.sh does it in CI).`);
  }
}

export interface BrokerOptions {
  /** user -> password; anonymous clients are then refused. */
  users?: Record<string, string>;
  tls?: boolean;
  /** Sessions and queued messages survive a stop/start (saved on SIGTERM). */
  persistent?: boolean;
  /** More configuration lines (tuning, for the bench). */
  extra?: string[];
}

export interface TestBroker {
  port: number;
  url: string;
  dir: string;
  /** PEM of the test CA (tls only). */
  caFile?: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** A CA, and a server certificate for 127.0.0.1 and localhost signed by it. */
function makeCertificates(dir: string): void {
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=MeterScope test CA'], dir);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  run('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext'], dir);
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}

export async function startBroker(opts: BrokerOptions = {}): Promise<TestBroker> {
  requireMosquitto();
  const dir = mkdtempSync(join(tmpdir(), 'meterscope-mosquitto-'));
  const port = await freePort();
  const lines = [`listener ${port} 127.0.0.1`, 'log_dest stderr', 'log_type error', 'log_type warning'];
  lines.push(...(opts.persistent ? ['persistence true', `persistence_location ${dir}/`] : ['persistence false']));
  // Run as root, Mosquitto 2 drops to the user "mosquitto", who could not read our private files.
  if (process.getuid?.() === 0) lines.push('user root');
  if (opts.users) {
    const file = join(dir, 'passwd');
    for (const [i, [user, pass]] of Object.entries(opts.users).entries()) run(MOSQUITTO_PASSWD, [...(i === 0 ? ['-c'] : []), '-b', file, user, pass], dir);
    lines.push('allow_anonymous false', `password_file ${file}`);
  } else {
    lines.push('allow_anonymous true');
  }
  if (opts.tls) {
    makeCertificates(dir);
    lines.push(`cafile ${join(dir, 'ca.crt')}`, `certfile ${join(dir, 'server.crt')}`, `keyfile ${join(dir, 'server.key')}`);
  }
  lines.push(...(opts.extra ?? []));
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  let child: ChildProcess | undefined;
  let log = '';
  const broker: TestBroker = {
    port,
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    dir,
    ...(opts.tls ? { caFile: join(dir, 'ca.crt') } : {}),
    async start() {
      log = '';
      const c = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
      c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      child = c;
      await waitForPort(port, c, () => log);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(opts.persistent ? 'SIGTERM' : 'SIGKILL');
      });
    },
    async close() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A subscriber to `#` (and `homeassistant/#`) that keeps every message, for the assertions. */
export async function subscribeAll(url: string, options: { username?: string; password?: string; ca?: string; clean?: boolean; clientId?: string; qos?: 0 | 1 } = {}): Promise<{ messages: Received[]; client: MqttClient; close(): Promise<void> }> {
  const mqtt = await import('mqtt');
  const messages: Received[] = [];
  const { qos = 1, ...connectOptions } = options;
  const client = await mqtt.connectAsync(url, { clean: true, clientId: `test-sub-${Math.random().toString(16).slice(2)}`, ...connectOptions, reconnectPeriod: 200 });
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(['#'], { qos });
  // Across a broker restart the subscription is gone with the broker: subscribe again.
  client.on('connect', () => void client.subscribeAsync(['#'], { qos }).catch(() => undefined));
  return { messages, client, close: () => client.endAsync() };
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
