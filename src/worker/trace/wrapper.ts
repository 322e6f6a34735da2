/** DLMS wrapper (TCP) headers in a trace. */
import { apduNode } from './apdu';
import { type DecodedNode, node } from './tree';

// ---------------------------------------------------------------- wrapper

export function decodeWrapperNode(b: Uint8Array): DecodedNode | undefined {
  const len = (b[6]! << 8) | b[7]!;
  if (b.length !== 8 + len) return undefined;
  const src = (b[2]! << 8) | b[3]!;
  const dst = (b[4]! << 8) | b[5]!;
  const apdu = b.subarray(8);
  const a = apduNode(apdu, false);
  return node(`Wrapper ${src}→${dst}`, a.label, [
    node('version', '1'),
    node('source wPort', String(src)),
    node('destination wPort', String(dst)),
    node('length', String(len)),
    a,
  ]);
}
