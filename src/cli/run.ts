/**
 * The reader behind `meterscope -c config.json`: validate the configuration, build the engine on the
 * Node transports, print readings, return the exit code. Everything process-specific (argv, signals,
 * files, the streams) comes in through CliIo and ReadDeps, so tests run it in-process.
 */
import { formatIssue, validateConfigAsync } from '../config';
import type { DeviceConfig, MeterConfig } from '../config/types';
import type { Clock } from '../core/clock';
import { toMeterError } from '../core/errors';
import type { Link } from '../core/link';
import { Logger, isSecretField } from '../core/logger';
import type { Reading } from '../core/reading';
import { realClock } from '../core/real-clock';
import { Engine, portTag, type DeviceDriver } from '../engine';
import { createNodeOpenLink, looksLikePortName } from '../transports/node/open-device-link';
import type { InvocationCounterStore } from '../protocols/dlms-client/invocation-counter';
import type { ReadCommand } from './args';
import { counterStore, createDriver } from './drivers';
import { createFormatter } from './format';
import type { MqttRun } from './mqtt-run';
import { selectShard } from './shard';
import { stderrTraceSink } from './trace';

import { EXIT_OK, EXIT_READ_FAILED, EXIT_USAGE } from './exit-codes';

export { EXIT_OK, EXIT_READ_FAILED, EXIT_USAGE };

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface ReadDeps {
  readFile(path: string): Promise<string>;
  /** Aborted on SIGINT/SIGTERM: polling stops cleanly, a --once read is cancelled. */
  stop?: AbortSignal;
  clock?: Clock;
  /** Defaults: the Node transports (TCP, serialport) and the protocol drivers. */
  openLink?: (device: DeviceConfig) => Promise<Link>;
  createDriver?: (device: DeviceConfig) => DeviceDriver;
  /** Environment for --mqtt credentials and the state directory (default process.env). */
  env?: Record<string, string | undefined>;
  /** --mqtt reconnection back-off (tests shorten it). */
  mqttReconnectMs?: { min: number; max: number };
  /** How long --mqtt --once waits for the broker to take the spool (default 15 s). */
  mqttOnceDrainMs?: number;
  /** Where PUSH devices keep their last invocation counter; default the state directory's file. */
  pushCounterStore?: InvocationCounterStore;
}

/** Loads and validates; on failure prints every error with its path and returns undefined. */
async function loadConfig(path: string, io: CliIo, readFile: ReadDeps['readFile'], stop?: AbortSignal): Promise<MeterConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
    io.stderr(`meterscope: cannot read the configuration ${path}: ${why}\n`);
    return undefined;
  }
  // Abortable: a huge document must not make the command deaf to Ctrl+C and SIGTERM.
  const result = await validateConfigAsync(text, stop ? { signal: stop } : {}).catch(() => {
    io.stderr('meterscope: stopped while checking the configuration\n');
    return undefined;
  });
  if (result === undefined) return undefined;
  if (result.ok) return result.config;
  const n = result.errors.length;
  io.stderr(`meterscope: ${path}: the configuration has ${n} error${n === 1 ? '' : 's'}; nothing was read:\n`);
  for (const issue of result.errors) io.stderr(`  ${formatIssue(issue)}\n`);
  return undefined;
}

/** Does `device` sit on the port the user named with -p (its tag, its port name, or the mapped path)? */
function onPort(device: DeviceConfig, port: string, map: ReadonlyMap<string, string>): boolean {
  if (portTag(device) === port) return true;
  if (device.transport === 'serial' && device.device !== undefined) return device.device === port || map.get(device.device) === port;
  return false;
}

/** Only the devices on `port`, and their signals. */
function selectPort(config: MeterConfig, port: string, map: ReadonlyMap<string, string>): MeterConfig {
  const devices = config.devices.filter((d) => onPort(d, port, map));
  const aliases = new Set(devices.map((d) => d.device_alias));
  return { devices, signals: config.signals.filter((s) => aliases.has(s.device_alias)) };
}

/** Port names (PORT1) of enabled serial devices that no --map resolves. */
function unmappedPorts(config: MeterConfig, map: ReadonlyMap<string, string>): string[] {
  const names = config.devices
    .filter((d) => d.enable !== 0 && d.transport === 'serial' && d.device !== undefined && looksLikePortName(d.device) && !map.has(d.device))
    .map((d) => d.device as string);
  return [...new Set(names)];
}

/** Passwords and keys of every device, so no trace line or hex dump shows them. */
function registerSecrets(logger: Logger, config: MeterConfig): void {
  for (const device of config.devices) {
    for (const [field, value] of Object.entries(device)) {
      if (typeof value === 'string' && value !== '' && isSecretField(field)) logger.addSecret(value);
    }
  }
}

