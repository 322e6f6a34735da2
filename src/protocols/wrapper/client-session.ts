import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import { type DlmsTransport, type TransportStats, emptyTransportStats } from '../transport';
import { WRAPPER_MAX_APDU, type WrapperFrame, WrapperExtractor, encodeWrapper } from './codec';
import { WrapperReader } from './reader';

export interface WrapperClientOptions {
  /** Source wPort: the client address (0x10 public, ...). */
  clientWPort: number;
  /** Destination wPort: the logical device (1 = management). See wrapperPorts(). */
  serverWPort: number;
  timeoutMs?: number;
  /** Requests sent again after a silence (retry_counter). Default 3. */
  retries?: number;
  signal?: AbortSignal;
  log?: SessionLog;
}

/**
 * DLMS over the TCP wrapper. No link-layer connection exists, so connect() only clears stale input;
 * a request that met silence is sent again, and after giving up the next connect() flushes anything
 * that arrives late so it cannot pass for the next answer.
 */
export class WrapperClient implements DlmsTransport {
  readonly kind = 'wrapper' as const;
  readonly stats: TransportStats = emptyTransportStats();
  readonly maxApduHint = WRAPPER_MAX_APDU;
  private isConnected = false;
  private busy = false;
  private readonly reader: WrapperReader;

  constructor(
    private readonly link: Link,
    private readonly clock: Clock,
    private readonly opts: WrapperClientOptions,
  ) {
    this.reader = new WrapperReader(link, clock, this.stats, new WrapperExtractor(), opts.log);
  }

  get connected(): boolean {
    return this.isConnected;
  }

  async connect(): Promise<void> {
    if (this.isConnected) return;
    this.link.discardInput();
    this.reader.reset();
    this.isConnected = true;
  }

  async disconnect(): Promise<void> {
    this.isConnected = false;
  }

  async request(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.isConnected) throw new MeterError('PROTOCOL', 'Wrapper transport is not connected: connect() first.');
    if (this.busy) throw new MeterError('INTERNAL', 'Wrapper client used by two callers at once.');
    this.busy = true;
    try {
      return await this.exchange(apdu);
    } catch (e) {
      this.isConnected = false;
      throw e;
    } finally {
      this.busy = false;
    }
  }

  private async exchange(apdu: Uint8Array): Promise<Uint8Array> {
    const frame = encodeWrapper({ source: this.opts.clientWPort, destination: this.opts.serverWPort, apdu });
    // Whatever is still queued answers an earlier request (one that was sent again): it must not pass for this one.
    this.reader.reset();
    this.link.discardInput();
    const retries = Math.max(0, this.opts.retries ?? 3);
    const timeoutMs = this.opts.timeoutMs ?? 2500;
    let heard = false;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) this.stats.retries++;
      await this.reader.send(frame, `wrapper ${this.opts.clientWPort}->${this.opts.serverWPort} ${apdu.length} bytes`);
      const deadline = this.clock.now() + timeoutMs;
      for (;;) {
        const left = deadline - this.clock.now();
        if (left <= 0) break;
        const f: WrapperFrame | null = await this.reader.next(left, this.opts.signal);
        if (!f) break;
        heard = true;
        if (f.source !== this.opts.serverWPort || f.destination !== this.opts.clientWPort) {
          this.stats.badFrames++;
          continue;
        }
        this.stats.roundTrips++;
        return f.apdu;
      }
    }
    throw new MeterError(heard ? 'TIMEOUT' : 'NO_ANSWER', `No wrapper answer after ${retries + 1} attempt(s).`);
  }
}
