/**
 * How a read run uses the MQTT output: the engine commits into the spool, status events go to the
 * broker, a refusal that cannot heal stops the run with EXIT_BROKER_REFUSED, and `--once` waits (a
 * while) for the spool to drain. Kept apart from run.ts so a run without --mqtt never loads it.
 */
import type { MeterConfig } from '../config/types';
import type { Logger } from '../core/logger';
import type { Reading } from '../core/reading';
import type { EngineEvent } from '../engine/types';
import type { ClassifiedBrokerError } from '../outputs/mqtt/broker-errors';
import type { ReadCommand } from './args';
import { EXIT_BROKER_REFUSED, EXIT_NOT_PUBLISHED, EXIT_USAGE } from './exit-codes';
import { MqttSetupError, describeRefusal, startMqtt, type Env, type MqttSetup } from './mqtt-setup';

/** How long `--once` waits for the broker to take the spool before leaving it for the next run. */
export const ONCE_DRAIN_MS = 15_000;

export interface MqttRunDeps {
  env: Env;
  logger: Logger;
  stderr: (text: string) => void;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export class MqttRun {
  private refusedBy?: ClassifiedBrokerError;
  private readonly refusal = new AbortController();

  private constructor(
    private readonly setup: MqttSetup,
    readonly print: boolean,
  ) {}

  /** An exit code when the options cannot work (unreadable files, a spool in use), else the run. */
  static async start(cmd: ReadCommand, config: MeterConfig, deps: MqttRunDeps): Promise<MqttRun | number> {
    const opts = cmd.mqtt!;
    let run: MqttRun | undefined;
    const onFinal = (e: ClassifiedBrokerError) => {
      deps.stderr(describeRefusal(opts.url, e));
      if (run) {
        run.refusedBy = e;
        run.refusal.abort();
      }
    };
    try {
      const setup = await startMqtt(opts, config, cmd.shard, { ...deps, onFinal });
      run = new MqttRun(setup, opts.print);
    } catch (e) {
      if (e instanceof MqttSetupError) {
        deps.stderr(`meterscope: ${e.message}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
    run.setup.output.start();
    return run;
  }

  readonly commit = (readings: Reading[]): Promise<void> => this.setup.output.commit(readings);
  readonly onEvent = (e: EngineEvent): void => this.setup.output.onEvent(e);

  /** Aborted when the broker refused this poller for good. */
  get refused(): AbortSignal {
    return this.refusal.signal;
  }

  /** The exit code of a polling run that ended (refused, or stopped). */
  pollingExit(code: number): number {
    return this.refusedBy ? EXIT_BROKER_REFUSED : code;
  }

  /** After a --once read: wait for the broker to take everything; the exit code that says how it went. */
  async onceExit(code: number, stderr: (t: string) => void, drainMs = ONCE_DRAIN_MS): Promise<number> {
    const out = this.setup.output;
    const drained = await out.drain(drainMs);
    if (this.refusedBy || out.refused) return EXIT_BROKER_REFUSED;
    if (!drained) {
      stderr(`meterscope: ${out.topics.prefix}: ${this.pendingCount()} reading(s) are spooled but not published (the broker was not reached); the next run publishes them first\n`);
      return EXIT_NOT_PUBLISHED;
    }
    return code;
  }

  private pendingCount(): number {
    return this.setup.output.pending;
  }

  close(): Promise<void> {
    return this.setup.output.close();
  }
}
