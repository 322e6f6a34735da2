/**
 * DLMS invocation counters for the command-line reader, kept in a JSON file so they keep increasing
 * from one run to the next (a meter refuses a counter it has seen). Default place:
 * ~/.meterscope/invocation-counters.json, or $METERSCOPE_STATE_DIR/invocation-counters.json.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { MeterError } from '../core/errors';
import { checkCounterValue, type InvocationCounterStore } from '../protocols/dlms-client/invocation-counter';

export function defaultCounterFile(env: Record<string, string | undefined> = process.env): string {
  return join(env.METERSCOPE_STATE_DIR || join(homedir(), '.meterscope'), 'invocation-counters.json');
}

export class FileInvocationCounterStore implements InvocationCounterStore {
  /** Writes are chained so two sessions of one run never interleave a read-modify-write. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {}

  private key(meterKey: string, client: number): string {
    return `${meterKey}|${client}`;
  }

  private async load(): Promise<Record<string, number>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, number>) : {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new MeterError('STORAGE', `Cannot read the invocation counters in ${this.path}: ${(e as Error).message}`);
    }
  }

  async get(meterKey: string, client: number): Promise<number | undefined> {
    await this.queue;
    const v = (await this.load())[this.key(meterKey, client)];
    return typeof v === 'number' ? v : undefined;
  }

  set(meterKey: string, client: number, value: number): Promise<void> {
    const run = this.queue.then(async () => {
      checkCounterValue(value);
      const all = await this.load();
      const k = this.key(meterKey, client);
      const old = all[k];
      if (typeof old === 'number' && value < old) {
        throw new MeterError('PROTOCOL', `Invocation counter would go backwards (${value} after ${old}); refused.`);
      }
      all[k] = value;
      await mkdir(dirname(this.path), { recursive: true });
      // Write then rename: a crash leaves the old file or the new one, never half of one.
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.path);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
