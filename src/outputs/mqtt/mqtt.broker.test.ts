/**
 * The MQTT output against a real Mosquitto (test-broker.ts) and the CLI against the built-in
 * simulators (src/cli/sim.ts) over loopback TCP. Fails, never skips, when Mosquitto is missing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, type ReadCommand } from '../../cli/args';
import { EXIT_BROKER_REFUSED, EXIT_NOT_PUBLISHED, EXIT_OK } from '../../cli/exit-codes';
import { runRead, type CliIo } from '../../cli/run';
import { SIM_PORT_OFFSETS, startSims, type RunningSims, type SimKind } from '../../cli/sim';
import { requireMosquitto, startBroker, subscribeAll, waitFor, type Received, type TestBroker } from './test-broker';

type Json = Record<string, unknown>;
const HOST = '127.0.0.1';
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const stateRoot = mkdtempSync(join(tmpdir(), 'meterscope-mqtt-state-'));

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

function readCmd(argv: string[]): ReadCommand {
  const r = parseArgs(argv);
  if (!r.ok || r.value.command !== 'read') throw new Error(`bad test arguments: ${r.ok ? 'not a read' : r.error}`);
  return r.value;
}

const anyPort = () => Object.fromEntries(Object.keys(SIM_PORT_OFFSETS).map((k) => [k, 0])) as Record<SimKind, number>;
const example = JSON.parse(readFileSync(join(repo, 'examples/sim.json'), 'utf8')) as { devices: Json[]; signals: Json[] };
const EXAMPLE_KIND: Record<number, SimKind> = { 4059: 'dlms-wrapper', 4061: 'dlms-hdlc', 4062: 'iec', 4063: 'iec-mode-e' };

/** The example site on these simulators; `tag` renames the devices so several sites can be one. */
function site(sims: RunningSims, tag = '', scan = 10_000): { devices: Json[]; signals: Json[] } {
  const portOf = (kind: SimKind) => sims.endpoints.find((e) => e.kind === kind)!.port;
  const devices = example.devices
    .filter((d) => EXAMPLE_KIND[d.port as number] !== undefined)
    .map((d) => ({ ...d, device_alias: `${d.device_alias as string}${tag}`, port: portOf(EXAMPLE_KIND[d.port as number]), retry_counter: 1, scan_rate_ms: scan, reconnect_time: 500 }));
  const aliases = new Set(example.devices.map((d) => d.device_alias));
  const signals = example.signals.filter((s) => aliases.has(s.device_alias) && devices.some((d) => d.device_alias === `${s.device_alias as string}${tag}`)).map((s) => ({ ...s, device_alias: `${s.device_alias as string}${tag}` }));
  return { devices, signals };
}

const served = (config: unknown) => ({ readFile: async () => JSON.stringify(config) });
const env = (extra: Record<string, string> = {}, dir = stateRoot) => ({ METERSCOPE_STATE_DIR: dir, ...extra });
const jsonl = (out: string) => out.trimEnd().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);
const key = (p: Json) => `${p.device_alias as string}|${p.signal_alias as string}|${p.ts as string}|${JSON.stringify(p.value)}`;
const readingsOf = (msgs: Received[], prefix: string) =>
  msgs.filter((m) => m.topic.startsWith(`${prefix}/`) && !m.topic.startsWith(`${prefix}/pollers/`) && !m.topic.endsWith('/status')).map((m) => JSON.parse(m.payload) as Json);

let sims: RunningSims;
beforeAll(async () => {
  requireMosquitto();
  sims = await startSims({ host: HOST, basePort: 0, ports: anyPort() });
});
afterAll(async () => {
  await sims?.close();
  rmSync(stateRoot, { recursive: true, force: true });
});

