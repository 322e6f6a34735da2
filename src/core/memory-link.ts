import type { Clock } from './clock';
import { MeterError } from './errors';
import { type LineSettings, type Link, LINE_9600_8N1, charTimeMs } from './link';

/**
 * A memory wire between a client and a simulated meter, with the timing and failure modes of a real
 * serial line (or, with kind 'stream', of a TCP connection). Tests and benchmarks run whole sessions over
 * it under a VirtualClock; the demo meter runs over it in real time.
 */

export type Direction = 'toMeter' | 'toClient';

export interface MemoryPairOptions {
  line?: LineSettings;
  kind?: 'serial' | 'stream';
  /** Extra one-way delay per write (modem, USB latency, TCP round trip / 2). */
  latencyMs?: number;
  /**
   * A reader wakes when the first byte arrives, or later by up to this many characters of the same burst
   * (like a USB serial adapter's FIFO). Fewer wake-ups make long virtual sessions fast; timing of message
   * ends stays exact because a burst ends at its last byte.
   */
  burstChars?: number;
}

interface InFlight {
  at: number;
  byte: number;
  sent: LineSettings;
  burst: number;
}

export interface WireStats {
  bytesOut: number;
  bytesIn: number;
  writes: number;
}

export class MemoryLink implements Link {
  readonly kind: 'serial' | 'stream';
  line: LineSettings;
  onLost?: (reason: string) => void;
  readonly stats: WireStats = { bytesOut: 0, bytesIn: 0, writes: 0 };

  /** Set by the pair: the other end. */
  peer!: MemoryLink;
  private rx: number[] = [];
  private inflight: InFlight[] = [];
  private waiter?: { wake: () => void; cancel: () => void };
  private closed = false;
  private lostReason?: string;
  /** When this end's transmitter is next free. */
  private txFreeAt = 0;

  constructor(
    private readonly clock: Clock,
    readonly role: 'client' | 'meter',
    private readonly wire: WirePair,
    line: LineSettings,
    kind: 'serial' | 'stream',
  ) {
    this.line = { ...line };
    this.kind = kind;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    if (bytes.length === 0) return;
    this.stats.bytesOut += bytes.length;
    this.stats.writes++;
    const done = this.wire.transmit(this, bytes);
    const wait = done - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    this.assertOpen();
  }

  async read(maxWaitMs: number): Promise<Uint8Array> {
    this.assertOpen();
    const deadline = this.clock.now() + Math.max(0, maxWaitMs);
    for (;;) {
      this.collect();
      if (this.rx.length > 0) return this.take();
      const now = this.clock.now();
      if (now >= deadline) return new Uint8Array(0);
      const wakeAt = Math.min(deadline, this.burstWakeTime());
      await new Promise<void>((resolve) => {
        const cancel = this.clock.schedule(wakeAt - now, () => {
          this.waiter = undefined;
          resolve();
        });
        this.waiter = {
          wake: () => {
            cancel();
            this.waiter = undefined;
            resolve();
          },
          cancel,
        };
      });
      this.assertOpen();
    }
  }

  async setLine(settings: LineSettings): Promise<void> {
    this.assertOpen();
    if (this.kind === 'stream') {
      this.line = { ...settings };
      return;
    }
    // Pending output leaves with the old settings first, as on a real port that is closed and reopened.
    const wait = this.txFreeAt - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    this.line = { ...settings };
  }

  discardInput(): void {
    this.collect();
    this.rx = [];
  }

  async close(): Promise<void> {
    this.wire.shutdown(undefined);
  }

