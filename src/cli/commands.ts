/**
 * What each command does once the arguments are parsed: help, version, read, sim. Returns the exit code;
 * main.ts only connects it to the process.
 */
import { USAGE, parseArgs, type SimCommand } from './args';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import type { CliIo, ReadDeps } from './run';
import { packageVersion } from './version';

// The reader and the simulators (the engine, every protocol) are loaded when a command needs them:
// `--version` and `--help` start in a fraction of the time (bench/cli-startup.bench.ts).

export async function runSim(cmd: SimCommand, io: CliIo, stop?: AbortSignal): Promise<number> {
  const [{ Logger }, { describeEndpoints, startSims }, { stderrTraceSink }] = await Promise.all([import('../core/logger'), import('./sim'), import('./trace')]);
  const logger = new Logger(cmd.debug);
  if (cmd.debug > 0) logger.addSink(stderrTraceSink(io.stderr));
  let sims;
  try {
    sims = await startSims({ host: cmd.host, basePort: cmd.basePort, logger });
  } catch (e) {
    io.stderr(`meterscope sim: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
  io.stdout(`meterscope sim: serving simulated meters (Ctrl+C to stop):\n${describeEndpoints(sims.endpoints)}`);
  if (!stop?.aborted) await new Promise<void>((resolve) => stop?.addEventListener('abort', () => resolve(), { once: true }));
  await sims.close();
  io.stdout('meterscope sim: stopped\n');
  return EXIT_OK;
}

export async function runCli(argv: readonly string[], io: CliIo, deps: ReadDeps): Promise<number> {
  if (argv[0] === 'bridge') {
    // The bridge has its own options (docs/bridge.md); loaded only when asked for.
    const { runBridgeCli } = await import('../bridge/cli');
    const bridgeIo: Parameters<typeof runBridgeCli>[1] = { out: io.stdout, err: io.stderr };
    if (deps.stop) bridgeIo.signal = deps.stop;
    return runBridgeCli(argv.slice(1), bridgeIo);
  }
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`meterscope: ${parsed.error}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const cmd = parsed.value;
  switch (cmd.command) {
    case 'help':
      io.stdout(USAGE);
      return EXIT_OK;
    case 'version':
      io.stdout(`meterscope ${packageVersion()}\n`);
      return EXIT_OK;
    case 'sim':
      return runSim(cmd, io, deps.stop);
    case 'read': {
      const { runRead } = await import('./run');
      return runRead(cmd, io, deps);
    }
  }
}