describe('publishing a demo site to Mosquitto', { timeout: 40_000 }, () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => broker?.close());

  it('every reading arrives on <prefix>/<device>/<signal> with the jsonl fields, discovery and state retained', async () => {
    const sub = await subscribeAll(broker.url);
    const config = site(sims);
    const io = capture();
    const code = await runRead(readCmd(['-c', 's.json', '--once', '-d', '0', '--format', 'jsonl', '--mqtt', broker.url, '--mqtt-prefix', 'site/a', '--ha-discovery', '--poller-id', 'demo']), io, { ...served(config), env: env() });
    expect(code, io.err).toBe(EXIT_OK);
    const printed = jsonl(io.out);
    expect(printed).toHaveLength(config.signals.length);
    await waitFor('every reading', () => readingsOf(sub.messages, 'site/a').length >= printed.length);
    await waitFor('offline state', () => sub.messages.some((m) => m.topic === 'site/a/pollers/demo/state' && m.payload === 'offline'));
    const got = readingsOf(sub.messages, 'site/a');
    // Same fields as --format jsonl, plus the address (and decimals where the meter gave them).
    for (const line of printed) {
      const m = got.find((g) => key(g) === key(line));
      expect(m, JSON.stringify(line)).toBeDefined();
      expect(m).toMatchObject(line);
      expect(typeof m!.address).toBe('string');
      const topic = sub.messages.find((x) => x.payload === JSON.stringify(m))!.topic;
      expect(topic).toBe(`site/a/${line.device_alias as string}/${line.signal_alias as string}`);
    }
    const states = sub.messages.filter((m) => m.topic === 'site/a/pollers/demo/state').map((m) => m.payload);
    expect(states).toEqual(['online', 'offline']);
    const configs = sub.messages.filter((m) => m.topic.startsWith('homeassistant/sensor/'));
    expect(configs).toHaveLength(config.signals.length);
    const energy = configs.map((c) => JSON.parse(c.payload) as Json).find((c) => c.unique_id === 'meterscope_sim_iec_energy_import')!;
    expect(energy).toMatchObject({ device_class: 'energy', state_class: 'total_increasing', unit_of_measurement: 'kWh', state_topic: 'site/a/sim_iec/energy_import' });
    // Retained: a subscriber that comes later still finds the discovery configs and the state.
    const late = await subscribeAll(broker.url);
    await waitFor('retained configs', () => late.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.retain).length >= config.signals.length);
    expect(late.messages.find((m) => m.topic === 'site/a/pollers/demo/state')).toMatchObject({ payload: 'offline', retain: true });
    await late.close();
    await sub.close();
  });

  it('four pollers --shard 0/4 .. 3/4 cover every device exactly once, each with its own state topic', async () => {
    const more = [await startSims({ host: HOST, basePort: 0, ports: anyPort() }), await startSims({ host: HOST, basePort: 0, ports: anyPort() })];
    try {
      const parts = [site(sims, '_a'), site(more[0], '_b'), site(more[1], '_c')];
      const config = { devices: parts.flatMap((p) => p.devices), signals: parts.flatMap((p) => p.signals) };
      const sub = await subscribeAll(broker.url);
      const runs = await Promise.all(
        [0, 1, 2, 3].map(async (i) => {
          const io = capture();
          const code = await runRead(readCmd(['-c', 's.json', '--once', '-d', '0', '--format', 'jsonl', '--mqtt', broker.url, '--mqtt-prefix', 'sharded', '--shard', `${i}/4`]), io, { ...served(config), env: env() });
          return { code, io, devices: new Set(jsonl(io.out).map((l) => l.device_alias as string)) };
        }),
      );
      for (const r of runs) expect([0, 1], r.io.err).toContain(r.code);
      const owners = config.devices.map((d) => runs.filter((r) => r.devices.has(d.device_alias as string)).length);
      expect(owners).toEqual(config.devices.map(() => 1));
      await waitFor('every device on the broker', () => new Set(readingsOf(sub.messages, 'sharded').map((p) => p.device_alias)).size === config.devices.length);
      const stateTopics = new Set(sub.messages.filter((m) => /^sharded\/pollers\/[^/]+\/state$/.test(m.topic)).map((m) => m.topic));
      expect(stateTopics.size).toBe(4);
      await sub.close();
    } finally {
      await Promise.all(more.map((s) => s.close()));
    }
  });
});