export async function runRead(cmd: ReadCommand, io: CliIo, deps: ReadDeps): Promise<number> {
  const loaded = await loadConfig(cmd.config, io, deps.readFile, deps.stop);
  if (!loaded) return EXIT_USAGE;

  let config = loaded;
  if (cmd.port !== undefined) {
    config = selectPort(loaded, cmd.port, cmd.map);
    if (config.devices.length === 0) {
      const ports = [...new Set(loaded.devices.map(portTag))].join(', ') || 'none';
      io.stderr(`meterscope: no device of the configuration is on port "${cmd.port}" (its ports: ${ports})\n`);
      return EXIT_USAGE;
    }
  }
  if (cmd.shard) {
    config = selectShard(config, cmd.shard);
    io.stderr(`meterscope: shard ${cmd.shard.index}/${cmd.shard.count}: ${config.devices.length} of ${loaded.devices.length} device(s)\n`);
  }
  if (!deps.openLink) {
    const unmapped = unmappedPorts(config, cmd.map);
    if (unmapped.length > 0) {
      for (const name of unmapped) io.stderr(`meterscope: ${name} is a port name: map it to a serial port with --map ${name}=/dev/ttyUSB0\n`);
      return EXIT_USAGE;
    }
  }

  const logger = new Logger(cmd.debug);
  registerSecrets(logger, loaded);
  const tags = cmd.port === undefined ? undefined : new Set(config.devices.map(portTag));
  if (cmd.debug > 0) {
    const sink = stderrTraceSink(io.stderr);
    logger.addSink((line) => {
      if (!tags || tags.has(line.port)) sink(line);
    });
  }

  // --mqtt: the engine commits into the MQTT spool first; loaded only when asked for.
  let mqtt: MqttRun | undefined;
  if (cmd.mqtt) {
    const { MqttRun } = await import('./mqtt-run');
    const started = await MqttRun.start(cmd, config, {
      env: deps.env ?? process.env,
      logger,
      stderr: io.stderr,
      ...(deps.mqttReconnectMs ? { reconnectMinMs: deps.mqttReconnectMs.min, reconnectMaxMs: deps.mqttReconnectMs.max } : {}),
    });
    if (typeof started === 'number') return started;
    mqtt = started;
  }
  const printing = !mqtt || mqtt.print;

  const formatter = createFormatter(cmd.format, {
    deviceAliases: config.devices.map((d) => d.device_alias),
    signalAliases: config.signals.map((s) => s.signal_alias),
  });
  let headerDone = false;
  const print = (readings: readonly Reading[]) => {
    if (readings.length === 0 || !printing) return;
    if (!headerDone) {
      headerDone = true;
      io.stdout(formatter.header());
    }
    io.stdout(formatter.rows(readings));
  };

  const engine = new Engine({
    config,
    clock: deps.clock ?? realClock,
    logger,
    openLink: deps.openLink ?? createNodeOpenLink({ portMap: cmd.map, log: (port) => logger.forPort(port) }),
    createDriver: deps.createDriver ?? createDriver,
    // A PUSH device (issue 14) prints each push as it comes, through the 'readings' events below.
    pushCounterStore: deps.pushCounterStore ?? counterStore,
    ...(mqtt ? { commit: mqtt.commit } : {}),
    onEvent: (e) => {
      mqtt?.onEvent(e);
      if (!cmd.once && e.type === 'readings') print(e.readings);
    },
  });

  const stop = deps.stop;
  if (cmd.once) {
    const onStop = () => void engine.stop();
    stop?.addEventListener('abort', onStop, { once: true });
    try {
      const readings = await engine.readOnce();
      if (readings.length === 0) {
        io.stderr('meterscope: nothing to read: no enabled device has an enabled signal\n');
        return EXIT_READ_FAILED;
      }
      print(readings);
      const code = readings.every((r) => r.quality === 'good') ? EXIT_OK : EXIT_READ_FAILED;
      return mqtt ? await mqtt.onceExit(code, io.stderr, deps.mqttOnceDrainMs) : code;
    } catch (e) {
      const err = toMeterError(e);
      io.stderr(`meterscope: ${err.code === 'CANCELLED' ? 'interrupted' : err.message}\n`);
      return EXIT_READ_FAILED;
    } finally {
      stop?.removeEventListener('abort', onStop);
      await engine.stop();
      await mqtt?.close();
    }
  }

  if (stop?.aborted) {
    await mqtt?.close();
    return EXIT_OK;
  }
  engine.start();
  await new Promise<void>((resolve) => {
    stop?.addEventListener('abort', () => resolve(), { once: true });
    // A broker that refused the credentials or TLS will not change its mind: stop (the spool keeps all).
    mqtt?.refused.addEventListener('abort', () => resolve(), { once: true });
  });
  await engine.stop();
  await mqtt?.close();
  return mqtt ? mqtt.pollingExit(EXIT_OK) : EXIT_OK;
}
