import type { Clock } from '../../core/clock';
import { MeterError, ProtocolError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import type { TransportStats } from '../transport';
import { HdlcFrameExtractor } from './extractor';
import { type HdlcFrame, decodeFrame, describeFrame } from './frame';

export type ReceivedFrame = { ok: true; frame: HdlcFrame; raw: Uint8Array } | { ok: false; error: ProtocolError; raw: Uint8Array };

/**
 * Frame-level I/O over a Link, shared by the client and server sessions: writes frames, and reads
 * the byte stream into decoded frames (damaged ones reported, not thrown). Reads in short slices so an
 * abort is noticed without leaving a read pending on the link.
 */
export class HdlcFrameIo {
  private readonly extractor = new HdlcFrameExtractor();
  private queue: Uint8Array[] = [];
  private lastByteAt = 0;

  constructor(
    private readonly link: Link,
    private readonly clock: Clock,
    private readonly stats: TransportStats,
    private readonly log?: SessionLog,
    private readonly sliceMs = 250,
    /**
     * A partial frame older than this with the line silent is dropped. Without it, a damaged length
     * field could make the extractor wait for up to 2 KiB of later frames before resyncing.
     */
    private readonly partialTimeoutMs = 500,
  ) {}

  async send(bytes: Uint8Array, what: string): Promise<void> {
    this.stats.framesSent++;
    this.stats.bytesSent += bytes.length;
    this.log?.(5, `HDLC TX ${what}`, bytes, 'tx');
    await this.link.write(bytes);
  }

  /** Forget everything received and not yet handled (before SNRM: nothing old may answer it). */
  clear(): void {
    this.queue = [];
    this.extractor.reset();
  }

  /** Drop partial input (before a fresh exchange). Complete frames already queued are kept. */
  resetPartial(): void {
    this.extractor.reset();
  }

  /**
   * The next frame, or null after `timeoutMs` without one (time spent receiving a frame does not count). Rejects with CANCELLED on abort and with
   * PORT_LOST when the link goes away.
   */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<ReceivedFrame | null> {
    let deadline = this.clock.now() + timeoutMs;
    for (;;) {
      const raw = this.queue.shift();
      if (raw) return this.decode(raw);
      if (signal?.aborted) throw new MeterError('CANCELLED');
      const left = deadline - this.clock.now();
      if (left <= 0) return null;
      const chunk = await this.link.read(Math.min(left, this.sliceMs));
      if (chunk.length === 0) {
        if (this.extractor.pending > 0 && this.clock.now() - this.lastByteAt >= this.partialTimeoutMs) {
          this.log?.(6, `HDLC: dropping ${this.extractor.pending} bytes of an unfinished frame after silence`);
          this.extractor.reset();
        }
        continue;
      }
      this.lastByteAt = this.clock.now();
      this.stats.bytesReceived += chunk.length;
      this.log?.(7, 'HDLC RX bytes', chunk, 'rx');
      this.queue.push(...this.extractor.push(chunk));
      // A frame still arriving is not silence: a long frame at a low baud rate may outlast the timeout.
      if (this.extractor.pending > 1) deadline = Math.max(deadline, this.clock.now() + timeoutMs);
    }
  }

  private decode(raw: Uint8Array): ReceivedFrame {
    try {
      const frame = decodeFrame(raw);
      this.stats.framesReceived++;
      this.log?.(5, `HDLC RX ${describeFrame(frame)}`, raw, 'rx');
      return { ok: true, frame, raw };
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.stats.badFrames++;
      this.log?.(4, `HDLC RX damaged frame: ${e.message}`, raw, 'rx');
      return { ok: false, error: e, raw };
    }
  }
}
