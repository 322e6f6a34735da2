import { LINE_9600_8N1, bitsPerChar } from '../src/core/link';
import { peerRecording } from '../src/interop/fixtures';
import { readPeerLike, type PeerLikeSession } from '../src/interop/peer-like-rig';
import type { BenchRow } from './types';

/**
 * A read of 8 attributes over HDLC at 9600 8N1 from our simulator set up like the recorded Gurux server
 * (its objects and classes, no GET-with-list for this client, 1-byte address answers, a wrong class
 * answered read-write-denied; two of the eight need the object list to find their class), next to what
 * the recorded client spent on that server (ln-hdlc-low.txt: it reads the whole association view
 * before anything else, every session).
 *
 * Both sides are priced the same way: every byte on the line at 9600 8N1 (10 bits a byte) plus one
 * meter reaction time per round trip (a request and its answer). Ours is measured in virtual time over
 * the memory wire (the simulator answers at once, so the reaction time is added afterwards, like the
 * recording's); the recording's bytes and round trips are counted from the file.
 */

const REACTION_MS = 20;
const BAUD_BITS = bitsPerChar(LINE_9600_8N1);

function lineMs(bytes: number): number {
  return (bytes * BAUD_BITS * 1000) / LINE_9600_8N1.baudRate;
}

function recordedCost(): { bytes: number; trips: number } {
  const rec = peerRecording('ln-hdlc-low');
  const bytes = rec.messages.reduce((n, m) => n + m.bytes.length, 0);
  const trips = rec.messages.filter((m) => m.dir === 'tx').length;
  return { bytes, trips };
}

export async function run(): Promise<BenchRow[]> {
  const theirs = recordedCost();
  const theirMs = lineMs(theirs.bytes) + theirs.trips * REACTION_MS;
  const [firstRun, laterRun] = await readPeerLike(2);
  const summary = (r: PeerLikeSession) => ({ ...r, good: r.readings.filter((x) => x.quality === 'good').length });
  const first = summary(firstRun);
  const later = summary(laterRun);
  const rows: BenchRow[] = [
    { name: 'Recorded client on the Gurux server (ln-hdlc-low): line time', value: theirMs / 1000, unit: 's', note: `${theirs.bytes} bytes at 9600 8N1 + ${theirs.trips} round trips × ${REACTION_MS} ms; reads the association view every session` },
    { name: '  round trips', value: theirs.trips, unit: '', note: 'one per client frame (SNRM, I, RR, DISC)' },
  ];
  for (const [label, r] of [['first contact (two classes a plain guess gets wrong, found without the object list)', first], ['later sessions (classes remembered)', later]] as const) {
    const ms = r.virtualMs + r.trips * REACTION_MS;
    rows.push(
      { name: `Ours, 8 attributes, ${label}: line time`, value: ms / 1000, unit: 's', note: `virtual ${(r.virtualMs / 1000).toFixed(2)} s (${r.bytes} bytes, wire ${(lineMs(r.bytes) / 1000).toFixed(2)} s) + ${r.trips} × ${REACTION_MS} ms; ${r.good}/8 good` },
      { name: '  round trips', value: r.trips, unit: '' },
      { name: '  share of the recorded client’s time', value: ms / theirMs, unit: 'x', note: 'goal ≤ 0.20' },
    );
  }
  return rows;
}
