/**
 * Soak under faults (issue 13): 1,000 virtual sessions per protocol over a memory wire that drops,
 * corrupts and doubles 1% of bytes (a third each), every reading compared with the simulator's truth.
 * SOAK_SESSIONS changes the count. The test (src/soak/soak.test.ts) runs fewer and asserts the DLMS
 * zeros; this prints the figures.
 */
import { DLMS_KINDS, soakDlms, soakIec, type IecTally } from '../src/soak/soak';
import type { SoakTally } from '../src/soak/rng';
import type { BenchRow } from './types';

const N = Number(process.env.SOAK_SESSIONS ?? 0) || 1000;
const RATE = 0.01;

function wrongNote(protocol: string): string {
  if (protocol.startsWith('IEC')) return 'past parity, the XOR BCC and the plausibility check';
  if (protocol === 'DLMS wrapper') return 'no check of its own: on a real network TCP checksums stand here; use HighGmac';
  return 'must be 0 for DLMS';
}

function rows(t: SoakTally): BenchRow[] {
  const errors = Object.entries(t.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const readings = t.good + t.bad + t.wrong;
  return [
    { name: `soak ${t.protocol}: sessions`, value: t.sessions, unit: '', note: `1% byte faults (drop, corrupt, duplicate), ${(t.wallMs / 1000).toFixed(1)} s wall` },
    { name: `  good readings`, value: t.good, unit: '', note: `of ${readings}` },
    { name: `  bad readings (typed errors)`, value: t.bad, unit: '', note: errors || 'none' },
    { name: `  WRONG VALUES STORED`, value: t.wrong, unit: '', note: wrongNote(t.protocol) },
  ];
}

function iecRows(t: IecTally): BenchRow[] {
  const measured = (t.undetectedBlocks + t.refusedBlocks) / Math.max(1, t.blocksSent);
  const theory = t.theoryBlocks / Math.max(1, t.blocksSent);
  return [
    ...rows(t),
    { name: `  damaged blocks past parity + XOR BCC, measured`, value: measured * 100, unit: '%', note: `${t.undetectedBlocks + t.refusedBlocks} of ${t.blocksSent} blocks sent` },
    { name: `  damaged blocks past parity + XOR BCC, theory`, value: theory * 100, unit: '%', note: 'exact for the wire model: flips that keep parity, drops and doubles whose XOR cancels' },
    { name: `  of those, refused by the plausibility check`, value: t.refusedBlocks, unit: 'blocks', note: 'brackets, address, unit, digits per register group; read again' },
    { name: `  of those, accepted damaged`, value: t.undetectedBlocks, unit: 'blocks', note: `${((t.undetectedBlocks / Math.max(1, t.blocksSent)) * 100).toFixed(2)}% per block after the check` },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  out.push(...iecRows(await soakIec(N, RATE)));
  for (const kind of DLMS_KINDS) out.push(...rows(await soakDlms(kind, N, RATE)));
  return out;
}
