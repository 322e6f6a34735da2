/**
 * The spool: every reading bound for the broker is written here first (the engine's commit), and is
 * deleted only after the broker acknowledged it (PUBACK at QoS 1). So a broker outage, a refusal or a
 * restart of the poller loses nothing that was read: the records wait on disk and go out in order.
 *
 * On disk (one directory per poller id, under the CLI's state directory):
 * - `seg-<first seq>.jsonl`: append-only segments, one JSON record a line (`{"q":seq,"p":payload}`),
 *   each batch written then fsync'd before the commit resolves; a new segment every `segmentRecords`
 *   records and at every start, so a torn last line (power cut mid-write) is never appended to.
 * - `state.json`: the highest sequence number done (acknowledged or dropped) and the drop count,
 *   written to a temporary file, fsync'd and renamed. It may lag the acks: after a crash the lagging
 *   records are published again (QoS 1 allows duplicates, never gaps).
 * - `lock`: the pid of the poller using the directory; two pollers on one spool would publish twice.
 *
 * Bounded: beyond `maxRecords` waiting records the OLDEST are dropped, counted and reported through
 * `onDrop` (the CLI says so on stderr and on the poller's status topic).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { MeterError } from '../../core/errors';
import { isReadingPayload, type ReadingPayload } from './payload';
import { readState, releaseLock, syncDir, takeLock } from './spool-files';

export interface SpoolRecord {
  seq: number;
  payload: ReadingPayload;
}

interface Held extends SpoolRecord {
  acked?: boolean;
}

interface Segment {
  path: string;
  first: number;
  last: number;
}

export interface SpoolOptions {
  dir: string;
  /** Waiting records kept at most; the oldest beyond it are dropped. */
  maxRecords: number;
  segmentRecords?: number;
  /** `count` records were just dropped; `total` since the spool was created. */
  onDrop?: (count: number, total: number) => void;
  /** Lines of a segment that were not records (a damaged disk, an editor): skipped, reported. */
  onDamaged?: (count: number, file: string) => void;
}

export const DEFAULT_SEGMENT_RECORDS = 5000;
export const STATE_SAVE_MS = 250;
const SEGMENT_RE = /^seg-(\d{16})\.jsonl$/;

const segName = (first: number) => `seg-${String(first).padStart(16, '0')}.jsonl`;

