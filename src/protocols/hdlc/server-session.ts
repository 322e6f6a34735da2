import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import { type TransportStats, emptyTransportStats } from '../transport';
import { type HdlcAddress, type HdlcAddressSize, sameAddress, sameServerInAnySize, serverAddressInSize } from './address';
import { type HdlcFrame, type HdlcFrameInput, encodeFrame } from './frame';
import { HdlcFrameIo } from './frame-io';
import { addLlc, stripLlc } from './llc';
import { DEFAULT_HDLC_PARAMETERS, type HdlcParameters, clampParameters, decodeParameters, encodeParameters } from './params';
import { SendWindow, concat, splitSegments } from './sequence';

export interface HdlcRequestContext {
  /** The client that sent the request (its address selects the association). */
  client: HdlcAddress;
}

export interface HdlcServerOptions {
  /** This meter's own address; frames for any other address are ignored (RS-485 multi-drop). */
  address: HdlcAddress;
  /** What this meter supports, its own view (maxInfoTx = largest field it sends). Default 128 / 1. */
  supported?: Partial<HdlcParameters>;
  /** Answer SNRM with a parameter field in UA. Default true. */
  uaParameters?: boolean;
  /**
   * Like meters that cannot negotiate down: an SNRM proposing more than `maxInfo` bytes or a window above
   * `window` (either direction) gets `answer` (FRMR, DM, or nothing) instead of UA.
   */
  refuseProposal?: { maxInfo: number; window: number; answer: 'FRMR' | 'DM' | 'silence' };
  /** The application layer: one request APDU (LLC stripped) in, the response APDU out. */
  handler: (apdu: Uint8Array, ctx: HdlcRequestContext) => Promise<Uint8Array>;
  onConnect?: (client: HdlcAddress) => void;
  /** DISC, a new SNRM over a live connection, or the link lost: the app layer drops its association. */
  onDisconnect?: (client: HdlcAddress) => void;
  /** Fault hook for tests: return the bytes to send instead (corrupted), or null to drop the frame. */
  onBeforeSend?: (frame: Uint8Array) => Uint8Array | null;
  /** Answer RNR instead of data while this returns true (a busy meter). */
  busy?: () => boolean;
  /** Behave like meters with broken numbering: send N(S)=N(R)=0 always, ignore the client's numbers. */
  brokenSequence?: boolean;
  /**
   * A server seen in the field: N(S) is right but the N(R) it sends never advances (0 in every I-frame,
   * and an RR echoes the N(R) the client sent, which reads as "send that frame again").
   */
  nrNeverAdvances?: boolean;
  /**
   * Treat an RR that does not ask for more of an answer in progress (a poll after the whole answer was
   * sent) as fatal: close the connection, as the same server does.
   */
  dropLinkOnRR?: boolean;
  /** Leave the final bit off every segment but the last of a response (another bug of that server). */
  omitFinalBitOnSegments?: boolean;
  /**
   * Answer from this meter's address written in this size, whatever size the client used, and accept
   * frames addressed to it in any size (as the widely deployed server stack does).
   */
  answerFromAddressSize?: HdlcAddressSize;
  /** Drop an unfinished frame after this much silence. Default 500 ms. */
  partialTimeoutMs?: number;
  /** Largest request accepted (memory bound). Default 64 KiB. */
  maxRequestBytes?: number;
  log?: SessionLog;
}

/**
 * HDLC server (secondary station) over a Link, for the DLMS simulator: SNRM -> UA with negotiated
 * parameters, reassembly of segmented requests, windowed and segmented responses, RR/RNR, DISC.
 */
export class HdlcServer {
  readonly stats: TransportStats = emptyTransportStats();
  /** Parameters in force, this server's view. */
  negotiated: HdlcParameters = { ...DEFAULT_HDLC_PARAMETERS };
  private connectedTo: HdlcAddress | null = null;
  private vs = 0;
  private vr = 0;
  private rxParts: Uint8Array[] = [];
  private rxBytes = 0;
  private tx: SendWindow | null = null;
  private txSegments: Uint8Array[] = [];
  private readonly io: HdlcFrameIo;
  /** N(R) of the client's last I or RR frame (echoed by nrNeverAdvances). */
  private clientNr = 0;

  constructor(
    private readonly link: Link,
    clock: Clock,
    private readonly opts: HdlcServerOptions,
  ) {
    this.io = new HdlcFrameIo(link, clock, this.stats, opts.log, 250, opts.partialTimeoutMs);
  }

