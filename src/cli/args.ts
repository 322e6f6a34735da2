/**
 * Command-line arguments (docs/cli.md): `meterscope -c config.json [-d 0..7] [-p PORT] [--once]
 * [--format jsonl|csv|table] [--map PORT1=/dev/ttyUSB0]` and `meterscope sim [--host H] [--base-port N]`.
 * Pure: no process access, so every flag is tested without spawning anything.
 */
import type { LogLevel } from '../core/logger';
import { MQTT_USAGE, MqttArgError, finishMqttFlags, parseMqttFlag, type MqttCommandOptions, type MqttFlags } from './mqtt-args';
import type { Shard } from './shard';

export const OUTPUT_FORMATS = ['jsonl', 'csv', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ReadCommand {
  command: 'read';
  config: string;
  debug: LogLevel;
  /** Show (and read) only the devices on this port tag: PORT1, /dev/ttyUSB0 or ip:port. */
  port?: string;
  once: boolean;
  format: OutputFormat;
  /** Port name -> system path. */
  map: Map<string, string>;
  /** --mqtt and its options (issue 22). */
  mqtt?: MqttCommandOptions;
  /** --shard I/N: only this share of the devices. */
  shard?: Shard;
}

export interface SimCommand {
  command: 'sim';
  host: string;
  /** The DLMS wrapper port; the others follow it (see SIM_PORT_OFFSETS). */
  basePort: number;
  debug: LogLevel;
}

export type CliCommand = { command: 'help' } | { command: 'version' } | ReadCommand | SimCommand;

export type ParseResult = { ok: true; value: CliCommand } | { ok: false; error: string };

export const DEFAULT_DEBUG: LogLevel = 1;
export const DEFAULT_SIM_HOST = '127.0.0.1';
export const DEFAULT_SIM_BASE_PORT = 4059;

/** Split `--name=value` and glued short options (`-d7`, `-cfile.json`) into name and inline value. */
function splitOption(arg: string): { name: string; inline?: string } {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return eq < 0 ? { name: arg } : { name: arg.slice(0, eq), inline: arg.slice(eq + 1) };
  }
  if (arg.length > 2) return { name: arg.slice(0, 2), inline: arg.slice(2).replace(/^=/, '') };
  return { name: arg };
}

class Cursor {
  private i = 0;
  constructor(private readonly args: readonly string[]) {}
  next(): string | undefined {
    return this.args[this.i++];
  }
  /** The value of option `name`: inline, or the next argument. */
  value(name: string, inline: string | undefined): string {
    if (inline !== undefined) return inline;
    const v = this.args[this.i];
    if (v === undefined || (v.startsWith('-') && v.length > 1 && !/^-\d/.test(v))) throw new UsageError(`${name} needs a value`);
    this.i++;
    return v;
  }
}

class UsageError extends Error {}

function parseLevel(name: string, text: string): LogLevel {
  if (!/^[0-7]$/.test(text)) throw new UsageError(`${name}: "${text}" is not a debug level 0..7`);
  return Number(text) as LogLevel;
}

function parsePort(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UsageError(`${name}: "${text}" is not a TCP port 1..65535`);
  return n;
}

export function parseArgs(argv: readonly string[]): ParseResult {
  try {
    return { ok: true, value: argv[0] === 'sim' ? parseSim(argv.slice(1)) : parseRead(argv) };
  } catch (e) {
    if (e instanceof UsageError || e instanceof MqttArgError) return { ok: false, error: e.message };
    throw e;
  }
}

