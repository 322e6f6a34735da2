/**
 * What the DLMS reader learnt about each meter (classes, scalers, list behaviour) for the command-line
 * reader, kept in a JSON file so the next run starts from it. Default place:
 * ~/.meterscope/meter-knowledge.json, or $METERSCOPE_STATE_DIR/meter-knowledge.json. A damaged file is
 * only a lost cache: it is set aside and learning starts again.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { MeterError } from '../core/errors';
import type { MeterKnowledgeData, MeterKnowledgeStore } from '../protocols/dlms-client/knowledge';

export function defaultKnowledgeFile(env: Record<string, string | undefined> = process.env): string {
  return join(env.METERSCOPE_STATE_DIR || join(homedir(), '.meterscope'), 'meter-knowledge.json');
}

const MAX_METERS = 2000;

/** Writes to one file are chained (per path, whatever the instance) so no read-modify-write interleaves. */
const queues = new Map<string, Promise<unknown>>();

export class FileKnowledgeStore implements MeterKnowledgeStore {
  constructor(private readonly path: string) {}

  private get queue(): Promise<unknown> {
    return queues.get(this.path) ?? Promise.resolve();
  }

  private set queue(p: Promise<unknown>) {
    queues.set(this.path, p);
  }

  private async loadAll(): Promise<Record<string, MeterKnowledgeData>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new MeterError('STORAGE', `Cannot read ${this.path}: ${(e as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, MeterKnowledgeData>) : {};
    } catch {
      // Damaged (a crash between write and rename cannot do this, an editor can): keep it aside, start over.
      await rename(this.path, `${this.path}.damaged`).catch(() => undefined);
      return {};
    }
  }

  async load(meterKey: string): Promise<MeterKnowledgeData | undefined> {
    await this.queue;
    return (await this.loadAll())[meterKey];
  }

  save(meterKey: string, data: MeterKnowledgeData): Promise<void> {
    const run = this.queue.then(async () => {
      const all = await this.loadAll();
      // Most recently saved last; the file keeps the newest MAX_METERS meters (it is a cache, not a record).
      delete all[meterKey];
      all[meterKey] = data;
      const keys = Object.keys(all);
      for (const k of keys.slice(0, Math.max(0, keys.length - MAX_METERS))) delete all[k];
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
