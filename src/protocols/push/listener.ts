import { MeterError, ProtocolError } from '../../core/errors';
import { isTimeZone } from '../iec62056-21/local-time';
import { fromHex } from '../dlms/hex';
import { LinkDetector, deframerFor, type DetectedLayer } from './detect';
import type { Deframer, LinkOutput } from './link-frames';
import { openPush } from './push-apdu';
import { bodyValues } from './shapes';
import type { PushCounters, PushEvent, PushListenerOptions } from './types';
import { pushTime } from './values';

/**
 * Bytes from a push port in (any chunking), push and bad events out, in stream order.
 *
 * `feed` is async because deciphering uses WebCrypto (async everywhere); calls are serialised, so
 * the caller may feed without awaiting the previous call, and the events of consecutive feeds
 * concatenated are the same for any chunking of the same stream. Nothing here throws on input:
 * every fault is a 'bad' event with a typed ProtocolError.
 */
export class PushListener {
  private readonly opts: PushListenerOptions;
  readonly counters: PushCounters = {
    frames: 0,
    pushes: 0,
    bad: { crc: 0, gcm: 0, counter: 0, frame: 0, apdu: 0, shape: 0 },
    skippedBytes: 0,
  };
  private detected?: DetectedLayer;
  private deframer?: Deframer;
  private detector?: LinkDetector;
  private lastIc?: number;
  private queue: Promise<unknown> = Promise.resolve();

  /** Throws CONFIG_INVALID for keys, title or zone of the wrong form (the caller's configuration, not input). */
  constructor(opts: PushListenerOptions = {}) {
    checkOptions(opts);
    this.opts = opts;
    if (opts.lastInvocationCounter !== undefined) this.lastIc = opts.lastInvocationCounter;
    this.reset();
  }

  get detectedLinkLayer(): DetectedLayer | undefined {
    return this.detected;
  }

  /** The highest invocation counter accepted so far (persist it; give it back as `lastInvocationCounter`). */
  get lastInvocationCounter(): number | undefined {
    return this.lastIc;
  }

  /** Feed received bytes; resolves with the events completed by them. */
  feed(chunk: Uint8Array): Promise<PushEvent[]> {
    const copy = chunk.slice();
    return this.serial(() => this.handle(this.link(copy)));
  }

  /**
   * The line went quiet (call it on every silence between pushes, whatever the layer): whole frames
   * still buffered behind a false frame start are taken, then a half-received message is dropped (a
   * 'frame' event). Segments carry no message number, so without this the surviving segments of a
   * push whose end was lost could join the next push's into a well-formed list of wrong values.
   */
  flush(): Promise<PushEvent[]> {
    return this.serial(async () => {
      let outs: LinkOutput[] = [];
      if (this.deframer) outs = this.deframer.flush();
      else {
        const won = this.detector!.flush();
        if (won) {
          this.adopt(won.layer, won.deframer);
          outs = won.outputs;
        } else this.detector = new LinkDetector(); // raw may start at the next byte
      }
      this.countSkipped();
      return this.handle(outs);
    });
  }