function parseRead(argv: readonly string[]): CliCommand {
  const cur = new Cursor(argv);
  let config: string | undefined;
  let debug = DEFAULT_DEBUG;
  let port: string | undefined;
  let once = false;
  let format: OutputFormat = 'jsonl';
  let formatGiven = false;
  const mqttFlags: MqttFlags = {};
  const map = new Map<string, string>();
  for (let arg = cur.next(); arg !== undefined; arg = cur.next()) {
    if (!arg.startsWith('-') || arg === '-') {
      throw new UsageError(`unexpected argument "${arg}"`);
    }
    const { name, inline } = splitOption(arg);
    const flag = (what: boolean) => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      return what;
    };
    switch (name) {
      case '-h':
      case '--help':
        flag(true);
        return { command: 'help' };
      case '-V':
      case '--version':
        flag(true);
        return { command: 'version' };
      case '-c':
      case '--config':
        config = cur.value(name, inline);
        break;
      case '-d':
      case '--debug':
        debug = parseLevel(name, cur.value(name, inline));
        break;
      case '-p':
      case '--port':
        port = cur.value(name, inline);
        if (port === '') throw new UsageError(`${name} needs a port name`);
        break;
      case '--once':
        once = flag(true);
        break;
      case '--format': {
        const f = cur.value(name, inline);
        if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: "${f}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
        format = f as OutputFormat;
        formatGiven = true;
        break;
      }
      case '--map': {
        const m = cur.value(name, inline);
        const eq = m.indexOf('=');
        if (eq <= 0 || eq === m.length - 1) throw new UsageError(`--map: "${m}" is not NAME=PATH (e.g. PORT1=/dev/ttyUSB0)`);
        const key = m.slice(0, eq);
        if (map.has(key)) throw new UsageError(`--map: ${key} is mapped twice`);
        map.set(key, m.slice(eq + 1));
        break;
      }
      default:
        if (parseMqttFlag(name, inline, () => cur.value(name, inline), mqttFlags)) break;
        throw new UsageError(`unknown option ${name}`);
    }
  }
  if (config === undefined) throw new UsageError('a configuration is required: -c config.json');
  const out: ReadCommand = { command: 'read', config, debug, once, format, map };
  if (port !== undefined) out.port = port;
  Object.assign(out, finishMqttFlags(mqttFlags, formatGiven));
  return out;
}

function parseSim(argv: readonly string[]): CliCommand {
  const cur = new Cursor(argv);
  let host = DEFAULT_SIM_HOST;
  let basePort = DEFAULT_SIM_BASE_PORT;
  let debug = DEFAULT_DEBUG;
  for (let arg = cur.next(); arg !== undefined; arg = cur.next()) {
    if (!arg.startsWith('-')) throw new UsageError(`sim: unexpected argument "${arg}"`);
    const { name, inline } = splitOption(arg);
    switch (name) {
      case '-h':
      case '--help':
        return { command: 'help' };
      case '--host':
        host = cur.value(name, inline);
        if (host === '') throw new UsageError('--host needs an address');
        break;
      case '--base-port':
        basePort = parsePort(name, cur.value(name, inline));
        if (basePort + 5 > 65535) throw new UsageError(`--base-port: ${basePort} leaves no room for the five simulator ports`);
        break;
      case '-d':
      case '--debug':
        debug = parseLevel(name, cur.value(name, inline));
        break;
      default:
        throw new UsageError(`sim: unknown option ${name}`);
    }
  }
  return { command: 'sim', host, basePort, debug };
}

export const USAGE = `Usage:
  meterscope -c config.json [-d 0..7] [-p PORT] [--once] [--format jsonl|csv|table]
             [--map PORT1=/dev/ttyUSB0 ...]
  meterscope sim [--host 127.0.0.1] [--base-port 4059] [-d 0..7]
  meterscope bridge --allow HOST:PORT [options]   (meterscope bridge --help)
  meterscope -h | --help
  meterscope -V | --version

Read meters over IEC 62056-21 and DLMS/COSEM with the configuration's devices and signals.

Options:
  -c, --config FILE     configuration (WCC Lite field names); required
  -d, --debug LEVEL     trace to stderr: 0 silent, 1 errors (default), 2 warnings, 3 notices,
                        4 info and values, 5 decoded frames, 6 details, 7 every byte
  -p, --port PORT       read and show only the devices on this port (PORT1, /dev/ttyUSB0, ip:port)
      --once            read every enabled signal once and exit
      --format FORMAT   jsonl (default), csv or table
      --map NAME=PATH   serial port for a port name in the configuration (repeatable)
  -h, --help            this text
  -V, --version         version

${MQTT_USAGE}
sim: serve the simulated meters on TCP (see docs/cli.md): DLMS wrapper on the base port,
DLMS HDLC on base+2, IEC 62056-21 on base+3, IEC mode E then HDLC on base+4,
DLMS/COSEM push (HAN, ciphered: examples/han-push.json) on base+5.
  --base-port N         1..65530 (default 4059)    --host ADDR   (default 127.0.0.1)
Every number is checked against its range; anything else is refused with exit code 2.

Exit codes: 0 every reading good, 1 some readings failed, 2 invalid configuration or arguments,
3 the MQTT broker refused the credentials or TLS failed, 4 (--once) readings spooled, not published.
`;