  get connected(): boolean {
    return this.connectedTo !== null;
  }

  /** Forget the connection, as a meter does after its inactivity timeout (fires onDisconnect). */
  reset(): void {
    this.drop();
  }

  /** Answer frames until the link is lost or closed, or `signal` aborts. */
  async serve(signal?: AbortSignal): Promise<void> {
    try {
      for (;;) {
        const r = await this.io.next(60_000, signal);
        if (!r || !r.ok) continue;
        await this.handle(r.frame);
      }
    } catch (e) {
      if (e instanceof MeterError && (e.code === 'PORT_LOST' || e.code === 'CANCELLED')) {
        this.drop();
        return;
      }
      throw e;
    }
  }

  /** Process one decoded frame (public so a simulator can feed frames from elsewhere). */
  async handle(f: HdlcFrame): Promise<void> {
    const anySize = this.opts.answerFromAddressSize !== undefined;
    if (!(anySize ? sameServerInAnySize(f.dest, this.opts.address) : sameAddress(f.dest, this.opts.address))) {
      this.stats.badFrames++;
      return;
    }
    const peer = this.connectedTo;
    switch (f.type) {
      case 'SNRM': {
        let proposal: HdlcParameters;
        try {
          proposal = decodeParameters(f.info);
        } catch {
          await this.send({ type: 'FRMR', pf: true, dest: f.src }, 'FRMR');
          return;
        }
        const refuse = this.opts.refuseProposal;
        if (refuse && (Math.max(proposal.maxInfoTx, proposal.maxInfoRx) > refuse.maxInfo || Math.max(proposal.windowTx, proposal.windowRx) > refuse.window)) {
          this.stats.badFrames++;
          if (refuse.answer !== 'silence') await this.send({ type: refuse.answer, pf: true, dest: f.src }, `${refuse.answer} (proposal refused)`);
          return;
        }
        if (peer) this.drop();
        const own = clampParameters({ ...DEFAULT_HDLC_PARAMETERS, ...this.opts.supported });
        // The client's Tx is what we receive, and the other way round.
        this.negotiated = clampParameters({
          maxInfoTx: Math.min(own.maxInfoTx, proposal.maxInfoRx),
          maxInfoRx: Math.min(own.maxInfoRx, proposal.maxInfoTx),
          windowTx: Math.min(own.windowTx, proposal.windowRx),
          windowRx: Math.min(own.windowRx, proposal.windowTx),
        });
        this.connectedTo = f.src;
        this.vs = this.vr = 0;
        this.resetExchange();
        const info = this.opts.uaParameters === false ? undefined : encodeParameters(this.negotiated);
        await this.send({ type: 'UA', pf: f.pf, dest: f.src, info }, 'UA');
        this.opts.onConnect?.(f.src);
        return;
      }
      case 'DISC': {
        if (peer && sameAddress(peer, f.src)) {
          await this.send({ type: 'UA', pf: f.pf, dest: f.src }, 'UA');
          this.drop();
        } else {
          await this.send({ type: 'DM', pf: f.pf, dest: f.src }, 'DM');
        }
        return;
      }
      case 'I':
      case 'RR':
      case 'RNR': {
        if (!peer || !sameAddress(peer, f.src)) {
          if (f.pf || f.type === 'I') await this.send({ type: 'DM', pf: true, dest: f.src }, 'DM');
          return;
        }
        this.clientNr = f.nr ?? 0;
        if (f.type === 'I') await this.onInformation(f, peer);
        else if (f.type === 'RR') await this.onReceiveReady(f, peer);
        return;
      }
      default:
        return;
    }
  }

  private get broken(): boolean {
    return this.opts.brokenSequence === true;
  }

  private applyAck(nr: number | undefined): void {
    if (!this.tx) return;
    if (this.broken) {
      // Such meters cannot tell what was received either: any acknowledgement moves them on.
      this.tx.ackAll();
      this.tx = this.tx.allSent ? null : this.tx;
      return;
    }
    // A nonsense N(R) is the client's problem: the window stays as it is.
    this.tx.ack(nr ?? 0);
    if (this.tx.allAcknowledged) this.tx = null;
  }

