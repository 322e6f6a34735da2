/**
 * Line time against meters that take time to react (issue 16). A real meter waits 20–200 ms before each
 * answer, so on a real line the number of turnarounds, not the bytes, decides how long a read takes.
 * Per scenario: bytes, frames, DLMS round trips, meter turnarounds, line time, and the floor
 * = wire time + (fewest turnarounds the protocol needs for that data) × reaction.
 */
import { decorateLink } from '../src/core/decorate-link';
import { VirtualClock } from '../src/core/virtual-clock';
import { createSerialPair } from '../src/core/memory-link';
import { LINE_300_7E1, LINE_9600_8N1, charTimeMs, type Link } from '../src/core/link';
import type { Clock } from '../src/core/clock';
import { HdlcClient } from '../src/protocols/hdlc/client-session';
import { serverAddress } from '../src/protocols/hdlc/address';
import type { HdlcParameters } from '../src/protocols/hdlc/params';
import { parseObis } from '../src/protocols/cosem/obis';
import { DlmsSession } from '../src/protocols/dlms-client/session';
import { MeterKnowledge } from '../src/protocols/dlms-client/reader';
import { signOnModeE } from '../src/protocols/iec62056-21/mode-e';
import { readout } from '../src/protocols/iec62056-21/readout';
import { SimDlmsMeter } from '../src/sim/dlms/server';
import { createDemoDlmsModel } from '../src/sim/dlms/model';
import { VirtualIecMeter } from '../src/sim/iec/virtual-meter';
import { landisLikeModeC, syntheticMeter } from '../src/sim/iec/profiles';
import type { BenchRow } from './types';

const REGISTERS = [
  '1.0.1.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255',
  '1.0.1.7.0.255', '1.0.2.7.0.255', '1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255', '1.0.31.7.0.255',
  '1.0.51.7.0.255', '1.0.71.7.0.255', '1.0.14.7.0.255', '1.0.13.7.0.255', '0.0.96.1.0.255', '0.0.42.0.0.255',
  '1.0.1.6.0.255', '1.0.1.4.0.255',
];
const DAY = 24 * 3600_000;
/** What the bench meter allows: its largest HDLC frames and window, and the PDU its AARE grants. */
const METER_HDLC: HdlcParameters = { maxInfoTx: 1024, maxInfoRx: 1024, windowTx: 7, windowRx: 7 };
const METER_PDU = 1024;
const SMALL: Partial<HdlcParameters> = { maxInfoTx: 128, maxInfoRx: 128, windowTx: 1, windowRx: 1 };

/**
 * Both ends of the line, watched: bytes and wire time (each byte at the baud rate of the line it was
 * written on) and meter turnarounds (the meter starts talking after the client did).
 */
class LineWatch {
  bytes = 0;
  wireMs = 0;
  turnarounds = 0;
  private lastSide: 'client' | 'meter' | undefined;

  wrap(link: Link, side: 'client' | 'meter'): Link {
    return decorateLink(link, {
      write: async (bytes) => {
        if (side === 'meter' && this.lastSide === 'client') this.turnarounds++;
        this.lastSide = side;
        this.bytes += bytes.length;
        this.wireMs += bytes.length * charTimeMs(link.line);
        await link.write(bytes);
      },
    });
  }
}

interface Outcome {
  lineMs: number;
  bytes: number;
  wireMs: number;
  turnarounds: number;
  floorTurnarounds: number;
  frames: number;
  roundTrips: number;
}

type DlmsScenario = { registers: boolean; profileDays: number; modeE: boolean };

/** What a meter allows: its largest HDLC frames and window, and the PDU its AARE grants. */
interface MeterLimits {
  hdlc: HdlcParameters;
  pdu: number;
}
const BENCH_METER: MeterLimits = { hdlc: METER_HDLC, pdu: METER_PDU };
/** The largest IEC 62056-46 and the xDLMS AARE allow: 2030-byte information fields, window 7, PDU 65535. */
const LARGEST_METER: MeterLimits = { hdlc: { maxInfoTx: 2030, maxInfoRx: 2030, windowTx: 7, windowRx: 7 }, pdu: 0xffff };