  /** @internal called by the wire */
  enqueue(item: InFlight): void {
    const q = this.inflight;
    if (q.length === 0 || q[q.length - 1].at <= item.at) q.push(item);
    else {
      // Echo and meter bytes can overlap in time; keep arrival order.
      let lo = 0;
      let hi = q.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (q[mid].at <= item.at) lo = mid + 1;
        else hi = mid;
      }
      q.splice(lo, 0, item);
    }
    // A waiting reader re-plans its wake-up: new bytes may be due before its current timer.
    this.waiter?.wake();
  }

  /** @internal */
  get transmitterFreeAt(): number {
    return this.txFreeAt;
  }
  set transmitterFreeAt(t: number) {
    this.txFreeAt = t;
  }

  /** @internal */
  terminate(reason: string | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.lostReason = reason;
    this.waiter?.wake();
    if (reason !== undefined) this.onLost?.(reason);
  }

  private assertOpen(): void {
    if (this.closed) throw new MeterError('PORT_LOST', this.lostReason ?? 'The link is closed.');
  }

  /** Move arrived bytes into the receive buffer, decoding each with this end's current settings. */
  private collect(): void {
    const now = this.clock.now();
    let n = 0;
    while (n < this.inflight.length && this.inflight[n].at <= now) {
      const item = this.inflight[n++];
      const b = this.kind === 'stream' ? item.byte : receiveChar(item.byte, item.sent, this.line);
      if (b !== null) this.rx.push(b);
    }
    if (n > 0) this.inflight.splice(0, n);
  }

  private burstWakeTime(): number {
    const first = this.inflight[0];
    if (!first) return Infinity;
    const limit = this.wire.burstChars;
    let i = 0;
    while (i + 1 < this.inflight.length && i + 1 < limit && this.inflight[i + 1].burst === first.burst) i++;
    return this.inflight[i].at;
  }

  private take(): Uint8Array {
    const out = Uint8Array.from(this.rx);
    this.rx = [];
    this.stats.bytesIn += out.length;
    return out;
  }
}

/** One-shot and random faults, per direction. */
export class WireFaults {
  private drop: Record<Direction, number> = { toMeter: 0, toClient: 0 };
  private corrupt: Record<Direction, number> = { toMeter: 0, toClient: 0 };
  private duplicate: Record<Direction, number> = { toMeter: 0, toClient: 0 };
  private delay: Record<Direction, number> = { toMeter: 0, toClient: 0 };
  private random = { drop: 0, corrupt: 0, duplicate: 0 };
  private seed = 1;
  echo = false;

  /** Lose the next `n` bytes sent in direction `dir`. */
  dropNext(dir: Direction, n = 1): void {
    this.drop[dir] += n;
  }
  /** Flip bits in the next `n` bytes. */
  corruptNext(dir: Direction, n = 1): void {
    this.corrupt[dir] += n;
  }
  /** Deliver the next `n` bytes twice. */
  duplicateNext(dir: Direction, n = 1): void {
    this.duplicate[dir] += n;
  }
  /** Hold the next write in `dir` back by `ms` before it starts. */
  delayNext(dir: Direction, ms: number): void {
    this.delay[dir] += ms;
  }
  /** The client hears its own bytes, as with many optical heads. */
  setEcho(on: boolean): void {
    this.echo = on;
  }
  /** Random drop / corrupt / duplicate probability per byte, repeatable through the seed. */
  setRandom(opts: { drop?: number; corrupt?: number; duplicate?: number; seed?: number }): void {
    this.random = { drop: opts.drop ?? 0, corrupt: opts.corrupt ?? 0, duplicate: opts.duplicate ?? 0 };
    this.seed = (opts.seed ?? 1) >>> 0 || 1;
  }

  /** @internal */
  takeDelay(dir: Direction): number {
    const d = this.delay[dir];
    this.delay[dir] = 0;
    return d;
  }

  /** @internal: what happens to one byte: the bytes to deliver (0, 1 or 2 of them). */
  apply(dir: Direction, byte: number): number[] {
    if (this.drop[dir] > 0) {
      this.drop[dir]--;
      return [];
    }
    if (this.random.drop > 0 && this.rand() < this.random.drop) return [];
    let b = byte;
    if (this.corrupt[dir] > 0) {
      this.corrupt[dir]--;
      b ^= 0x5a;
    } else if (this.random.corrupt > 0 && this.rand() < this.random.corrupt) {
      b ^= 1 << Math.floor(this.rand() * 8);
    }
    if (this.duplicate[dir] > 0) {
      this.duplicate[dir]--;
      return [b, b];
    }
    if (this.random.duplicate > 0 && this.rand() < this.random.duplicate) return [b, b];
    return [b];
  }