  private async onInformation(f: HdlcFrame, peer: HdlcAddress): Promise<void> {
    this.applyAck(f.nr);
    if (this.opts.busy?.()) {
      await this.send({ type: 'RNR', pf: true, nr: this.vr, dest: peer }, 'RNR');
      return;
    }
    if (!this.broken && f.ns !== this.vr) {
      this.stats.badFrames++;
      if (!f.pf) return;
      // A repeat of a request we already answered: the answer was lost, so send it again.
      if (this.tx && this.tx.unacknowledged > 0) {
        this.stats.retries++;
        this.tx.goBack();
        await this.sendWindow(peer);
      } else {
        await this.sendRr(peer);
      }
      return;
    }
    this.vr = ((f.ns ?? 0) + 1) & 7;
    this.rxBytes += f.info.length;
    if (this.rxBytes > (this.opts.maxRequestBytes ?? 65536)) {
      this.resetExchange();
      await this.send({ type: 'FRMR', pf: true, dest: peer }, 'FRMR (request too long)');
      return;
    }
    this.rxParts.push(f.info);
    if (f.segmented) {
      if (f.pf) await this.sendRr(peer);
      return;
    }
    const request = concat(this.rxParts);
    this.rxParts = [];
    this.rxBytes = 0;
    let response: Uint8Array;
    try {
      response = await this.opts.handler(stripLlc(request, 'request'), { client: peer });
    } catch (e) {
      this.opts.log?.(2, `HDLC server: handler failed, no answer sent: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.txSegments = splitSegments(addLlc(response, 'response'), this.negotiated.maxInfoTx);
    this.tx = new SendWindow(this.txSegments.length, this.vs, this.negotiated.windowTx);
    this.stats.roundTrips++;
    await this.sendWindow(peer);
  }

  private async onReceiveReady(f: HdlcFrame, peer: HdlcAddress): Promise<void> {
    this.applyAck(f.nr);
    if (this.opts.dropLinkOnRR && (!this.tx || this.tx.allSent)) {
      this.opts.log?.(2, 'HDLC server: RR without an answer in progress; closing the connection (dropLinkOnRR).');
      this.drop();
      await this.link.close();
      return;
    }
    if (this.opts.busy?.()) {
      if (f.pf) await this.send({ type: 'RNR', pf: true, nr: this.vr, dest: peer }, 'RNR');
      return;
    }
    if (this.tx) {
      if (this.tx.unacknowledged > 0) {
        this.stats.retries++;
        this.tx.goBack();
      }
      if (!this.tx.allSent) {
        await this.sendWindow(peer);
        return;
      }
    }
    if (f.pf) await this.sendRr(peer);
  }

  private async sendWindow(peer: HdlcAddress): Promise<void> {
    const tx = this.tx;
    if (!tx) return;
    for (const s of tx.take()) {
      const ns = this.broken ? 0 : s.ns;
      const nr = this.broken || this.opts.nrNeverAdvances ? 0 : this.vr;
      const segmented = s.index < tx.count - 1;
      const pf = s.poll && !(segmented && this.opts.omitFinalBitOnSegments);
      await this.send(
        { type: 'I', ns, nr, pf, segmented, dest: peer, info: this.txSegments[s.index] },
        `I N(S)=${ns} N(R)=${nr}${pf ? ' F' : ''} ${this.txSegments[s.index].length} bytes`,
      );
    }
    this.vs = tx.nextNs;
  }

  private async sendRr(peer: HdlcAddress): Promise<void> {
    const nr = this.opts.nrNeverAdvances ? this.clientNr : this.vr;
    await this.send({ type: 'RR', pf: true, nr, dest: peer }, `RR N(R)=${nr} F`);
  }

  private async send(f: Omit<HdlcFrameInput, 'src'>, what: string): Promise<void> {
    const size = this.opts.answerFromAddressSize;
    const src = size === undefined ? this.opts.address : serverAddressInSize(this.opts.address, size);
    let bytes: Uint8Array | null = encodeFrame({ ...f, src });
    if (this.opts.onBeforeSend) bytes = this.opts.onBeforeSend(bytes);
    if (!bytes) {
      this.opts.log?.(6, `HDLC server: fault hook dropped ${what}`);
      return;
    }
    await this.io.send(bytes, what);
  }

  private resetExchange(): void {
    this.rxParts = [];
    this.rxBytes = 0;
    this.tx = null;
    this.txSegments = [];
  }

  private drop(): void {
    const peer = this.connectedTo;
    this.connectedTo = null;
    this.resetExchange();
    if (peer) this.opts.onDisconnect?.(peer);
  }
}