interface PendingWrite {
  records: Held[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class Spool {
  /** Waiting records in sequence order; `head` is the first not yet done, `sent` the first not in flight. */
  private records: Held[] = [];
  private head = 0;
  private sent = 0;
  private readonly inflight = new Map<number, Held>();
  private lastSeq: number;
  private done: number;
  /** `done` as state.json has it: only segments below it may go (else a crash would lose their count). */
  private savedDone: number;
  private droppedTotal: number;
  private publishedTotal = 0;
  private segments: Segment[] = [];
  private current?: { handle: FileHandle; segment: Segment; count: number };
  private writes: PendingWrite[] = [];
  private flushing?: Promise<void>;
  private stateWriting?: Promise<void>;
  private stateDirty = false;
  /** Ends the wait before the next state write (close and abandon do not wait for the timer). */
  private wakeState?: () => void;
  private closed = false;
  private abandoned = false;
  private readonly segmentRecords: number;

  private constructor(
    private readonly opts: SpoolOptions,
    state: { done: number; dropped: number },
  ) {
    this.done = state.done;
    this.savedDone = state.done;
    this.lastSeq = state.done;
    this.droppedTotal = state.dropped;
    this.segmentRecords = opts.segmentRecords ?? DEFAULT_SEGMENT_RECORDS;
  }

  /** Opens (or creates) the spool in `dir` and loads what still waits, in order. */
  static async open(opts: SpoolOptions): Promise<Spool> {
    if (!Number.isInteger(opts.maxRecords) || opts.maxRecords < 1) throw new MeterError('CONFIG_INVALID', 'The spool needs room for at least one reading.');
    try {
      mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new MeterError('STORAGE', `Cannot create the spool directory ${opts.dir}: ${(e as Error).message}`);
    }
    takeLock(opts.dir);
    const spool = new Spool(opts, readState(opts.dir));
    spool.load();
    return spool;
  }

  private load(): void {
    const names = readdirSync(this.opts.dir)
      .filter((n) => SEGMENT_RE.test(n))
      .sort();
    for (const name of names) {
      const path = join(this.opts.dir, name);
      const first = Number(SEGMENT_RE.exec(name)![1]);
      const lines = readFileSync(path, 'utf8').split('\n');
      // The text after the last line break is a write the power cut interrupted: never committed.
      lines.pop();
      let last = first - 1;
      let damaged = 0;
      for (const line of lines) {
        let rec: unknown;
        try {
          rec = JSON.parse(line);
        } catch {
          damaged++;
          continue;
        }
        const r = rec as { q?: unknown; p?: unknown };
        if (typeof r.q !== 'number' || !Number.isInteger(r.q) || !isReadingPayload(r.p) || r.q <= last) {
          damaged++;
          continue;
        }
        last = r.q;
        this.lastSeq = Math.max(this.lastSeq, r.q);
        if (r.q > this.done) this.records.push({ seq: r.q, payload: r.p });
      }
      if (damaged > 0) this.opts.onDamaged?.(damaged, path);
      if (last <= this.done) unlinkSync(path);
      else this.segments.push({ path, first, last });
    }
    this.sent = this.head;
    this.applyCap();
  }

  /** Records waiting for the broker (in flight included). */
  get pending(): number {
    return this.records.length - this.head;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Records acknowledged since this spool was opened. */
  get published(): number {
    return this.publishedTotal;
  }

  /** Write `payloads` durably; resolves once they are fsync'd (the engine's commit), rejects with STORAGE. */
  append(payloads: readonly ReadingPayload[]): Promise<void> {
    if (this.closed) return Promise.reject(new MeterError('STORAGE', 'The spool is closed.'));
    if (payloads.length === 0) return Promise.resolve();
    const records = payloads.map((payload) => ({ seq: ++this.lastSeq, payload }));
    return new Promise<void>((resolve, reject) => {
      this.writes.push({ records, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      // An append that came after the loop's last look, before this line, still needs its write.
      if (this.writes.length > 0) this.kick();
    });
  }

  /** Group commit: everything appended while one fsync runs goes out with the next one. */
  private async flush(): Promise<void> {
    while (this.writes.length > 0) {
      const batch = this.writes.splice(0);
      try {
        let text = '';
        for (const w of batch) {
          for (const r of w.records) {
            if (!this.current) await this.startSegment(r.seq);
            text += `${JSON.stringify({ q: r.seq, p: r.payload })}\n`;
            const cur = this.current!;
            cur.segment.last = r.seq;
            if (++cur.count >= this.segmentRecords) {
              await cur.handle.write(text);
              text = '';
              await this.endSegment();
            }
          }
        }
        if (text !== '' && this.current) {
          await this.current.handle.write(text);
          await this.current.handle.datasync();
        }
      } catch (e) {
        const err = new MeterError('STORAGE', `Cannot write the spool in ${this.opts.dir}: ${(e as Error).message}`, { cause: e });
        for (const w of batch) w.reject(err);
        continue;
      }
      for (const w of batch) this.records.push(...w.records);
      this.applyCap();
      for (const w of batch) w.resolve();
    }
  }

  private async startSegment(first: number): Promise<void> {
    const path = join(this.opts.dir, segName(first));
    const handle = await open(path, 'a', 0o600);
    const segment = { path, first, last: first - 1 };
    this.segments.push(segment);
    this.current = { handle, segment, count: 0 };
    // The new name must survive a power cut as well as its content.
    syncDir(this.opts.dir);
  }

  private async endSegment(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    await cur.handle.datasync();
    await cur.handle.close();
    this.removeDoneSegments();
  }

  private applyCap(): void {
    const over = this.pending - this.opts.maxRecords;
    if (over <= 0) return;
    // Oldest first, in flight or not: a late PUBACK for a dropped record is then simply ignored.
    for (let i = this.head; i < this.head + over; i++) this.inflight.delete(this.records[i].seq);
    this.head += over;
    if (this.sent < this.head) this.sent = this.head;
    this.droppedTotal += over;
    this.advanceDone();
    this.opts.onDrop?.(over, this.droppedTotal);
  }

  /** Up to `max` records not yet sent, in order; they are in flight until ack() or requeue(). */
  take(max: number): SpoolRecord[] {
    const out: SpoolRecord[] = [];
    while (this.sent < this.records.length && out.length < max) {
      const r = this.records[this.sent++];
      if (r.acked) continue;
      this.inflight.set(r.seq, r);
      out.push(r);
    }
    return out;
  }

  /** The broker has it: done once every record before it is done too. */
  ack(seq: number): void {
    const r = this.inflight.get(seq);
    if (!r) return;
    this.inflight.delete(seq);
    r.acked = true;
    while (this.head < this.sent && this.records[this.head].acked) {
      this.head++;
      this.publishedTotal++;
    }
    this.advanceDone();
  }

  /** The connection is gone: what was in flight and not acknowledged goes out again, in order. */
  requeue(): void {
    this.inflight.clear();
    this.sent = this.head;
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  private advanceDone(): void {
    const done = this.head < this.records.length ? this.records[this.head].seq - 1 : Math.max(this.done, this.records.at(-1)?.seq ?? this.done);
    if (this.head > 4096 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.sent -= this.head;
      this.head = 0;
    }
    if (done <= this.done) return;
    this.done = done;
    this.saveState();
  }

  /** Coalesced: one write of state.json at a time, the latest values each time. */
  private saveState(): void {
    this.stateDirty = true;
    if (this.stateWriting || this.closed) return;
    this.stateWriting = (async () => {
      while (this.stateDirty && !this.closed) {
        this.stateDirty = false;
        // Progress is saved at most every STATE_SAVE_MS: an fsync per PUBACK burst would cap the
        // publishing rate at the disk's fsync rate. A crash repeats at most that much (QoS 1 duplicates).
        await new Promise<void>((r) => {
          this.wakeState = r;
          setTimeout(r, STATE_SAVE_MS).unref();
        });
        this.wakeState = undefined;
        if (this.abandoned) break;
        this.writeState();
        this.removeDoneSegments();
      }
    })().finally(() => {
      this.stateWriting = undefined;
      if (this.stateDirty && !this.closed) this.saveState();
    });
  }

  private writeState(): void {
    const path = join(this.opts.dir, 'state.json');
    const tmp = `${path}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify({ done: this.done, dropped: this.droppedTotal })}\n`, { mode: 0o600 });
      const fd = openSync(tmp, 'r+');
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, path);
      this.savedDone = this.done;
    } catch {
      // Only progress is lost: the records are published again after a restart.
    }
  }

  private removeDoneSegments(): void {
    this.segments = this.segments.filter((s) => {
      if (s.last > this.savedDone || s === this.current?.segment) return true;
      try {
        unlinkSync(s.path);
      } catch {
        return true;
      }
      return false;
    });
  }

  /** Waits for every write, saves the progress and releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    this.wakeState?.();
    while (this.stateWriting) await this.stateWriting;
    this.writeState();
    await this.endSegmentQuietly();
    this.removeDoneSegments();
    releaseLock(this.opts.dir);
  }

  /** A crash, for tests: no more writes at all, nothing saved, the lock left behind. */
  async abandon(): Promise<void> {
    this.closed = true;
    this.abandoned = true;
    this.wakeState?.();
    await this.flushing?.catch(() => undefined);
    await this.stateWriting;
    await this.current?.handle.close().catch(() => undefined);
    this.current = undefined;
  }

  private async endSegmentQuietly(): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    if (cur) await cur.handle.close().catch(() => undefined);
  }
}