async function dlmsRead(
  s: DlmsScenario,
  reactionMs: number,
  proposal: Partial<HdlcParameters>,
  knowledge = new MeterKnowledge(),
  limits: MeterLimits = BENCH_METER,
): Promise<Outcome> {
  const epoch = Date.UTC(2026, 0, 1);
  const clock = new VirtualClock(epoch + 40 * DAY);
  const pair = createSerialPair(clock, { line: s.modeE ? LINE_300_7E1 : LINE_9600_8N1 });
  const watch = new LineWatch();
  const address = serverAddress({ logical: 1, physical: 17, size: 2 });
  const dlms = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: epoch }), maxPdu: limits.pdu, reactionMs });
  const meterEnd = watch.wrap(pair.meter, 'meter');
  const ac = new AbortController();
  if (s.modeE) {
    const iec = new VirtualIecMeter({
      ...landisLikeModeC(),
      address: undefined,
      reactionMs,
      onModeE: async (link: Link, _c: Clock, signal?: AbortSignal) => {
        await dlms.serveHdlc(link, { address, supported: limits.hdlc }, signal).done;
      },
    });
    void iec.serve(meterEnd, clock, ac.signal).catch(() => undefined);
  } else {
    dlms.serveHdlc(meterEnd, { address, supported: limits.hdlc }, ac.signal).done.catch(() => undefined);
  }
  const clientEnd = watch.wrap(pair.client, 'client');
  const transport = new HdlcClient(clientEnd, clock, { server: address, client: 0x10, proposal });
  const session = new DlmsSession(transport, knowledge, { referencing: 'LN', auth: 'None' });
  const t0 = clock.now();
  await clock.run(async () => {
    if (s.modeE) await signOnModeE(clientEnd, clock, { maxBaud: 9600 });
    await session.connect();
    // As the driver does: the logical device name check rides in the first read's list.
    session.deferIdentityCheck();
    if (s.registers) {
      const values = await session.readValues(REGISTERS.map((c) => ({ obis: parseObis(c).obis, attribute: 2 })));
      if (values.some((v) => v.error)) throw new Error('a register failed');
    }
    if (s.profileDays > 0) {
      const from = epoch + 5 * DAY;
      const p = await session.readProfile(parseObis('1.0.99.1.0.255').obis, { from, to: from + s.profileDays * DAY - 1 });
      if (p.rows.length !== 96 * s.profileDays) throw new Error(`profile rows ${p.rows.length}`);
    }
    await session.close();
  });
  ac.abort();
  // Fewest turnarounds: SNRM, AARQ, DISC (DISC ends the association too, so RLRQ is not needed; + the
  // identification in mode E); one per data request,
  // or per answer chunk when the data is larger than what one turnaround can carry (the granted PDU, or
  // a full window of the meter's largest frames if smaller).
  const chunk = Math.min(limits.pdu, limits.hdlc.maxInfoTx * limits.hdlc.windowTx);
  const requests = (s.registers ? 1 : 0) + (s.profileDays > 0 ? 1 : 0);
  const meterBytes = pair.meter.stats.bytesOut;
  const floorTurnarounds = 3 + (s.modeE ? 1 : 0) + Math.max(requests, Math.ceil(meterBytes / chunk));
  return {
    lineMs: clock.now() - t0,
    bytes: watch.bytes,
    wireMs: watch.wireMs,
    turnarounds: watch.turnarounds,
    floorTurnarounds,
    frames: transport.stats.framesSent + transport.stats.framesReceived,
    roundTrips: transport.stats.roundTrips,
  };
}

async function iecReadout(reactionMs: number): Promise<Outcome> {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_300_7E1 });
  const watch = new LineWatch();
  const meter = new VirtualIecMeter({ ...syntheticMeter(300, 9600), reactionMs });
  const ac = new AbortController();
  void meter.serve(watch.wrap(pair.meter, 'meter'), clock, ac.signal).catch(() => undefined);
  const t0 = clock.now();
  const r = await clock.run(readout(watch.wrap(pair.client, 'client'), clock, {}));
  ac.abort();
  if (r.dataSets.length !== 300) throw new Error(`data sets ${r.dataSets.length}`);
  // Identification, then the data block: two answers.
  return { lineMs: clock.now() - t0, bytes: watch.bytes, wireMs: watch.wireMs, turnarounds: watch.turnarounds, floorTurnarounds: 2, frames: 4, roundTrips: 2 };
}

/**
 * IEC 62056-21 makes the client wait at least 200 ms after the identification before its option select:
 * the protocol needs it, so the floor of an IEC sign-on (mode C readout, mode E) counts it.
 */
const IEC_OPTION_WAIT_MS = 200;

