import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import { type DlmsTransport, type TransportStats, emptyTransportStats } from '../transport';
import { type HdlcAddress, clientAddress, formatAddress, sameAddress, sameServerInAnySize } from './address';
import { type HdlcFrame, type HdlcFrameInput, describeFrame, encodeFrame } from './frame';
import { HdlcFrameIo } from './frame-io';
import { type HdlcClientOptions, defaultInterFrameMs } from './client-options';
import { addLlc, stripLlc } from './llc';
import { DEFAULT_HDLC_PARAMETERS, type HdlcParameters, clampParameters, decodeParameters, encodeParameters } from './params';
import { SendWindow, concat, splitSegments } from './sequence';

export type { HdlcClientOptions };

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
  /** The meter accepted our SNRM and no DISC, DM or lost port has ended that since (even if an exchange failed). */
  private meterConnected = false;
  private busy = false;
  private vs = 0;
  private vr = 0;
  private readonly io: HdlcFrameIo;
  private readonly server: HdlcAddress;
  private readonly client: HdlcAddress;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private nrStuck: boolean;
  /** The meter's N(R) was seen acknowledging our frames (non-zero): a wrong one later is a stale frame, not the bug. */
  private nrAdvances = false;
  private otherSizeNoted = false;
  private missingFinalNoted = false;
  /** The meter refused our larger-than-default proposal (FRMR, DM or silence): SNRM proposes 128 / 1 from then on. */
  private proposalRefused = false;

  constructor(
    private readonly link: Link,
    private readonly clock: Clock,
    private readonly opts: HdlcClientOptions,
  ) {
    this.server = opts.server;
    this.client = typeof opts.client === 'number' ? clientAddress(opts.client) : opts.client;
    this.timeoutMs = opts.timeoutMs ?? 2500;
    this.retries = Math.max(0, opts.retries ?? 3);
    this.nrStuck = opts.nrNeverAdvances === true;
    this.io = new HdlcFrameIo(link, clock, this.stats, opts.log, 250, opts.partialTimeoutMs);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get maxApduHint(): number | undefined {
    return undefined;
  }

  /**
   * The meter answers with I-frames whose N(R) does not acknowledge the request they answer (a server
   * bug seen in the field). Learnt during this session or given in the options; a driver keeps it as
   * knowledge of the meter for the next session.
   */
  get nrNeverAdvances(): boolean {
    return this.nrStuck;
  }

  /** Silence after a segment without the final bit that means "nothing more is coming": ask at once. */
  private get interFrameMs(): number {
    return this.opts.interFrameMs ?? defaultInterFrameMs(this.link);
  }

  private noteStuckNr(f: HdlcFrame): void {
    if (this.nrStuck) return;
    this.nrStuck = true;
    this.opts.log?.(
      2,
      `HDLC: the meter's N(R)=${f.nr ?? 0} does not acknowledge the request it answers; taking its answers by N(S) alone for this meter (a known server bug).`,
    );
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
      let snrm = this.snrmFrame();
      this.io.clear();
      let heard = false;
      attempts: for (let attempt = 0; attempt <= this.retries; attempt++) {
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
            this.meterConnected = true;
            this.opts.log?.(4, `HDLC connected: ${JSON.stringify(this.negotiated)}`);
            return;
          }
          if ((f.type === 'DM' || f.type === 'FRMR') && this.fallBack(`answered ${f.type}`)) {
            // The refusal does not count as a retry: the default proposal gets every attempt.
            snrm = this.snrmFrame();
            attempt--;
            continue attempts;
          }
          if (f.type === 'DM') throw new MeterError('REJECTED', 'The meter answered SNRM with DM (disconnected mode).', { frame: r.raw });
          if (f.type === 'FRMR') throw new MeterError('PROTOCOL', 'The meter rejected SNRM (FRMR).', { frame: r.raw });
        }
        // Some meters ignore a proposal they cannot take: one silence costs one timeout, then 128 / 1.
        if (this.fallBack('stayed silent')) {
          snrm = this.snrmFrame();
          attempt--;
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
    if (!this.isConnected && !this.meterConnected) return;
    return this.exclusive(async () => {
      // After a failed exchange (a silent RLRQ, a refused association) the meter may still hold the
      // connection: one DISC frees its port now instead of after its inactivity timeout.
      const attempts = this.isConnected ? this.retries : 0;
      this.isConnected = false;
      this.meterConnected = false;
      const disc = this.discFrame();
      for (let attempt = 0; attempt <= attempts; attempt++) {
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
    if (this.proposalRefused) return { ...DEFAULT_HDLC_PARAMETERS };
    return clampParameters({ ...DEFAULT_HDLC_PARAMETERS, ...this.opts.proposal });
  }

  /** The meter refused a proposal larger than the defaults (issue 16); it is remembered for this meter. */
  get refusedProposal(): boolean {
    return this.proposalRefused;
  }

  /** Switch to the default 128 / 1 proposal once, if ours was larger; false when there is nothing to fall back to. */
  private fallBack(why: string): boolean {
    if (this.proposalRefused || this.opts.proposeParameters === false) return false;
    const p = this.proposal();
    const d = DEFAULT_HDLC_PARAMETERS;
    if (p.maxInfoTx <= d.maxInfoTx && p.maxInfoRx <= d.maxInfoRx && p.windowTx <= d.windowTx && p.windowRx <= d.windowRx) return false;
    this.proposalRefused = true;
    this.opts.log?.(2, `HDLC: the meter ${why} to SNRM proposing ${JSON.stringify(p)}; proposing the defaults 128 / 1.`);
    return true;
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
    if (!sameAddress(f.dest, this.client)) {
      this.stats.badFrames++;
      return false;
    }
    if (sameAddress(f.src, this.server)) return true;
    // Many meters answer from their own address size whatever size they were addressed with (`03` for `00 03`).
    if (sameServerInAnySize(f.src, this.server)) {
      if (!this.otherSizeNoted) {
        this.otherSizeNoted = true;
        this.opts.log?.(3, `HDLC: the meter answers from ${formatAddress(f.src)}, the same server address as ${formatAddress(this.server)} in another size; accepted.`);
      }
      return true;
    }
    this.stats.badFrames++;
    return false;
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new MeterError('INTERNAL', 'HDLC client used by two callers at once.');
    this.busy = true;
    try {
      return await fn();
    } catch (e) {
      if (e instanceof MeterError && e.code === 'PORT_LOST') this.isConnected = this.meterConnected = false;
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
    // Response frames since we last sent anything: a full window of them without the final bit means the
    // meter forgot the bit, and a short silence then says the segment is all there is.
    let sinceAsk = 0;
    let finalMissing = false;

    const spend = (why: string): void => {
      if (budget-- <= 0) {
        const hint = impossibleNr > 0 ? ` ${impossibleNr} frame(s) with impossible N(R) were ignored: the meter may need tolerateBrokenSequence.` : '';
        throw new MeterError('TIMEOUT', `HDLC: ${why}; gave up after ${this.retries} retries.${hint}`);
      }
      this.stats.retries++;
    };
    const sendWindow = async (): Promise<void> => {
      sinceAsk = 0;
      for (const s of tx.take()) {
        const bytes = this.frame({ type: 'I', ns: s.ns, nr: this.vr, pf: s.poll, segmented: s.index < segments.length - 1, info: segments[s.index] });
        await this.io.send(bytes, `I N(S)=${s.ns} N(R)=${this.vr}${s.poll ? ' P' : ''} ${segments[s.index].length} bytes`);
      }
      this.vs = tx.nextNs;
      arm();
    };
    const poll = async (): Promise<void> => {
      sinceAsk = 0;
      finalMissing = false;
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
        if (finalMissing) {
          // Not a loss: the meter left the final bit off a segment and waits for our RR.
          if (!this.missingFinalNoted) {
            this.missingFinalNoted = true;
            this.opts.log?.(3, 'HDLC: the meter sends segments without the final bit; asking for the next after the inter-frame silence.');
          }
          await poll();
          continue;
        }
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
      finalMissing = false;
      const afterPoll = polled;
      polled = false;
      switch (f.type) {
        case 'RR':
        case 'RNR': {
          const outstanding = tx.unacknowledged;
          if (!tolerate && f.type === 'RR' && outstanding > 0 && !afterPoll && (outstanding === 1 || this.nrStuck)) {
            // The meter answers the frame that carried our poll bit, so it has it: an N(R) that acknowledges
            // nothing new here is a server that echoes our N(R) or never advances its own, not a reject.
            // (A real reject answers a recovery poll, or leaves part of a longer window unacknowledged.)
            if (tx.ack(f.nr ?? 0) === 'new') budget = this.retries;
            if (tx.unacknowledged > 0) {
              this.noteStuckNr(f);
              tx.ackAll();
              budget = this.retries;
            }
          } else if (!acknowledge(f)) break;
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
          if (!tolerate && tx.allSent && f.ns === this.vr) {
            // The N(S) we expect, after the whole request: this answers it, so the meter has every frame of
            // it whatever its N(R) says. Some servers never advance N(R); dropping their answers and polling
            // gets nothing (or a closed connection).
            const nr = f.nr ?? 0;
            const result = tx.ack(nr);
            if (result === 'new' && tx.allAcknowledged && nr !== 0) this.nrAdvances = true;
            if (result === 'invalid' && this.nrAdvances && !this.nrStuck) {
              // From a meter whose N(R) was seen right before, an impossible one marks a stale frame.
              acknowledge(f); // counts and traces it
              break;
            }
            if (result === 'invalid' || !tx.allAcknowledged) {
              this.noteStuckNr(f);
              tx.ackAll();
            }
          } else if (!acknowledge(f)) break;
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
          else if (++sinceAsk >= this.negotiated.windowRx) {
            // A whole window without the final bit: nothing more will come until we ask.
            finalMissing = true;
            deadline = Math.min(deadline, this.clock.now() + this.interFrameMs);
          }
          break;
        }
        case 'DM':
          this.isConnected = this.meterConnected = false;
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
