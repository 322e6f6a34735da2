import { HdlcDeframer } from './hdlc-deframer';
import type { Deframer, LinkOutput } from './link-frames';
import { MbusDeframer } from './mbus-deframer';
import { RawDeframer } from './raw-deframer';

export type DetectedLayer = 'hdlc' | 'mbus' | 'raw';

export function deframerFor(layer: DetectedLayer): Deframer {
  if (layer === 'hdlc') return new HdlcDeframer();
  if (layer === 'mbus') return new MbusDeframer();
  return new RawDeframer();
}

/** Outputs held per candidate while nothing is decided; beyond it the oldest are dropped. */
const HELD = 64;

/**
 * Link-layer detection: the three deframers read the same bytes side by side, their outputs held,
 * until one yields a whole APDU (a frame whose CRC or checksum holds). The first to do so in stream
 * order wins and its held outputs are released; the others are dropped. A raw APDU counts only when
 * it starts at the first byte of the stream (or after a flush): otherwise the APDU inside an HDLC or
 * M-Bus frame would be taken for a raw one before its frame ends.
 */
type Decided = { layer: DetectedLayer; deframer: Deframer; outputs: LinkOutput[] };

interface Candidate {
  layer: DetectedLayer;
  deframer: Deframer;
  held: LinkOutput[];
}

export class LinkDetector {
  private candidates: Candidate[];

  constructor() {
    this.candidates = (['hdlc', 'mbus', 'raw'] as const).map((layer) => ({ layer, deframer: deframerFor(layer), held: [] }));
  }

  /** The winner and its outputs so far, once decided. */
  push(chunk: Uint8Array): Decided | undefined {
    return this.step((d) => d.push(chunk));
  }

  /** The line went quiet: every candidate flushes; a winner may emerge from frames queued behind noise. */
  flush(): Decided | undefined {
    return this.step((d) => d.flush());
  }

  private step(feed: (d: Deframer) => LinkOutput[]): Decided | undefined {
    let best: { c: Candidate; end: number } | undefined;
    for (const c of this.candidates) {
      for (const o of feed(c.deframer)) {
        c.held.push(o);
        if (c.held.length > HELD) c.held.shift();
      }
      const first = c.held.find((o) => o.kind === 'apdu' && (c.layer !== 'raw' || o.end === o.bytes));
      if (first && (!best || first.end < best.end)) best = { c, end: first.end };
    }
    if (best) return { layer: best.c.layer, deframer: best.c.deframer, outputs: best.c.held };
    // Raw can only win from the first byte on: once it skipped that byte, it is out.
    this.candidates = this.candidates.filter((c) => c.layer !== 'raw' || (c.deframer.skipped === 0 && c.held.length === 0));
    return undefined;
  }

  get skipped(): number {
    return Math.min(...this.candidates.map((c) => c.deframer.skipped));
  }
}
