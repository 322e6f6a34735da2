import { decodeData, encodeData } from '../src/protocols/dlms/axdr/data';
import type { DlmsData } from '../src/protocols/dlms/axdr/types';
import { decodeProfileBuffer } from '../src/protocols/cosem/profile';
import { dateTimeOctets } from '../src/sim/dlms/model';
import type { BenchRow } from './types';

/**
 * The engine must never be the bottleneck: decoding a 10,000-row load profile (A-XDR, then rows with
 * timestamps and scaled columns) against the time the same bytes take on the line at 115200 baud 8N1.
 */
export async function run(): Promise<BenchRow[]> {
  const rows = 10_000;
  const start = Date.UTC(2026, 0, 1);
  const items: DlmsData[] = [];
  for (let i = 0; i < rows; i++) {
    items.push({
      type: 'structure',
      items: [
        { type: 'octet-string', value: dateTimeOctets(start + i * 900_000) },
        { type: 'uint8', value: 0 },
        { type: 'uint32', value: 12_345_678 + i * 13 },
        { type: 'uint32', value: 1_234_567 + i },
        { type: 'int16', value: 2300 + (i % 40) },
        { type: 'uint16', value: 5000 },
      ],
    });
  }
  const bytes = encodeData({ type: 'array', items });
  const scalers = [undefined, undefined, { scaler: 1, unit: 30 }, { scaler: 1, unit: 30 }, { scaler: -1, unit: 35 }, { scaler: -2, unit: 44 }];
  const once = () => decodeProfileBuffer(decodeData(bytes, 0).value, { capturePeriod: 900, scalers, timestampColumn: 0 });
  for (let i = 0; i < 5; i++) once();
  const runs = 30;
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < runs; i++) n += once().rows.length;
  const ms = (performance.now() - t0) / runs;
  if (n !== rows * runs) throw new Error('row count');
  const wireMs = (bytes.length * 10 * 1000) / 115_200;
  return [
    { name: '10,000-row profile: decode + rows with timestamps and scalers', value: ms, unit: 'ms', note: `${(bytes.length / 1024).toFixed(0)} KiB of A-XDR, 6 columns` },
    { name: '  as share of its wire time at 115200 8N1', value: (100 * ms) / wireMs, unit: '%', note: `wire ${(wireMs / 1000).toFixed(1)} s; target < 1 %` },
  ];
}
