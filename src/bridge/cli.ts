/**
 * `meterscope bridge`: parse the options, start the bridge, print its URL and token, run until
 * SIGINT/SIGTERM (or the injected signal). Resolves with the exit code: 0 after a clean stop, 2 for bad
 * options, 1 when the bridge cannot start.
 */
import { readFileSync, statSync } from 'node:fs';
import { DEFAULT_ORIGINS, DEFAULT_PORT, LIMITS, MIN_TOKEN_LENGTH, startBridge, type BridgeOptions, type RunningBridge } from './server';
import { parseAllowRule } from './allowlist';

/** The token may come from here instead of --token, which every local user sees in the process list. */
export const TOKEN_ENV = 'METERSCOPE_BRIDGE_TOKEN';
const L = LIMITS;

export const BRIDGE_USAGE = `Usage: meterscope bridge --allow HOST:PORT [options]

A WebSocket-to-TCP bridge so the MeterScope app can read meters on the LAN.
Only targets named with --allow are reachable; requests need the token printed at start.

  --allow HOST:PORT | CIDR:PORT  a reachable target (repeatable), e.g. 192.168.1.50:4059 or 10.0.0.0/24:4059
  --port N                       port to listen on (default ${DEFAULT_PORT})
  --host ADDR                    interface to listen on (default 127.0.0.1; others can reach a non-loopback one)
  --origin URL                   allowed page origin (repeatable; default the app's dev and preview origins:
                                 ${DEFAULT_ORIGINS.join(', ')})
  --allow-no-origin              also accept clients that send no Origin header (non-browser tools)
  --token-file PATH              read the secret from a file only its owner can read (mode 0600 or 0400)
  --token TEXT                   the secret on the command line (visible to every local user: prefer
                                 --token-file or the ${TOKEN_ENV} environment variable);
                                 default: a new random one, printed
  --max-connections N            simultaneous links, ${L.maxConnections.min}..${L.maxConnections.max} (default ${L.maxConnections.default})
  --max-message BYTES            largest WebSocket message accepted, ${L.maxMessageBytes.min}..${L.maxMessageBytes.max} (default ${L.maxMessageBytes.default})
  --idle SECONDS                 close links without traffic for this long, ${L.idleMs.min / 1000}..${L.idleMs.max / 1000} (default ${L.idleMs.default / 1000})
  --connect-timeout SECONDS      give up on a target that does not accept, ${L.connectTimeoutMs.min / 1000}..${L.connectTimeoutMs.max / 1000} (default ${L.connectTimeoutMs.default / 1000})
  --handshake-timeout SECONDS    cut clients that do not finish the handshake, ${L.handshakeTimeoutMs.min / 1000}..${L.handshakeTimeoutMs.max / 1000} (default ${L.handshakeTimeoutMs.default / 1000})
  -h, --help                     this text
`;

export interface BridgeCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where METERSCOPE_BRIDGE_TOKEN is looked up; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Stops the bridge; default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Called once the bridge listens (tests). */
  onStarted?: (bridge: RunningBridge) => void;
}

type Parsed = { help: true } | { help: false; options: BridgeOptions };

/** A whole number in min..max (decimal digits only; "1e3", "0x10", "99999999999999999999" are refused). */
function bounded(name: string, v: string, min: number, max: number): number {
  const n = /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${v.slice(0, 40)}"`);
  return n;
}

/** Seconds on the command line, milliseconds inside, bounded by the millisecond limits. */
function seconds(name: string, v: string, limit: { min: number; max: number }): number {
  return bounded(name, v, Math.ceil(limit.min / 1000), Math.floor(limit.max / 1000)) * 1000;
}

function checkToken(t: string, from: string): string {
  if (t.length < MIN_TOKEN_LENGTH) throw new Error(`${from} must be at least ${MIN_TOKEN_LENGTH} characters long`);
  if (/[^\x21-\x7e]/.test(t)) throw new Error(`${from} must be printable ASCII without spaces`);
  return t;
}

