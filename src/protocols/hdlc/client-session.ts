import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import { type DlmsTransport, type TransportStats, emptyTransportStats } from '../transport';
import { type HdlcAddress, clientAddress, sameAddress } from './address';
import { type HdlcFrame, type HdlcFrameInput, describeFrame, encodeFrame } from './frame';
import { HdlcFrameIo } from './frame-io';
import { addLlc, stripLlc } from './llc';
import { DEFAULT_HDLC_PARAMETERS, type HdlcParameters, clampParameters, decodeParameters, encodeParameters } from './params';
import { SendWindow, concat, splitSegments } from './sequence';

export interface HdlcClientOptions {
  /** Server (meter) address: see serverAddress() / serverAddressFromSerial(). */
  server: HdlcAddress;
  /** Client address (0x10 public, ...), a number or a 1-byte address. */
  client: number | HdlcAddress;
  /** Wait for an answer before polling again (timeout_ms). Default 2500. */
  timeoutMs?: number;
  /** Retries after the first attempt, per step (retry_counter). Default 3. */
  retries?: number;
  /** Put the parameter negotiation field in SNRM. Default true; some meters (Elgama) want a bare SNRM. */
  proposeParameters?: boolean;
  /** Values proposed in SNRM (client's view: Tx = what the client sends). Default 128 / 1. */
  proposal?: Partial<HdlcParameters>;
  /** Encode proposed windows in one byte rather than four. */
  compactWindow?: boolean;
  /** Accept I-frames whatever their N(S), and ignore N(R), for meters that number frames wrongly. */
  tolerateBrokenSequence?: boolean;
  /** How long to wait after RNR before polling again. Default 300 ms. */
  rnrWaitMs?: number;
  /** After a damaged frame, poll again after this much silence instead of the full timeout. Default min(timeoutMs, 500). */
  damagedWaitMs?: number;
  /** Drop an unfinished frame after this much silence on the line. Default 500 ms. */
  partialTimeoutMs?: number;
  /** Refuse responses larger than this (memory bound). Default 4 MiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  log?: SessionLog;
}

/**
 * HDLC client (primary station) over a Link: SNRM/UA, segmented and windowed I-frame exchange with
 * go-back-N recovery, RR/RNR, DISC. Satisfies DlmsTransport.
 */
export class HdlcClient implements DlmsTransport {
  readonly kind = 'hdlc' as const;
  readonly stats: TransportStats = emptyTransportStats();
  /** Parameters in force, from the client's view (maxInfoTx = largest information field it sends). */
  negotiated: HdlcParameters = { ...DEFAULT_HDLC_PARAMETERS };
  private isConnected = false;
  private busy = false;
  private vs = 0;
  private vr = 0;
  private readonly io: HdlcFrameIo;
  private readonly server: HdlcAddress;
  private readonly client: HdlcAddress;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(
    link: Link,
    private readonly clock: Clock,
    private readonly opts: HdlcClientOptions,
  ) {
    this.server = opts.server;
    this.client = typeof opts.client === 'number' ? clientAddress(opts.client) : opts.client;
    this.timeoutMs = opts.timeoutMs ?? 2500;
    this.retries = Math.max(0, opts.retries ?? 3);
    this.io = new HdlcFrameIo(link, clock, this.stats, opts.log, 250, opts.partialTimeoutMs);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get maxApduHint(): number | undefined {
    return undefined;
  }

  /** The SNRM this client sends (exposed for traces and tests). */
  snrmFrame(): Uint8Array {
    const info = this.opts.proposeParameters === false ? undefined : encodeParameters(this.proposal(), { compactWindow: this.opts.compactWindow });
    return encodeFrame({ type: 'SNRM', pf: true, dest: this.server, src: this.client, info });
  }

  discFrame(): Uint8Array {
    return encodeFrame({ type: 'DISC', pf: true, dest: this.server, src: this.client });
  }

  async connect(): Promise<void> {
    if (this.isConnected) return;
    return this.exclusive(async () => {
      const snrm = this.snrmFrame();
      this.io.clear();
      let heard = false;
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        if (attempt > 0) this.stats.retries++;
        this.io.resetPartial();
        await this.io.send(snrm, 'SNRM');
        const deadline = this.clock.now() + this.timeoutMs;
        for (;;) {
          const left = deadline - this.clock.now();
          if (left <= 0) break;
          const r = await this.io.next(left, this.opts.signal);
          if (!r) break;
          heard = true;
          if (!r.ok) continue;
          const f = r.frame;
          if (!this.fromServer(f)) continue;
          if (f.type === 'UA') {
            let ua: HdlcParameters;
            try {
              ua = decodeParameters(f.info);
            } catch (e) {
              // A UA with a garbled parameter field still means "connected"; the defaults are the safe reading.
              this.opts.log?.(2, `HDLC: UA parameters unreadable (${e instanceof Error ? e.message : String(e)}); using 128/1.`);
              ua = { ...DEFAULT_HDLC_PARAMETERS };
            }
            this.adopt(ua);
            this.vs = this.vr = 0;
            this.isConnected = true;
            this.opts.log?.(4, `HDLC connected: ${JSON.stringify(this.negotiated)}`);
            return;
          }
          if (f.type === 'DM') throw new MeterError('REJECTED', 'The meter answered SNRM with DM (disconnected mode).', { frame: r.raw });
          if (f.type === 'FRMR') throw new MeterError('PROTOCOL', 'The meter rejected SNRM (FRMR).', { frame: r.raw });
        }
      }
      throw new MeterError(heard ? 'TIMEOUT' : 'NO_ANSWER', `No UA to SNRM after ${this.retries + 1} attempt(s).`);
    });
  }

