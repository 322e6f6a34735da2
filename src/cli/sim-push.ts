/** `meterscope sim`'s push port: the demo pushing meter on each connection, until it closes. */
import type { Clock } from '../core/clock';
import type { Link } from '../core/link';
import { startDemoHanMeter } from '../sim/demo-han';

export async function servePushMeter(link: Link, clock: Clock, signal: AbortSignal): Promise<void> {
  const meter = startDemoHanMeter(clock, link);
  try {
    // The meter talks first and never listens: read only to notice the connection ending.
    while (!signal.aborted) await link.read(1000);
  } finally {
    meter.stop();
  }
}