describe('a broker outage, and a restart of the poller while the broker is away', { timeout: 40_000 }, () => {
  it('every committed reading arrives, in order; QoS 1 duplicates counted, none missing', async () => {
    const broker = await startBroker({ persistent: true });
    const state = mkdtempSync(join(stateRoot, 'outage-'));
    try {
      // A subscriber with a persistent session: the broker keeps its messages across its own restart.
      const sub = await subscribeAll(broker.url, { clean: false, clientId: 'outage-sub' });
      const config = site(sims, '', 200);
      config.devices = config.devices.filter((d) => d.device_alias === 'sim_wrapper');
      config.signals = config.signals.filter((s) => s.device_alias === 'sim_wrapper');
      const argv = ['-c', 's.json', '-d', '0', '--format', 'jsonl', '--mqtt', broker.url, '--mqtt-prefix', 'o', '--poller-id', 'p1'];
      const poll = (io: CliIo, stop: AbortSignal) => runRead(readCmd(argv), io, { ...served(config), env: env({}, state), stop, mqttReconnectMs: { min: 100, max: 300 } });
      const first = capture();
      const stop1 = new AbortController();
      const run1 = poll(first, stop1.signal);
      await waitFor('readings before the outage', () => readingsOf(sub.messages, 'o').length >= 10);
      await broker.stop();
      const before = jsonl(first.out).length;
      await waitFor('readings during the outage', () => jsonl(first.out).length >= before + 10);
      stop1.abort();
      expect(await run1, first.err).toBe(EXIT_OK);
      expect(first.err).toContain('readings are spooled');
      // The poller starts again while the broker is still away, reads more, then the broker returns.
      const second = capture();
      const stop2 = new AbortController();
      const run2 = poll(second, stop2.signal);
      await waitFor('readings of the second run', () => jsonl(second.out).length >= 10);
      expect(second.err).toMatch(/\d+ reading\(s\) from an earlier run wait in the spool/);
      await broker.start();
      const committed = [...jsonl(first.out), ...jsonl(second.out)];
      await waitFor('every committed reading', () => new Set(readingsOf(sub.messages, 'o').map(key)).size >= committed.length, 20_000);
      stop2.abort();
      expect(await run2, second.err).toBe(EXIT_OK);
      const got = readingsOf(sub.messages, 'o').map(key);
      const firstSeen = [...new Set(got)];
      const want = [...jsonl(first.out), ...jsonl(second.out)].map(key);
      expect(firstSeen.slice(0, want.length)).toEqual(want);
      const duplicates = got.length - firstSeen.length;
      expect(duplicates).toBeGreaterThanOrEqual(0);
      await sub.close();
    } finally {
      await broker.close();
    }
  });
});

