import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, type ReadCommand } from './args';
import { runCli } from './commands';
import { runRead, type CliIo } from './run';
import { startSims, type RunningSims, type SimKind } from './sim';

const HOST = '127.0.0.1';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

function readCmd(argv: string[]): ReadCommand {
  const r = parseArgs(argv);
  if (!r.ok || r.value.command !== 'read') throw new Error('bad test arguments');
  return r.value;
}

/** A config held in memory: readFile serves it under any path. */
const served = (text: string) => ({ readFile: async () => text });

type Json = Record<string, unknown>;

describe('configuration errors', () => {
  it('exit 2 and every error with its path on stderr, nothing on stdout', async () => {
    const io = capture();
    const config = JSON.stringify({
      devices: [
        { name: 'a', device_alias: 'm1', protocol: 'DLMS', ip: HOST, port: 4059, client_address: 16, baudrat: 9600 },
        { name: 'b', device_alias: 'm2', protocol: 'IEC 62056-21', device: '/dev/ttyUSB0', baudrate: 14400, t2: 5000 },
      ],
      signals: [{ signal_name: 's', device_alias: 'nope', signal_alias: 'x', obis_job: '1.0.1.8.0.255' }],
    });
    const code = await runRead(readCmd(['-c', 'broken.json', '--once']), io, served(config));
    expect(code).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('broken.json: the configuration has 4 errors');
    expect(io.err).toMatch(/devices\[0\]\.baudrat: .*did you mean "baudrate"/);
    expect(io.err).toMatch(/devices\[1\]\.baudrate: 14400 is not one of/);
    expect(io.err).toMatch(/devices\[1\]\.t2: /);
    expect(io.err).toMatch(/signals\[0\]\.device_alias: "nope" does not name a device/);
  });

  it('exit 2 for text that is not JSON, with line and column', async () => {
    const io = capture();
    expect(await runRead(readCmd(['-c', 'x.json']), io, served('{ "devices": [,] }'))).toBe(2);
    expect(io.err).toMatch(/configuration is not valid JSON: line 1, column \d+/);
  });

  it('exit 2 for a file that cannot be read', async () => {
    const io = capture();
    const readFile = async () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(await runRead(readCmd(['-c', 'missing.json']), io, { readFile })).toBe(2);
    expect(io.err).toContain('cannot read the configuration missing.json: no such file');
  });

  it('exit 2 for a port name without --map, naming the flag to use', async () => {
    const io = capture();
    const config = JSON.stringify({
      devices: [{ name: 'a', device_alias: 'm1', protocol: 'IEC 62056-21', device: 'PORT3' }],
      signals: [{ signal_name: 's', device_alias: 'm1', signal_alias: 'x', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
    });
    expect(await runRead(readCmd(['-c', 'x.json', '--once']), io, served(config))).toBe(2);
    expect(io.err).toContain('--map PORT3=/dev/ttyUSB0');
  });

  it('exit 1 when there is nothing to read', async () => {
    const io = capture();
    const config = JSON.stringify({
      devices: [{ name: 'a', device_alias: 'm1', protocol: 'IEC 62056-21', ip: HOST, port: 1, enable: 0 }],
      signals: [{ signal_name: 's', device_alias: 'm1', signal_alias: 'x', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
    });
    expect(await runRead(readCmd(['-c', 'x.json', '--once']), io, served(config))).toBe(1);
    expect(io.err).toContain('nothing to read');
    expect(io.out).toBe('');
  });

  it('usage errors from runCli print the reason and the usage, exit 2', async () => {
    const io = capture();
    expect(await runCli(['-c', 'x.json', '--format', 'xml'], io, served('{}'))).toBe(2);
    expect(io.err).toMatch(/--format: "xml" is not one of/);
    expect(io.err).toContain('Usage:');
    const help = capture();
    expect(await runCli(['--help'], help, served('{}'))).toBe(0);
    expect(help.out).toContain('Usage:');
    const bridge = capture();
    expect(await runCli(['bridge', '--help'], bridge, served('{}'))).toBe(0);
    expect(bridge.out).toContain('meterscope bridge');
    const version = capture();
    expect(await runCli(['-V'], version, served('{}'))).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.out).toBe(`meterscope ${pkg.version}\n`);
  });
});

describe('reading the simulators over loopback TCP', () => {
  let sims: RunningSims;
  let config: { devices: Json[]; signals: Json[] };
  const portOf = (kind: SimKind) => sims.endpoints.find((e) => e.kind === kind)!.port;

  beforeAll(async () => {
    sims = await startSims({ host: HOST, basePort: 0, ports: { 'dlms-wrapper': 0, 'dlms-hdlc': 0, iec: 0, 'iec-mode-e': 0 } });
    const example = JSON.parse(readFileSync(new URL('../../examples/sim.json', import.meta.url), 'utf8')) as { devices: Json[]; signals: Json[] };
    const byExamplePort: Record<number, SimKind> = { 4059: 'dlms-wrapper', 4061: 'dlms-hdlc', 4062: 'iec', 4063: 'iec-mode-e' };
    const devices: Json[] = example.devices.map((d) => ({ ...d, port: portOf(byExamplePort[d.port as number]), retry_counter: 1 }));
    const signals: Json[] = [...example.signals];
    // The mode E simulator, whether or not the example has it yet: IEC sign-on, then HDLC, over TCP.
    if (!devices.some((d) => d.mode === 'IEC')) {
      devices.push({
        name: 'Mode E simulator',
        device_alias: 'sim_mode_e',
        protocol: 'DLMS',
        ip: HOST,
        port: portOf('iec-mode-e'),
        mode: 'IEC',
        type: 'LN',
        auth: 'None',
        client_address: 16,
        physical_address: 16,
        logical_address: 1,
        address_size: 2,
        timeout_ms: 4000,
        retry_counter: 1,
      });
      for (const obis of ['1.0.1.8.0.255', '1.0.32.7.0.255']) {
        signals.push({ signal_name: obis, device_alias: 'sim_mode_e', signal_alias: `e_${obis}`, obis_job: obis });
      }
    }
    config = { devices, signals };
  });

  afterAll(async () => {
    await sims?.close();
  });

  it('--once reads every signal of every device good and exits 0 (jsonl)', async () => {
    const io = capture();
    const code = await runRead(readCmd(['-c', 'sim.json', '--once', '-d', '0']), io, served(JSON.stringify(config)));
    const lines = io.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(config.signals.length);
    for (const line of lines) expect(line).toMatchObject({ quality: 'good', error: null });
    expect(new Set(lines.map((l) => l.device_alias))).toEqual(new Set(config.devices.map((d) => d.device_alias)));
    const iecImport = lines.find((l) => l.device_alias === 'sim_iec' && l.signal_alias === 'energy_import');
    expect(iecImport).toMatchObject({ value: 147238.4, unit: 'kWh' });
    expect(lines.every((l) => typeof l.ts === 'string' && !Number.isNaN(Date.parse(l.ts)))).toBe(true);
    expect(code).toBe(0);
    expect(io.err).toBe('');
    expect(sims.connections['iec-mode-e']).toBeGreaterThan(0);
  });

  it('-p reads and shows one port only; -d traces that port to stderr with masked secrets', async () => {
    const io = capture();
    const withSecret = {
      ...config,
      devices: config.devices.map((d) => (d.device_alias === 'sim_wrapper' ? { ...d, password: 'TopSecret99' } : d)),
    };
    const port = `${HOST}:${portOf('iec')}`;
    const code = await runRead(readCmd(['-c', 'sim.json', '--once', '-p', port, '-d', '7', '--format', 'csv']), io, served(JSON.stringify(withSecret)));
    expect(code).toBe(0);
    const rows = io.out.trimEnd().split('\r\n');
    expect(rows[0]).toBe('ts,device_alias,signal_alias,value,unit,quality,error');
    expect(rows.slice(1).every((r) => r.split(',')[1] === 'sim_iec')).toBe(true);
    expect(rows).toHaveLength(1 + config.signals.filter((s) => s.device_alias === 'sim_iec').length);
    const traced = io.err.trimEnd().split('\n');
    expect(traced.length).toBeGreaterThan(3);
    expect(traced.every((l) => l.includes(`[${port}]`))).toBe(true);
    expect(io.err).toContain('2F 3F 21 0D 0A');
    expect(io.err).not.toContain('TopSecret99');
  });

  it('-p for a port the configuration does not have is a usage error', async () => {
    const io = capture();
    expect(await runRead(readCmd(['-c', 'sim.json', '--once', '-p', 'PORT9']), io, served(JSON.stringify(config)))).toBe(2);
    expect(io.err).toContain('no device of the configuration is on port "PORT9"');
  });

  it('exit 1 when a meter does not answer, with the typed error in the output', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, HOST, () => r()));
    const deadPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const broken = {
      devices: config.devices.map((d) => (d.device_alias === 'sim_iec' ? { ...d, port: deadPort } : d)),
      signals: config.signals,
    };
    const io = capture();
    const code = await runRead(readCmd(['-c', 'sim.json', '--once', '-d', '0', '--format', 'table']), io, served(JSON.stringify(broken)));
    expect(code).toBe(1);
    const rows = io.out.split('\n').filter((l) => l.includes('sim_iec'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.endsWith('bad NO_ANSWER'))).toBe(true);
    expect(io.out.split('\n').filter((l) => l.includes('sim_wrapper')).every((r) => r.endsWith('good'))).toBe(true);
  });

  it('polls until stopped, streaming readings, then returns 0', async () => {
    const io = capture();
    const fast = {
      devices: config.devices.filter((d) => d.device_alias === 'sim_iec').map((d) => ({ ...d, scan_rate_ms: 300 })),
      signals: config.signals.filter((s) => s.device_alias === 'sim_iec'),
    };
    const stop = new AbortController();
    const done = runRead(readCmd(['-c', 'sim.json', '-d', '0']), io, { ...served(JSON.stringify(fast)), stop: stop.signal });
    const perPoll = config.signals.filter((s) => s.device_alias === 'sim_iec').length;
    for (let i = 0; i < 200 && io.out.split('\n').length <= 2 * perPoll; i++) await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    expect(await done, io.err).toBe(0);
    const lines = io.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines.length).toBeGreaterThanOrEqual(2 * perPoll);
    expect(lines.every((l) => l.quality === 'good')).toBe(true);
  });
});
