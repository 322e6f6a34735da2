/** Test harness: a virtual IEC meter on a memory wire under virtual time. Tests and the bench only. */
import { VirtualClock } from '../../../core/virtual-clock';
import { createSerialPair, type MemoryPairOptions, type SerialPair } from '../../../core/memory-link';
import { LINE_300_7E1 } from '../../../core/link';
import { VirtualIecMeter, type IecMeterProfile } from '../../../sim/iec/virtual-meter';

export interface Harness {
  clock: VirtualClock;
  pair: SerialPair;
  meter: VirtualIecMeter;
  logs: string[];
  log: (level: number, message: string) => void;
  stop(): void;
}

export function startMeter(profile: IecMeterProfile, pairOpts: MemoryPairOptions = {}): Harness {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: profile.initialLine ?? LINE_300_7E1, ...pairOpts });
  const meter = new VirtualIecMeter(profile);
  const ac = new AbortController();
  void meter.serve(pair.meter, clock, ac.signal).catch(() => undefined);
  const logs: string[] = [];
  return {
    clock,
    pair,
    meter,
    logs,
    log: (_level, message) => logs.push(message),
    stop() {
      ac.abort();
      pair.unplug();
    },
  };
}