  async request(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.isConnected) throw new MeterError('PROTOCOL', 'HDLC is not connected: connect() first.');
    return this.exclusive(async () => {
      try {
        return await this.exchange(apdu);
      } catch (e) {
        // After a failed exchange the two sides may disagree on sequence numbers, and a late answer could
        // pass for the next one: only a fresh SNRM makes the link trustworthy again.
        this.isConnected = false;
        throw e;
      }
    });
  }

  async disconnect(): Promise<void> {
    if (!this.isConnected) return;
    return this.exclusive(async () => {
      this.isConnected = false;
      const disc = this.discFrame();
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        if (attempt > 0) this.stats.retries++;
        await this.io.send(disc, 'DISC');
        const deadline = this.clock.now() + this.timeoutMs;
        for (;;) {
          const left = deadline - this.clock.now();
          if (left <= 0) break;
          const r = await this.io.next(left, this.opts.signal);
          if (!r) break;
          if (r.ok && this.fromServer(r.frame) && (r.frame.type === 'UA' || r.frame.type === 'DM')) return;
        }
      }
      // The meter drops the connection on its own inactivity timer anyway; not worth failing a readout over.
      this.opts.log?.(2, 'HDLC: no answer to DISC; considering the link closed.');
    });
  }

  private proposal(): HdlcParameters {
    return clampParameters({ ...DEFAULT_HDLC_PARAMETERS, ...this.opts.proposal });
  }

  /** UA parameters are the server's view: its Tx is our Rx. */
  private adopt(ua: HdlcParameters): void {
    const proposed = this.opts.proposeParameters === false ? undefined : this.proposal();
    this.negotiated = clampParameters({
      maxInfoTx: proposed ? Math.min(proposed.maxInfoTx, ua.maxInfoRx) : ua.maxInfoRx,
      maxInfoRx: ua.maxInfoTx,
      windowTx: proposed ? Math.min(proposed.windowTx, ua.windowRx) : ua.windowRx,
      windowRx: ua.windowTx,
    });
  }

  private fromServer(f: HdlcFrame): boolean {
    // Our own echo (optical heads) and other stations' traffic on a bus end up here too.
    const ok = sameAddress(f.dest, this.client) && sameAddress(f.src, this.server);
    if (!ok) this.stats.badFrames++;
    return ok;
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new MeterError('INTERNAL', 'HDLC client used by two callers at once.');
    this.busy = true;
    try {
      return await fn();
    } catch (e) {
      if (e instanceof MeterError && e.code === 'PORT_LOST') this.isConnected = false;
      throw e;
    } finally {
      this.busy = false;
    }
  }

  private frame(f: Omit<HdlcFrameInput, 'dest' | 'src'>): Uint8Array {
    return encodeFrame({ ...f, dest: this.server, src: this.client });
  }

  private async poll(): Promise<void> {
    await this.io.send(this.frame({ type: 'RR', pf: true, nr: this.vr }), `RR N(R)=${this.vr} P`);
  }

  private async exchange(apdu: Uint8Array): Promise<Uint8Array> {
    const tolerate = this.opts.tolerateBrokenSequence === true;
    const maxResponse = this.opts.maxResponseBytes ?? 4 * 1024 * 1024;
    const damagedWait = this.opts.damagedWaitMs ?? Math.min(this.timeoutMs, 500);
    const segments = splitSegments(addLlc(apdu, 'request'), this.negotiated.maxInfoTx);
    const tx = new SendWindow(segments.length, this.vs, this.negotiated.windowTx);
    const parts: Uint8Array[] = [];
    let received = 0;
    let budget = this.retries;
    // The answer to our last frame is due by then; frames we ignore (echo, other stations) do not extend it.
    let deadline = 0;
    const arm = (): void => {
      deadline = this.clock.now() + this.timeoutMs;
    };
    // Set when our last frame was a recovery poll (already paid for): the go-back it triggers is free.
    let polled = false;

    const spend = (why: string): void => {
      if (budget-- <= 0) {
        const hint = impossibleNr > 0 ? ` ${impossibleNr} frame(s) with impossible N(R) were ignored: the meter may need tolerateBrokenSequence.` : '';
        throw new MeterError('TIMEOUT', `HDLC: ${why}; gave up after ${this.retries} retries.${hint}`);
      }
      this.stats.retries++;
    };
    const sendWindow = async (): Promise<void> => {
      for (const s of tx.take()) {
        const bytes = this.frame({ type: 'I', ns: s.ns, nr: this.vr, pf: s.poll, segmented: s.index < segments.length - 1, info: segments[s.index] });
        await this.io.send(bytes, `I N(S)=${s.ns} N(R)=${this.vr}${s.poll ? ' P' : ''} ${segments[s.index].length} bytes`);
      }
      this.vs = tx.nextNs;
      arm();
    };
    const poll = async (): Promise<void> => {
      await this.poll();
      arm();
    };
    let impossibleNr = 0;
    /** False when the frame must be ignored: its N(R) acknowledges frames never sent. */
    const acknowledge = (f: HdlcFrame): boolean => {
      if (tolerate) {
        tx.ackAll();
        return true;
      }
      const result = tx.ack(f.nr ?? 0);
      if (result === 'new') budget = this.retries;
      if (result !== 'invalid') return true;
      impossibleNr++;
      this.stats.badFrames++;
      this.opts.log?.(4, `HDLC: ignoring ${describeFrame(f)}: its N(R) acknowledges frames never sent`);
      return false;
    };

    await sendWindow();
    for (;;) {
      const left = deadline - this.clock.now();
      const r = left > 0 ? await this.io.next(left, this.opts.signal) : null;
      if (!r) {
        spend('no answer');
        // A partial frame left from before the silence can only be a damaged one.
        this.io.resetPartial();
        await poll();
        polled = true;
        continue;
      }
      if (!r.ok) {
        // The meter sent something we could not read: poll after a short silence, not the full timeout.
        deadline = Math.min(deadline, this.clock.now() + damagedWait);
        continue;
      }
      const f = r.frame;
      if (!this.fromServer(f)) continue;
      arm();
      const afterPoll = polled;
      polled = false;
      switch (f.type) {
        case 'RR':
        case 'RNR': {
          if (!acknowledge(f)) break;
          if (f.type === 'RNR') {
            spend('the meter stays busy (RNR)');
            await this.clock.sleep(this.opts.rnrWaitMs ?? 300, this.opts.signal);
            await poll();
            polled = true;
          } else if (tx.unacknowledged > 0) {
            // The meter missed something: go back to the first frame it has not acknowledged.
            if (afterPoll) this.stats.retries++;
            else spend(`the meter asks again from N(R)=${f.nr ?? 0}`);
            tx.goBack();
            await sendWindow();
          } else if (!tx.allSent) {
            await sendWindow();
          }
          // All sent and acknowledged: the response is on its way; silence is handled by polling.
          break;
        }
        case 'I': {
          if (!acknowledge(f)) break;
          if (!tx.allSent) break; // a response before the request was complete: ignore it
          if (!tolerate && f.ns !== this.vr) {
            this.stats.badFrames++;
            // A copy of the frame accepted last answers a poll that crossed it on the line; the RR we sent
            // for the original already asks for what comes next, so polling again would only echo on.
            const copyOfLast = (((f.ns ?? 0) - this.vr) & 7) === 7;
            if (f.pf && !copyOfLast) {
              // The end of a window with a gap in it: ask again from the first missing frame.
              spend(`frame N(S)=${f.ns ?? 0} out of sequence, expected ${this.vr}`);
              await poll();
              polled = true;
            }
            break;
          }
          this.vr = ((f.ns ?? 0) + 1) & 7;
          budget = this.retries;
          received += f.info.length;
          if (received > maxResponse) throw new MeterError('LENGTH', `HDLC response exceeds ${maxResponse} bytes.`, { frame: r.raw });
          parts.push(f.info);
          if (!f.segmented) {
            this.stats.roundTrips++;
            return stripLlc(concat(parts), 'response');
          }
          if (f.pf) await poll();
          break;
        }
        case 'DM':
          this.isConnected = false;
          throw new MeterError('PROTOCOL', 'The meter is in disconnected mode (DM): the HDLC connection is gone.', { frame: r.raw });
        case 'FRMR':
          this.isConnected = false;
          throw new MeterError('PROTOCOL', `The meter rejected a frame (FRMR ${describeFrame(f)}).`, { frame: r.raw });
        default:
          break;
      }
    }
  }
}
