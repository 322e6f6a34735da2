/**
 * The spool's small files beside its segments: the saved progress (state.json), the directory lock
 * (one poller per spool), and the directory fsync that makes a new segment's name durable.
 */
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeterError } from '../../core/errors';

export function readState(dir: string): { done: number; dropped: number } {
  try {
    const s = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { done?: unknown; dropped?: unknown };
    const done = typeof s.done === 'number' && Number.isInteger(s.done) && s.done >= 0 ? s.done : 0;
    const dropped = typeof s.dropped === 'number' && Number.isInteger(s.dropped) && s.dropped >= 0 ? s.dropped : 0;
    return { done, dropped };
  } catch {
    // No state (a new spool) or a damaged one: start from 0, which publishes everything again.
    return { done: 0, dropped: 0 };
  }
}

export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system lets a directory be fsync'd; the data itself was.
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function takeLock(dir: string): void {
  const path = join(dir, 'lock');
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(path, 'utf8').trim());
  } catch {
    owner = undefined;
  }
  // Our own pid is a crash simulated in-process (tests) or a spool reopened after close: not another poller.
  if (owner !== undefined && Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
    throw new MeterError('CONFIG_INVALID', `Another poller (pid ${owner}) uses the spool ${dir}: give each poller its own --poller-id.`);
  }
  writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
}

export function releaseLock(dir: string): void {
  try {
    unlinkSync(join(dir, 'lock'));
  } catch {
    // Already gone.
  }
}