/** The token file's first line; refused when group or others may read or write it. */
export function readTokenFile(path: string): string {
  let mode: number;
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error(`--token-file ${path} is not a file`);
    mode = st.mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code ? `--token-file ${path}: cannot read it (${code})` : (e as Error).message);
  }
  if ((mode & 0o077) !== 0) {
    throw new Error(`--token-file ${path} has mode ${mode.toString(8).padStart(4, '0')}: others may read it; chmod 600 ${path}`);
  }
  return checkToken(text.split(/\r?\n/, 1)[0] ?? '', `the token in ${path}`);
}

export function parseBridgeArgs(argv: string[], env: Readonly<Record<string, string | undefined>> = {}): Parsed {
  const o: BridgeOptions = { allow: [], origins: [] };
  let tokenFrom: string | undefined;
  const setToken = (t: string, from: string) => {
    if (tokenFrom !== undefined) throw new Error(`the token is given twice (${tokenFrom} and ${from}); give it once`);
    tokenFrom = from;
    o.token = t;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        return { help: true };
      case '--allow': {
        const rule = value();
        parseAllowRule(rule); // fail here with the rule's own sentence
        o.allow.push(rule);
        break;
      }
      case '--origin': {
        const origin = value();
        let parsed: URL;
        try {
          parsed = new URL(origin);
        } catch {
          throw new Error(`--origin "${origin}" is not a URL`);
        }
        if (parsed.origin !== origin.replace(/\/$/, '')) throw new Error(`--origin "${origin}" must be scheme://host[:port] only`);
        o.origins!.push(parsed.origin);
        break;
      }
      case '--allow-no-origin':
        o.allowMissingOrigin = true;
        break;
      case '--port': {
        const v = value();
        o.port = bounded(name, v, 0, 65535);
        break;
      }
      case '--host':
        o.host = value();
        break;
      case '--token':
        setToken(checkToken(value(), '--token'), '--token');
        break;
      case '--token-file':
        setToken(readTokenFile(value()), '--token-file');
        break;
      case '--max-connections':
        o.maxConnections = bounded(name, value(), L.maxConnections.min, L.maxConnections.max);
        break;
      case '--max-message':
        o.maxMessageBytes = bounded(name, value(), L.maxMessageBytes.min, L.maxMessageBytes.max);
        break;
      case '--idle':
        o.idleMs = seconds(name, value(), L.idleMs);
        break;
      case '--connect-timeout':
        o.connectTimeoutMs = seconds(name, value(), L.connectTimeoutMs);
        break;
      case '--handshake-timeout':
        o.handshakeTimeoutMs = seconds(name, value(), L.handshakeTimeoutMs);
        break;
      default:
        throw new Error(`unknown option "${arg}"`);
    }
  }
  const fromEnv = env[TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '' && tokenFrom === undefined) o.token = checkToken(fromEnv, TOKEN_ENV);
  if (o.allow.length === 0) throw new Error('name at least one reachable target with --allow HOST:PORT (nothing is reachable otherwise)');
  return { help: false, options: o };
}

const processIo: BridgeCliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
};

export async function runBridgeCli(argv: string[], io: BridgeCliIo = processIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseBridgeArgs(argv, io.env ?? process.env);
  } catch (e) {
    io.err(`meterscope bridge: ${(e as Error).message}\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.out(BRIDGE_USAGE);
    return 0;
  }
  let bridge: RunningBridge;
  try {
    bridge = await startBridge({ ...parsed.options, log: (line) => io.err(`${new Date().toISOString()} ${line}\n`) });
  } catch (e) {
    io.err(`meterscope bridge: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  // The token goes to stdout once, for the user to paste into Settings; it never appears in the log.
  io.out(`MeterScope bridge listening at ${bridge.url}\n`);
  // A token the user supplied is not echoed: they have it, and a terminal log need not.
  io.out(bridge.tokenGenerated ? `Token (new for this run): ${bridge.token}\n` : 'Token: the one given at start (not shown)\n');
  io.out(`In MeterScope: Settings > WebSocket bridge: address ${bridge.url} and this token.\n`);
  io.onStarted?.(bridge);

  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await bridge.close();
  io.err(`${new Date().toISOString()} bridge stopped\n`);
  return 0;
}