  private rand(): number {
    // mulberry32: small, seedable, good enough for fault injection.
    let t = (this.seed = (this.seed + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

class WirePair {
  readonly client: MemoryLink;
  readonly meter: MemoryLink;
  readonly faults = new WireFaults();
  readonly burstChars: number;
  private readonly latency: number;
  private burstSeq = 0;

  constructor(
    private readonly clock: Clock,
    opts: MemoryPairOptions,
  ) {
    const line = opts.line ?? LINE_9600_8N1;
    const kind = opts.kind ?? 'serial';
    this.latency = opts.latencyMs ?? 0;
    this.burstChars = Math.max(1, opts.burstChars ?? 64);
    this.client = new MemoryLink(clock, 'client', this, line, kind);
    this.meter = new MemoryLink(clock, 'meter', this, line, kind);
    this.client.peer = this.meter;
    this.meter.peer = this.client;
  }

  /** Schedules the bytes on the sender's transmitter; returns when the last one has left the line. */
  transmit(from: MemoryLink, bytes: Uint8Array): number {
    const to = from.peer;
    const dir: Direction = from.role === 'client' ? 'toMeter' : 'toClient';
    const now = this.clock.now();
    const sent = { ...from.line };
    const perChar = from.kind === 'stream' ? 0 : charTimeMs(sent);
    let t = Math.max(now, from.transmitterFreeAt) + this.faults.takeDelay(dir);
    const burst = this.burstSeq++;
    for (let i = 0; i < bytes.length; i++) {
      t += perChar;
      const at = t + this.latency;
      for (const b of this.faults.apply(dir, bytes[i])) to.enqueue({ at, byte: b, sent, burst });
      if (this.faults.echo && from.role === 'client') from.enqueue({ at, byte: bytes[i], sent, burst });
    }
    from.transmitterFreeAt = t;
    return t;
  }

  shutdown(reason: string | undefined): void {
    this.client.terminate(reason);
    this.meter.terminate(reason);
  }
}

export interface SerialPair {
  client: MemoryLink;
  meter: MemoryLink;
  faults: WireFaults;
  /** Pull the plug: both ends fail with PORT_LOST and `onLost` fires. */
  unplug(): void;
}

export function createSerialPair(clock: Clock, opts: MemoryPairOptions = {}): SerialPair {
  const wire = new WirePair(clock, opts);
  return {
    client: wire.client,
    meter: wire.meter,
    faults: wire.faults,
    unplug: () => wire.shutdown('The probe was unplugged.'),
  };
}

/**
 * What a UART with settings `rx` makes of one character sent with settings `tx`. At the same baud rate the
 * bit stream is decoded for real: a 7E1 character read as 8N1 keeps its parity bit as bit 7; an 8N1
 * character read as 7E1 fails its parity check about half the time and is dropped (as drivers do with
 * parity errors); a missing stop bit is a framing error. At another baud rate the receiver samples at the
 * wrong moments, which gives garbage or nothing.
 */
export function receiveChar(byte: number, tx: LineSettings, rx: LineSettings): number | null {
  if (tx.baudRate !== rx.baudRate) {
    const ratio = tx.baudRate / rx.baudRate;
    // A much faster sender is a glitch shorter than one bit: nothing is seen. Otherwise: garbage.
    if (ratio > 4) return null;
    return (Math.imul(byte ^ 0xa5, 0x9d) + Math.round(ratio * 7)) & 0xff;
  }
  if (tx.dataBits === rx.dataBits && tx.parity === rx.parity) {
    return byte & ((1 << rx.dataBits) - 1);
  }
  const bits = frameBits(byte, tx);
  // bits[0] is the start bit; past the sender's frame the line idles at 1.
  const bit = (i: number) => (i < bits.length ? bits[i] : 1);
  let value = 0;
  for (let i = 0; i < rx.dataBits; i++) value |= bit(1 + i) << i;
  let pos = 1 + rx.dataBits;
  if (rx.parity !== 'none') {
    const ones = popcount(value) + bit(pos);
    const ok = rx.parity === 'even' ? ones % 2 === 0 : ones % 2 === 1;
    if (!ok) return null;
    pos++;
  }
  if (bit(pos) !== 1) return null;
  return value;
}

function frameBits(byte: number, s: LineSettings): number[] {
  const bits = [0];
  const data = byte & ((1 << s.dataBits) - 1);
  for (let i = 0; i < s.dataBits; i++) bits.push((data >> i) & 1);
  if (s.parity !== 'none') {
    const ones = popcount(data);
    bits.push(s.parity === 'even' ? ones & 1 : (ones + 1) & 1);
  }
  for (let i = 0; i < s.stopBits; i++) bits.push(1);
  return bits;
}

function popcount(v: number): number {
  let n = 0;
  for (let x = v; x; x &= x - 1) n++;
  return n;
}

