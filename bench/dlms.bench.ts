import { VirtualClock } from '../src/core/virtual-clock';
import { createSerialPair } from '../src/core/memory-link';
import { LINE_9600_8N1, bitsPerChar } from '../src/core/link';
import { HdlcClient } from '../src/protocols/hdlc/client-session';
import { serverAddress } from '../src/protocols/hdlc/address';
import { parseObis } from '../src/protocols/cosem/obis';
import { DlmsSession } from '../src/protocols/dlms-client/session';
import { MeterKnowledge } from '../src/protocols/dlms-client/reader';
import { SimDlmsMeter } from '../src/sim/dlms/server';
import { createDemoDlmsModel } from '../src/sim/dlms/model';
import type { BenchRow } from './types';

const REGISTERS = [
  '1.0.1.8.0.255', '1.0.1.8.1.255', '1.0.1.8.2.255', '1.0.2.8.0.255', '1.0.3.8.0.255', '1.0.4.8.0.255',
  '1.0.1.7.0.255', '1.0.2.7.0.255', '1.0.32.7.0.255', '1.0.52.7.0.255', '1.0.72.7.0.255', '1.0.31.7.0.255',
  '1.0.51.7.0.255', '1.0.71.7.0.255', '1.0.14.7.0.255', '1.0.13.7.0.255', '0.0.96.1.0.255', '0.0.42.0.0.255',
  '1.0.1.6.0.255', '1.0.1.4.0.255',
];

/**
 * A whole DLMS read at 9600 8N1 over HDLC against the simulated meter (which answers at once, so every
 * idle moment on the line is the client's): sign-on, 20 registers with their scalers, one day of
 * 15-minute load profile, release. The wire lower bound is every byte both ways × 10 bits / 9600 baud.
 */
async function scenario(window: number, maxInfo: number) {
  const epoch = Date.UTC(2026, 0, 1);
  const clock = new VirtualClock(epoch + 12 * 24 * 3600_000);
  const pair = createSerialPair(clock, { line: LINE_9600_8N1 });
  const address = serverAddress({ logical: 1, physical: 17, size: 2 });
  const meter = new SimDlmsMeter(clock, { referencing: 'LN', model: createDemoDlmsModel({ epochMs: epoch }), maxPdu: 1024 });
  meter.serveHdlc(pair.meter, { address, supported: { windowRx: 7, windowTx: 7, maxInfoRx: 1024, maxInfoTx: 1024 } });
  const transport = new HdlcClient(pair.client, clock, {
    server: address,
    client: 0x10,
    proposal: { windowRx: window, windowTx: window, maxInfoRx: maxInfo, maxInfoTx: maxInfo },
  });
  const session = new DlmsSession(transport, new MeterKnowledge(), { referencing: 'LN', auth: 'None' });
  const wallStart = performance.now();
  await clock.run(async () => {
    await session.connect();
    const values = await session.readValues(REGISTERS.map((c) => ({ obis: parseObis(c).obis, attribute: 2 })));
    if (values.some((v) => v.error)) throw new Error('a register failed');
    const from = epoch + 10 * 24 * 3600_000;
    const p = await session.readProfile(parseObis('1.0.99.1.0.255').obis, { from, to: from + 24 * 3600_000 - 1 });
    if (p.rows.length !== 96) throw new Error(`profile rows ${p.rows.length}`);
    await session.close();
  });
  const bytes = pair.client.stats.bytesOut + pair.meter.stats.bytesOut;
  const wireMs = (bytes * bitsPerChar(LINE_9600_8N1) * 1000) / LINE_9600_8N1.baudRate;
  return { ms: clock.now(), bytes, wireMs, trips: transport.stats.roundTrips, frames: transport.stats.framesSent + transport.stats.framesReceived, wall: performance.now() - wallStart };
}

export async function run(): Promise<BenchRow[]> {
  const small = await scenario(1, 128);
  const big = await scenario(7, 1024);
  const rows: BenchRow[] = [];
  for (const [label, r] of [['window 1 / 128 B', small], ['negotiated 7 / 1024 B', big]] as const) {
    rows.push(
      { name: `DLMS 20 registers + 1 day profile, ${label}: time on line`, value: r.ms / 1000, unit: 's', note: 'virtual time at 9600 8N1, HDLC' },
      { name: `  wire lower bound`, value: r.wireMs / 1000, unit: 's', note: `${r.bytes} bytes both ways × 10 bits / 9600` },
      { name: `  ratio to wire lower bound`, value: r.ms / r.wireMs, unit: 'x', note: 'target ≤ 1.10; the simulated meter answers at once' },
      { name: `  round trips (DLMS requests)`, value: r.trips, unit: '', note: `${r.frames} HDLC frames` },
    );
  }
  rows.push({ name: 'DLMS bench wall time (both scenarios)', value: small.wall + big.wall, unit: 'ms', note: 'real time to simulate' });
  return rows;
}