function rows(label: string, reactionMs: number, o: Outcome, iecSignOn = false): BenchRow[] {
  const wait = iecSignOn ? IEC_OPTION_WAIT_MS : 0;
  const floor = o.wireMs + o.floorTurnarounds * reactionMs + wait;
  const waitNote = iecSignOn ? ` + the ${IEC_OPTION_WAIT_MS} ms IEC 62056-21 makes the client wait before its option select` : '';
  return [
    { name: `${label}, ${reactionMs} ms reaction: line time`, value: o.lineMs / 1000, unit: 's', note: `${o.bytes} bytes, ${o.frames} frames, ${o.roundTrips} round trips, ${o.turnarounds} meter turnarounds` },
    { name: `  ratio to turnaround floor`, value: o.lineMs / floor, unit: 'x', note: `floor ${(floor / 1000).toFixed(2)} s = wire ${(o.wireMs / 1000).toFixed(2)} s + ${o.floorTurnarounds} turnarounds × ${reactionMs} ms${waitNote}; goal ≤ 1.10` },
  ];
}

const SCENARIOS: [string, DlmsScenario][] = [
  ['DLMS 20 registers', { registers: true, profileDays: 0, modeE: false }],
  ['DLMS 20 registers + 1 day profile', { registers: true, profileDays: 1, modeE: false }],
  ['DLMS 31 days profile', { registers: false, profileDays: 31, modeE: false }],
  ['DLMS mode E 20 registers', { registers: true, profileDays: 0, modeE: true }],
  ['DLMS mode E 20 registers + 1 day profile', { registers: true, profileDays: 1, modeE: true }],
  ['DLMS mode E 31 days profile', { registers: false, profileDays: 31, modeE: true }],
];

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const reaction of [50, 150]) {
    for (const [label, s] of SCENARIOS) {
      const name = `${label} (9600, HDLC ${METER_HDLC.maxInfoRx} B / window ${METER_HDLC.windowRx})`;
      if (!s.registers) {
        out.push(...rows(name, reaction, await dlmsRead(s, reaction, METER_HDLC), s.modeE));
        continue;
      }
      // The first read of a meter learns classes and scalers; later polls (the usual case) use them.
      const knowledge = new MeterKnowledge();
      out.push(...rows(`${name}, first read`, reaction, await dlmsRead(s, reaction, METER_HDLC, knowledge), s.modeE));
      out.push(...rows(`${name}, later polls`, reaction, await dlmsRead(s, reaction, METER_HDLC, knowledge), s.modeE));
    }
    out.push(...rows('IEC mode C readout, 300 data sets', reaction, await iecReadout(reaction), true));
  }
  const big = await dlmsRead(SCENARIOS[2][1], 150, METER_HDLC);
  // Same data, so the same floor: the smaller frames' extra header bytes are part of what they cost.
  const small = { ...(await dlmsRead(SCENARIOS[2][1], 150, SMALL)), floorTurnarounds: big.floorTurnarounds };
  const smallRows = rows('DLMS 31 days profile (9600, HDLC 128 B / window 1)', 150, small);
  smallRows[1].value = small.lineMs / (big.wireMs + big.floorTurnarounds * 150);
  smallRows[1].note = `against the floor of the same data with the meter's largest frames (${((big.wireMs + big.floorTurnarounds * 150) / 1000).toFixed(2)} s)`;
  out.push(...smallRows);
  out.push({
    name: '31 days at 150 ms: 1024 B / window 7 speed-up over 128 B / window 1',
    value: small.lineMs / big.lineMs,
    unit: 'x',
    note: `issue goal ≥ 3; at 9600 baud the wire alone (${(big.wireMs / 1000).toFixed(1)} s) caps it at ${(small.lineMs / big.wireMs).toFixed(2)}`,
  });
  // The most any meter may allow: fewer DLMS blocks and HDLC acknowledgements, the same profile bytes.
  const largest = await dlmsRead(SCENARIOS[2][1], 150, LARGEST_METER.hdlc, new MeterKnowledge(), LARGEST_METER);
  out.push(...rows('DLMS 31 days profile (9600, HDLC 2030 B / window 7, PDU 65535)', 150, largest));
  const bytesOnly = small.lineMs / largest.wireMs;
  out.push({
    name: '31 days at 150 ms: 2030 B / window 7 / PDU 65535 speed-up over 128 B / window 1',
    value: small.lineMs / largest.lineMs,
    unit: 'x',
    note:
      `3 × is out of reach at 9600 baud: even with no turnaround at all the ${largest.bytes} bytes take ${(largest.wireMs / 1000).toFixed(1)} s ` +
      `on the wire, a cap of ${bytesOnly.toFixed(2)} × over ${(small.lineMs / 1000).toFixed(1)} s (${(small.wireMs / 1000).toFixed(1)} s of it the small frames' own bytes)`,
  });
  return out;
}
