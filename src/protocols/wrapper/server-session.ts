import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import type { Link } from '../../core/link';
import type { SessionLog } from '../../core/logger';
import { type TransportStats, emptyTransportStats } from '../transport';
import { WrapperExtractor, encodeWrapper } from './codec';
import { WrapperReader } from './reader';

export interface WrapperRequestContext {
  /** The client's wPort (its client address). */
  source: number;
  /** The logical device addressed. */
  destination: number;
}

export interface WrapperServerOptions {
  /** Logical devices (destination wPorts) this server answers; others are ignored. Default [1]. */
  wPorts?: number[];
  handler: (apdu: Uint8Array, ctx: WrapperRequestContext) => Promise<Uint8Array>;
  /** Fault hook for tests: bytes to send instead, or null to send nothing. */
  onBeforeSend?: (frame: Uint8Array) => Uint8Array | null;
  log?: SessionLog;
}

/** The server side of the wrapper, for the DLMS simulator. */
export class WrapperServer {
  readonly stats: TransportStats = emptyTransportStats();
  private readonly reader: WrapperReader;

  constructor(
    link: Link,
    clock: Clock,
    private readonly opts: WrapperServerOptions,
  ) {
    this.reader = new WrapperReader(link, clock, this.stats, new WrapperExtractor(), opts.log, 1000);
  }

  /** Answer requests until the link is lost or closed, or `signal` aborts. */
  async serve(signal?: AbortSignal): Promise<void> {
    const ports = this.opts.wPorts ?? [1];
    try {
      for (;;) {
        const f = await this.reader.next(60_000, signal);
        if (!f) continue;
        if (!ports.includes(f.destination)) {
          this.stats.badFrames++;
          continue;
        }
        let response: Uint8Array;
        try {
          response = await this.opts.handler(f.apdu, { source: f.source, destination: f.destination });
        } catch (e) {
          this.opts.log?.(2, `wrapper server: handler failed, no answer sent: ${e instanceof Error ? e.message : String(e)}`);
          continue;
        }
        let bytes: Uint8Array | null = encodeWrapper({ source: f.destination, destination: f.source, apdu: response });
        if (this.opts.onBeforeSend) bytes = this.opts.onBeforeSend(bytes);
        if (!bytes) continue;
        this.stats.roundTrips++;
        await this.reader.send(bytes, `wrapper ${f.destination}->${f.source} ${response.length} bytes`);
      }
    } catch (e) {
      if (e instanceof MeterError && (e.code === 'PORT_LOST' || e.code === 'CANCELLED')) return;
      throw e;
    }
  }
}