describe('refusals', { timeout: 40_000 }, () => {
  it('wrong password: a clear error, exit code 3, the readings kept and published by the next good run', async () => {
    const broker = await startBroker({ users: { poller: 'right-pass-123' } });
    const state = mkdtempSync(join(stateRoot, 'refused-'));
    try {
      const config = site(sims);
      const argv = ['-c', 's.json', '--once', '-d', '7', '--format', 'jsonl', '--mqtt', broker.url, '--mqtt-prefix', 'r', '--poller-id', 'p'];
      const bad = capture();
      const code = await runRead(readCmd(argv), bad, { ...served(config), env: env({ METERSCOPE_MQTT_USERNAME: 'poller', METERSCOPE_MQTT_PASSWORD: 'wrong-pass-456' }, state) });
      expect(code).toBe(EXIT_BROKER_REFUSED);
      expect(bad.err).toMatch(/refused the user name or password|not authorised \(wrong user name or password/);
      expect(bad.err + bad.out).not.toContain('wrong-pass-456');
      const spooled = jsonl(bad.out);
      expect(spooled.length).toBe(config.signals.length);
      const sub = await subscribeAll(broker.url, { username: 'poller', password: 'right-pass-123' });
      const credentials = join(state, 'credentials');
      writeFileSync(credentials, 'poller\nright-pass-123\n', { mode: 0o600 });
      const good = capture();
      expect(await runRead(readCmd([...argv, '--mqtt-credentials-file', credentials]), good, { ...served(config), env: env({}, state) })).toBe(EXIT_OK);
      const later = jsonl(good.out);
      const want = spooled.length + later.length;
      await waitFor('both runs', () => readingsOf(sub.messages, 'r').length >= want);
      // --once prints when every device is done; the spool has them in commit order (device by device):
      // all of the refused run first, then the good run's.
      const got = readingsOf(sub.messages, 'r').map(key);
      expect(got).toHaveLength(want);
      expect(new Set(got.slice(0, spooled.length))).toEqual(new Set(spooled.map(key)));
      expect(new Set(got.slice(spooled.length))).toEqual(new Set(later.map(key)));
      await sub.close();
    } finally {
      await broker.close();
    }
  });

  it('broker unreachable at start: polling still reads, --once exits 4, the next run publishes them first', async () => {
    const broker = await startBroker();
    const state = mkdtempSync(join(stateRoot, 'away-'));
    try {
      await broker.stop();
      const config = site(sims);
      config.devices = config.devices.filter((d) => d.device_alias === 'sim_wrapper');
      config.signals = config.signals.filter((s) => s.device_alias === 'sim_wrapper');
      const argv = ['-c', 's.json', '--once', '-d', '0', '--format', 'jsonl', '--mqtt', broker.url, '--mqtt-prefix', 'u', '--poller-id', 'u'];
      const away = capture();
      const code = await runRead(readCmd(argv), away, { ...served(config), env: env({}, state), mqttOnceDrainMs: 1000, mqttReconnectMs: { min: 100, max: 200 } });
      expect(code, away.err).toBe(EXIT_NOT_PUBLISHED);
      expect(away.err).toMatch(/cannot reach the broker .*readings are spooled/);
      expect(away.err).toMatch(/5 reading\(s\) are spooled but not published/);
      await broker.start();
      const sub = await subscribeAll(broker.url);
      const back = capture();
      expect(await runRead(readCmd(argv), back, { ...served(config), env: env({}, state) })).toBe(EXIT_OK);
      const want = [...jsonl(away.out), ...jsonl(back.out)].map(key);
      await waitFor('both runs', () => readingsOf(sub.messages, 'u').length >= want.length);
      expect(readingsOf(sub.messages, 'u').map(key)).toEqual(want);
      await sub.close();
    } finally {
      await broker.close();
    }
  });

  it('TLS: works with the CA, and without it fails at once with exit code 3 and a TLS message', async () => {
    const broker = await startBroker({ tls: true });
    const state = mkdtempSync(join(stateRoot, 'tls-'));
    try {
      const config = site(sims);
      config.devices = config.devices.filter((d) => d.device_alias === 'sim_wrapper');
      config.signals = config.signals.filter((s) => s.device_alias === 'sim_wrapper');
      const argv = ['-c', 's.json', '--once', '-d', '0', '--mqtt', broker.url, '--poller-id', 'tls'];
      const ok = capture();
      expect(await runRead(readCmd([...argv, '--mqtt-ca', broker.caFile!]), ok, { ...served(config), env: env({}, state) }), ok.err).toBe(EXIT_OK);
      const bad = capture();
      expect(await runRead(readCmd(argv), bad, { ...served(config), env: env({}, state) })).toBe(EXIT_BROKER_REFUSED);
      expect(bad.err).toMatch(/TLS failed/);
    } finally {
      await broker.close();
    }
  });
});

describe('the last will', { timeout: 40_000 }, () => {
  it('a poller killed with SIGKILL is marked offline on its retained state topic', async () => {
    const broker = await startBroker();
    const dir = mkdtempSync(join(stateRoot, 'will-'));
    try {
      const config = site(sims);
      const file = join(dir, 'site.json');
      writeFileSync(file, JSON.stringify(config));
      const sub = await subscribeAll(broker.url);
      // The CLI bundled as scripts/build-cli.mjs does, into this test's own directory: a real process
      // to kill, started in well under a second (tsx would compile the sources first).
      const { build } = await import('esbuild');
      await build({ absWorkingDir: repo, entryPoints: { main: 'src/cli/main.ts' }, outdir: join(dir, 'cli'), outExtension: { '.js': '.mjs' }, bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20.19', packages: 'external', logLevel: 'error' });
      // Packages stay external, as in the real build: they resolve from the repository's node_modules.
      symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
      const child = spawn(process.execPath, [join(dir, 'cli', 'main.mjs'), '-c', file, '-d', '0', '--mqtt', broker.url, '--poller-id', 'doomed'], {
        cwd: repo,
        env: { ...process.env, METERSCOPE_STATE_DIR: dir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      const state = () => sub.messages.filter((m) => m.topic === 'meterscope/pollers/doomed/state').map((m) => m.payload);
      await waitFor('online', () => state().includes('online') || child.exitCode !== null, 20_000);
      expect(child.exitCode, err).toBeNull();
      child.kill('SIGKILL');
      await waitFor('the last will', () => state().at(-1) === 'offline');
      await sub.close();
    } finally {
      await broker.close();
    }
  });
});
