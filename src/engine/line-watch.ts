import { decorateLink } from '../core/decorate-link';
import { charTimeMs, type Link } from '../core/link';

/** What a read cost on the line, from the client's end. */
export interface LineTally {
  /** The meter started answering after we had sent: each one costs the meter's reaction time. */
  turnarounds: number;
  bytesOut: number;
  bytesIn: number;
  /** Time the bytes themselves occupy on a serial line (each at the rate it went at); 0 on stream links. */
  wireMs: number;
}

/**
 * Counts a session's turnarounds and bytes on its Link, for the strategy line of the trace (issue 16):
 * on a real line a meter reacts 20–200 ms after each request, so turnarounds, not bytes, say why a read
 * is slow. The wrapped link forwards everything unchanged.
 */
export class LineWatch {
  readonly tally: LineTally = { turnarounds: 0, bytesOut: 0, bytesIn: 0, wireMs: 0 };
  /** We have sent and the meter has not answered yet (shared by every link this watch wraps). */
  private readonly state = { waiting: false };

  wrap(link: Link): Link {
    const t = this.tally;
    const watch = this.state;
    return decorateLink(link, {
      async write(bytes) {
        t.bytesOut += bytes.length;
        if (link.kind === 'serial') t.wireMs += bytes.length * charTimeMs(link.line);
        watch.waiting = true;
        await link.write(bytes);
      },
      async read(maxWaitMs) {
        const got = await link.read(maxWaitMs);
        if (got.length > 0) {
          t.bytesIn += got.length;
          if (link.kind === 'serial') t.wireMs += got.length * charTimeMs(link.line);
          if (watch.waiting) t.turnarounds++;
          watch.waiting = false;
        }
        return got;
      },
    });
  }

  snapshot(): LineTally {
    return { ...this.tally };
  }
}

/** The trace's one line per read: round trips, turnarounds, bytes, line time (and how the link was set up). */
export function strategyLine(what: string, before: LineTally, after: LineTally, lineMs: number, roundTrips: number | undefined, setup?: string): string {
  const turns = after.turnarounds - before.turnarounds;
  const bytes = after.bytesOut - before.bytesOut + after.bytesIn - before.bytesIn;
  const trips = roundTrips === undefined ? '' : `${roundTrips} round trip${roundTrips === 1 ? '' : 's'}, `;
  // Line time beyond the bytes' own time is waiting: the meter's reactions, and our own pauses.
  const wire = after.wireMs - before.wireMs;
  const split = wire > 0 ? ` (bytes ${(wire / 1000).toFixed(2)} s, waiting ${(Math.max(0, lineMs - wire) / 1000).toFixed(2)} s)` : '';
  return `${what}: ${trips}${turns} turnaround${turns === 1 ? '' : 's'}, ${bytes} bytes, ${(lineMs / 1000).toFixed(2)} s on the line${split}${setup ? `, ${setup}` : ''}`;
}
