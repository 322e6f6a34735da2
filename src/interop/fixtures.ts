import { readFileSync } from 'node:fs';
import { fromHex } from '../protocols/dlms/hex';
import { parseRecording, type Recording } from './recording';

/**
 * The recorded sessions of the independent DLMS/COSEM stack (../shared/fixtures/dlms-peer, read-only,
 * outside the repository) and the facts its README states. Node-only: tests and benchmarks load them.
 */

export const PEER_FIXTURES = new URL('../../../shared/fixtures/dlms-peer/', import.meta.url);

export type PeerSession = 'ln-hdlc-none' | 'ln-hdlc-low' | 'ln-wrapper-highgmac' | 'ln-wrapper-high-short-secret' | 'mode-e-handshake';

export function peerText(name: PeerSession | 'ln-hdlc-low-object-dump'): string {
  return readFileSync(new URL(`${name}.txt`, PEER_FIXTURES), 'utf8');
}

export function peerRecording(name: PeerSession): Recording {
  return parseRecording(peerText(name));
}

/** Keys and titles from the fixture README (test material, not anyone's secret). */
export const PEER_SECURITY = {
  clientSystemTitle: fromHex('4775727578313233'),
  blockCipherKey: fromHex('000102030405060708090A0B0C0D0E0F'),
  authenticationKey: fromHex('D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF'),
  lowPassword: 'Gurux',
  highSecret: 'Gurux',
} as const;
