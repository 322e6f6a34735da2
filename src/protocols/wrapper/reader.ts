import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import { charTimeMs, type Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import type { TransportStats } from '../transport';
import { type WrapperExtractor, type WrapperFrame } from './codec';

/**
 * Frame I/O over a Link for both wrapper sessions; reads in slices so an abort is noticed.
 *
 * A frame still arriving is not silence, so its bytes may outlast `timeoutMs` — but only by the time
 * the bytes its header announces take at the line rate. A peer that starts a frame and then trickles
 * one byte now and then cannot keep a read alive past that (issue 13, finding 4).
 */
export class WrapperReader {
  private queue: WrapperFrame[] = [];

  constructor(
    private readonly link: Link,
    private readonly clock: Clock,
    private readonly stats: TransportStats,
    private readonly extractor: WrapperExtractor,
    private readonly log?: SessionLog,
    private readonly sliceMs = 250,
  ) {}

  async send(bytes: Uint8Array, what: string): Promise<void> {
    this.stats.framesSent++;
    this.stats.bytesSent += bytes.length;
    this.log?.(5, `TX ${what}`, bytes, 'tx');
    await this.link.write(bytes);
  }

  reset(): void {
    this.queue = [];
    this.extractor.reset();
  }

  async next(timeoutMs: number, signal?: AbortSignal): Promise<WrapperFrame | null> {
    let deadline = this.clock.now() + timeoutMs;
    // When the frame now arriving started, and how long it may legally take in all.
    let frameStart: number | undefined;
    for (;;) {
      const f = this.queue.shift();
      if (f) return f;
      if (signal?.aborted) throw new MeterError('CANCELLED');
      const left = deadline - this.clock.now();
      if (left <= 0) return null;
      const chunk = await this.link.read(Math.min(left, this.sliceMs));
      if (chunk.length === 0) continue;
      this.stats.bytesReceived += chunk.length;
      this.log?.(7, 'wrapper RX bytes', chunk, 'rx');
      const frames = this.extractor.push(chunk);
      if (this.extractor.error) {
        this.stats.badFrames++;
        this.log?.(4, `wrapper RX: ${this.extractor.error.message}`);
        this.extractor.error = undefined;
      }
      for (const fr of frames) {
        this.stats.framesReceived++;
        this.log?.(5, `RX wrapper ${fr.source}->${fr.destination} ${fr.apdu.length} bytes`, fr.apdu, 'rx');
      }
      this.queue.push(...frames);
      if (this.extractor.pending === 0) {
        frameStart = undefined;
        continue;
      }
      const now = this.clock.now();
      // The frame began in this chunk unless it was already pending (or a frame just completed in it).
      if (frameStart === undefined || frames.length > 0) frameStart = now;
      const legal = frameStart + timeoutMs + Math.ceil(this.extractor.expected * charTimeMs(this.link.line));
      deadline = Math.max(deadline, Math.min(now + timeoutMs, legal));
    }
  }
}
