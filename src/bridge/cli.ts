/**
 * `meterscope bridge`: parse the options, start the bridge, print its URL and token, run until
 * SIGINT/SIGTERM (or the injected signal). Resolves with the exit code: 0 after a clean stop, 2 for bad
 * options, 1 when the bridge cannot start.
 */
import { DEFAULT_ORIGINS, DEFAULT_PORT, MIN_TOKEN_LENGTH, startBridge, type BridgeOptions, type RunningBridge } from './server';
import { parseAllowRule } from './allowlist';

export const BRIDGE_USAGE = `Usage: meterscope bridge --allow HOST:PORT [options]

A WebSocket-to-TCP bridge so the MeterScope app can read meters on the LAN.
Only targets named with --allow are reachable; requests need the token printed at start.

  --allow HOST:PORT | CIDR:PORT  a reachable target (repeatable), e.g. 192.168.1.50:4059 or 10.0.0.0/24:4059
  --port N                       port to listen on (default ${DEFAULT_PORT})
  --host ADDR                    interface to listen on (default 127.0.0.1; others can reach a non-loopback one)
  --origin URL                   allowed page origin (repeatable; default the app's dev and preview origins:
                                 ${DEFAULT_ORIGINS.join(', ')})
  --allow-no-origin              also accept clients that send no Origin header (non-browser tools)
  --token TEXT                   the secret clients must present (default: a new random one, printed)
  --max-connections N            simultaneous links (default 32)
  --max-message BYTES            largest WebSocket message accepted (default 65536)
  --idle SECONDS                 close links without traffic for this long (default 300)
  -h, --help                     this text
`;

export interface BridgeCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Stops the bridge; default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Called once the bridge listens (tests). */
  onStarted?: (bridge: RunningBridge) => void;
}

type Parsed = { help: true } | { help: false; options: BridgeOptions };

function positiveInt(name: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${name} must be a positive whole number, not "${v}"`);
  return Number(v);
}

export function parseBridgeArgs(argv: string[]): Parsed {
  const o: BridgeOptions = { allow: [], origins: [] };
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
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port must be 0..65535, not "${v}"`);
        o.port = Number(v);
        break;
      }
      case '--host':
        o.host = value();
        break;
      case '--token': {
        const t = value();
        if (t.length < MIN_TOKEN_LENGTH) throw new Error(`--token must be at least ${MIN_TOKEN_LENGTH} characters long`);
        o.token = t;
        break;
      }
      case '--max-connections':
        o.maxConnections = positiveInt(name, value());
        break;
      case '--max-message':
        o.maxMessageBytes = positiveInt(name, value());
        break;
      case '--idle':
        o.idleMs = positiveInt(name, value()) * 1000;
        break;
      default:
        throw new Error(`unknown option "${arg}"`);
    }
  }
  if (o.allow.length === 0) throw new Error('name at least one reachable target with --allow HOST:PORT (nothing is reachable otherwise)');
  return { help: false, options: o };
}

const processIo: BridgeCliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export async function runBridgeCli(argv: string[], io: BridgeCliIo = processIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseBridgeArgs(argv);
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
  io.out(`Token${bridge.tokenGenerated ? ' (new for this run)' : ''}: ${bridge.token}\n`);
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
