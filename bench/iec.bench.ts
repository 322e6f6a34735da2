/**
 * IEC 62056-21 figures: a mode C readout against the virtual meter under virtual time, as a ratio to
 * the wire lower bound, and the data-set parser's throughput.
 */
import type { BenchRow } from './types';
import { VirtualClock } from '../src/core/virtual-clock';
import { createSerialPair } from '../src/core/memory-link';
import { LINE_300_7E1, bitsPerChar } from '../src/core/link';
import { readout } from '../src/protocols/iec62056-21/readout';
import { parseDataBlock } from '../src/protocols/iec62056-21/datasets';
import { decodeTelegram } from '../src/protocols/dsmr/telegram';
import { textToBytes } from '../src/protocols/iec62056-21/chars';
import { DSMR5_ISKRA_TELEGRAM } from '../src/sim/iec/fixture-telegrams';
import { VirtualIecMeter } from '../src/sim/iec/virtual-meter';
import { syntheticMeter } from '../src/sim/iec/profiles';

const T2_MS = 300;

async function modeCReadout(): Promise<BenchRow[]> {
  const clock = new VirtualClock();
  const pair = createSerialPair(clock, { line: LINE_300_7E1 });
  const meter = new VirtualIecMeter(syntheticMeter(300, 9600));
  const ac = new AbortController();
  void meter.serve(pair.meter, clock, ac.signal).catch(() => undefined);
  const r = await clock.run(readout(pair.client, clock, { t2Ms: T2_MS }));
  ac.abort();
  pair.unplug();

  const at = (baud: number) => (n: number) => (n * bitsPerChar({ ...LINE_300_7E1, baudRate: baud }) * 1000) / baud;
  const slow = at(300);
  const fast = at(9600);
  const requestBytes = 5; // "/?!" CR LF
  const identBytes = meter.identificationBytes().length;
  const ackBytes = 6;
  const dataBytes = r.bytes + 3; // STX data ETX BCC
  const wire = slow(requestBytes) + slow(identBytes) + slow(ackBytes) + fast(dataBytes);
  const waits = meter.reactionMs /* meter: request -> ident */ + T2_MS /* client: ident -> ACK */ + meter.reactionMs; /* meter: after switch -> data */
  const bound = wire + waits;
  return [
    {
      name: 'iec62056-21 mode C readout, 300 data sets, 300->9600 baud: time / (wire + mandated waits)',
      value: Number((r.timing.totalMs / bound).toFixed(4)),
      unit: 'ratio',
      note:
        `target <= 1.05; measured ${r.timing.totalMs.toFixed(1)} ms virtual, bound ${bound.toFixed(1)} ms = wire ${wire.toFixed(1)} ms ` +
        `(request ${requestBytes} + ident ${identBytes} + ACK ${ackBytes} chars at 300 7E1, data ${dataBytes} chars at 9600 7E1, 10 bits/char) + waits ${waits} ms ` +
        `(meter reaction ${meter.reactionMs} ms before the identification and again after the switch, client t2 ${T2_MS} ms before the ACK; the switch itself happens the moment the ACK has left the line)`,
    },
    { name: 'iec62056-21 mode C readout, 300 data sets: virtual duration', value: Number(r.timing.totalMs.toFixed(1)), unit: 'ms', note: `${r.dataSets.length} data sets, ${r.bytes} bytes` },
  ];
}

function parserThroughput(): BenchRow[] {
  const text = new VirtualIecMeter(syntheticMeter(300)).readoutText();
  const sets = parseDataBlock(text).dataSets.length;
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < 500) {
    for (let i = 0; i < 20; i++) parseDataBlock(text);
    n += 20;
    t = performance.now();
  }
  const perSec = (n * sets) / ((t - t0) / 1000);
  const tg = textToBytes(DSMR5_ISKRA_TELEGRAM);
  let m = 0;
  const u0 = performance.now();
  let u = u0;
  while (u - u0 < 300) {
    for (let i = 0; i < 50; i++) decodeTelegram(tg);
    m += 50;
    u = performance.now();
  }
  return [
    { name: 'iec62056-21 data-set parser throughput', value: Math.round(perSec), unit: 'data sets/s', note: `readout of ${sets} data sets (${text.length} chars), parsed ${n} times` },
    { name: 'dsmr telegram decode (CRC + parse) throughput', value: Math.round(m / ((u - u0) / 1000)), unit: 'telegrams/s', note: 'DSMR 5 fixture telegram, 37 data sets' },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return [...(await modeCReadout()), ...parserThroughput()];
}