  private reset(): void {
    const layer = this.opts.linkLayer ?? 'auto';
    if (layer === 'auto') this.detector = new LinkDetector();
    else {
      this.detected = layer;
      this.deframer = deframerFor(layer);
    }
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private skippedBase = 0;

  private countSkipped(): void {
    const now = this.deframer ? this.deframer.skipped : (this.detector?.skipped ?? 0);
    if (now > this.skippedBase) this.counters.skippedBytes += now - this.skippedBase;
    this.skippedBase = now;
  }

  private link(chunk: Uint8Array): LinkOutput[] {
    if (this.deframer) {
      const outs = this.deframer.push(chunk);
      this.countSkipped();
      return outs;
    }
    const won = this.detector!.push(chunk);
    if (!won) return [];
    this.adopt(won.layer, won.deframer);
    this.countSkipped();
    return won.outputs;
  }

  private adopt(layer: DetectedLayer, deframer: Deframer): void {
    this.detected = layer;
    this.deframer = deframer;
    this.detector = undefined;
    this.skippedBase = 0;
  }

  private async handle(outs: LinkOutput[]): Promise<PushEvent[]> {
    const events: PushEvent[] = [];
    for (const o of outs) {
      this.counters.frames += o.frames;
      if (o.kind === 'bad') {
        events.push(this.bad(o.reason, o.error, o.bytes));
        continue;
      }
      events.push(await this.decode(o.apdu, o.bytes));
    }
    return events;
  }

  private bad(reason: keyof PushCounters['bad'], error: ProtocolError, bytes: number): PushEvent {
    this.counters.bad[reason]++;
    return { kind: 'bad', reason, error, bytes };
  }

  private async decode(apdu: Uint8Array, bytes: number): Promise<PushEvent> {
    let opened;
    try {
      opened = await openPush(apdu, this.opts, this.lastIc);
    } catch (e) {
      return this.bad('apdu', e instanceof ProtocolError ? e : new ProtocolError('FRAMING', e instanceof Error ? e.message : String(e)), bytes);
    }
    if (!opened.ok) return this.bad(opened.reason, opened.error, bytes);
    const n = opened.notification;
    let body;
    try {
      body = bodyValues(n.body);
    } catch (e) {
      return this.bad('shape', e instanceof ProtocolError ? e : new ProtocolError('TYPE_MISMATCH', e instanceof Error ? e.message : String(e)), bytes);
    }
    // Only a push that decoded whole moves the counter on.
    if (opened.invocationCounter !== undefined) this.lastIc = opened.invocationCounter;
    this.counters.pushes++;
    const ev: PushEvent = { kind: 'push', values: body.values, bytes };
    // No date-time in the header: the meter clock in the body (Netz NÖ puts it first) stands in.
    const clock = n.dateTime ? undefined : body.values.find((v) => v.obis === '0.0.1.0.0.255' && v.raw);
    const stamp = n.dateTime ?? (clock?.raw ? fromHex(clock.raw) : undefined);
    let time: number | undefined;
    try {
      time = stamp ? pushTime(stamp, this.opts.timeZone) : undefined;
    } catch {
      time = undefined;
    }
    if (time !== undefined) ev.time = time;
    if (body.listId !== undefined) ev.listId = body.listId;
    if (opened.systemTitle !== undefined) ev.systemTitle = opened.systemTitle;
    if (opened.invocationCounter !== undefined) ev.invocationCounter = opened.invocationCounter;
    return ev;
  }
}

function checkOptions(o: PushListenerOptions): void {
  const bad = (what: string) => {
    throw new MeterError('CONFIG_INVALID', what);
  };
  if (o.blockCipherKey && o.blockCipherKey.length !== 16 && o.blockCipherKey.length !== 32) bad(`A block cipher key has 16 or 32 bytes, not ${o.blockCipherKey.length}.`);
  if (o.authenticationKey && o.authenticationKey.length !== 16 && o.authenticationKey.length !== 32) bad(`An authentication key has 16 or 32 bytes, not ${o.authenticationKey.length}.`);
  if (o.authenticationKey && !o.blockCipherKey) bad('An authentication key without a block cipher key.');
  if (o.systemTitle && o.systemTitle.length !== 8) bad(`A system title has 8 bytes, not ${o.systemTitle.length}.`);
  if (o.lastInvocationCounter !== undefined && !(Number.isInteger(o.lastInvocationCounter) && o.lastInvocationCounter >= 0 && o.lastInvocationCounter <= 0xffffffff)) {
    bad('The last invocation counter is not an integer in 0..4294967295.');
  }
  if (o.timeZone && !isTimeZone(o.timeZone)) bad(`Unknown time zone "${o.timeZone}".`);
  if (o.linkLayer && !['auto', 'hdlc', 'mbus', 'raw'].includes(o.linkLayer)) bad(`Unknown push link layer "${String(o.linkLayer)}".`);
}
