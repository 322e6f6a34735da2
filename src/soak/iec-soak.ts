/**
 * IEC 62056-21 mode C soak: one readout per seed against the virtual meter over a 300/9600 baud 7E1
 * memory wire that drops, corrupts and doubles characters at random. The meter prints values drawn
 * from the seed in the formats real meters use, so each data set can be compared with the truth.
 * Parity and one XOR check character are weak: the blocks they let through are counted, split into
 * those the readout's plausibility check (src/protocols/iec62056-21/plausible.ts) refused and read
 * again, and those accepted damaged.
 */
import { toMeterError } from '../core/errors';
import { LINE_300_7E1 } from '../core/link';
import { createSerialPair } from '../core/memory-link';
import { VirtualClock } from '../core/virtual-clock';
import { textToBytes } from '../protocols/iec62056-21/chars';
import { readout } from '../protocols/iec62056-21/readout';
import { VirtualIecMeter } from '../sim/iec/virtual-meter';
import { undetectedBlockProbability } from './bcc-theory';
import { faultMix, seeded } from './rng';

interface Truth {
  text: string;
  /** address -> value as printed (with `*unit`). */
  values: Map<string, string>;
}

const fixed = (v: number, int: number, frac: number) => v.toFixed(frac).padStart(int + (frac > 0 ? frac + 1 : 0), '0');

/** A readout like a three-phase meter's: serial, time, energy registers, voltages, currents, frequency. */
export function iecTruth(seed: number): Truth {
  const r = seeded(seed * 104729 + 3);
  const lines: [string, string][] = [
    ['C.1.0', String(Math.floor(r() * 1e8)).padStart(8, '0')],
    ['0.9.1', `${String(Math.floor(r() * 24)).padStart(2, '0')}${String(Math.floor(r() * 60)).padStart(2, '0')}00`],
    ['0.9.2', `26${String(1 + Math.floor(r() * 12)).padStart(2, '0')}${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`],
  ];
  for (let t = 0; t <= 4; t++) lines.push([`1.8.${t}`, `${fixed(r() * 999999, 6, 3)}*kWh`]);
  for (let t = 0; t <= 2; t++) lines.push([`2.8.${t}`, `${fixed(r() * 99999, 6, 3)}*kWh`]);
  for (const c of [32, 52, 72]) lines.push([`${c}.7.0`, `${fixed(215 + r() * 30, 3, 1)}*V`]);
  for (const c of [31, 51, 71]) lines.push([`${c}.7.0`, `${fixed(r() * 80, 3, 2)}*A`]);
  lines.push(['14.7.0', `${fixed(49.9 + r() * 0.2, 2, 2)}*Hz`], ['F.F', '00000000']);
  return { text: `${lines.map(([a, v]) => `${a}(${v})`).join('\r\n')}\r\n!\r\n`, values: new Map(lines) };
}

export interface IecSessionOutcome {
  /** Data sets read and equal to the truth. */
  good: number;
  /** Typed errors: the whole readout failed (every data set bad), by code. */
  bad: Record<string, number>;
  /** Data sets accepted with a value that differs from the truth. */
  wrong: number;
  /** The accepted data block differs from what the meter sent (parity, BCC and plausibility missed damage). */
  undetectedBlock: boolean;
  /** Blocks that passed parity and BCC but that the plausibility check refused. */
  refusedBlocks: number;
  /** Data blocks the meter sent (each attempt sends one). */
  blocksSent: number;
  /** Theoretical probability that one sent block is damaged yet passes parity + BCC. */
  theory: number;
  /** What was accepted, when it differs from what was sent (for the figures' notes). */
  accepted?: string;
}

function show(values: { value: string; unit?: string }[]): string {
  return values.map((v) => (v.unit !== undefined ? `${v.value}*${v.unit}` : v.value)).join(')(');
}

export async function iecSession(seed: number, faultRate: number): Promise<IecSessionOutcome> {
  const truth = iecTruth(seed);
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_300_7E1 });
  const mix = faultMix(faultRate);
  pair.faults.setRandom({ ...mix, seed: seed * 2654435761 + 7 });
  const meter = new VirtualIecMeter({ name: 'soak', manufacturer: 'SOk', ident: 'SOAK', supportedModes: ['C'], maxBaud: 9600, readout: truth.text });
  const stop = new AbortController();
  void meter.serve(pair.meter, clock, stop.signal).catch(() => undefined);
  // Count the data blocks the meter starts to send (each sign-on that gets this far sends one).
  let blocks = 0;
  const write = pair.meter.write.bind(pair.meter);
  pair.meter.write = (bytes: Uint8Array) => {
    if (bytes[0] === 0x02) blocks++;
    return write(bytes);
  };
  const covered = textToBytes(`${meter.readoutText()}\x03`);
  const out: IecSessionOutcome = {
    good: 0,
    bad: {},
    wrong: 0,
    undetectedBlock: false,
    refusedBlocks: 0,
    blocksSent: 0,
    theory: undetectedBlockProbability(covered, mix),
  };
  const n = truth.values.size;
  // The readout logs each failed attempt with its reason; the plausibility check's reason says "damaged".
  const refused = (message: string) => {
    if (/damaged on the line/.test(message)) out.refusedBlocks++;
  };
  const compare = (dataSets: { address: string; values: { value: string; unit?: string }[] }[]) => {
    const got = new Map(dataSets.map((ds) => [ds.address, show(ds.values)]));
    for (const [address, value] of truth.values) {
      const v = got.get(address);
      if (v === undefined) out.bad.OBJECT_UNDEFINED = (out.bad.OBJECT_UNDEFINED ?? 0) + 1;
      else if (v === value) out.good++;
      else out.wrong++;
    }
  };
  try {
    const r = await clock.run(readout(pair.client, clock, { retries: 3, log: (_level, message) => refused(message) }), { maxVirtualMs: 3_600_000 });
    out.undetectedBlock = r.text !== meter.readoutText();
    if (out.undetectedBlock) out.accepted = r.text;
    compare(r.dataSets);
  } catch (e) {
    const err = toMeterError(e);
    refused(err.message);
    out.bad[err.code] = (out.bad[err.code] ?? 0) + n;
  } finally {
    out.blocksSent = blocks;
    stop.abort();
    pair.unplug();
  }
  return out;
}
