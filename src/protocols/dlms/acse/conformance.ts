import { ProtocolError } from '../../../core/errors';

/**
 * The xDLMS conformance block: 24 named bits, bit 0 being the most significant bit of the first
 * byte. Held as a number 0..0xFFFFFF; on the wire as [APPLICATION 31] BIT STRING: 5F 1F 04 00 + 3 bytes.
 */
export const CONFORMANCE_BITS = {
  'reserved-zero': 0,
  'general-protection': 1,
  'general-block-transfer': 2,
  read: 3,
  write: 4,
  'unconfirmed-write': 5,
  'delta-value-encoding': 6,
  'reserved-seven': 7,
  'attribute0-supported-with-set': 8,
  'priority-mgmt-supported': 9,
  'attribute0-supported-with-get': 10,
  'block-transfer-with-get-or-read': 11,
  'block-transfer-with-set-or-write': 12,
  'block-transfer-with-action': 13,
  'multiple-references': 14,
  'information-report': 15,
  'data-notification': 16,
  access: 17,
  'parameterized-access': 18,
  get: 19,
  set: 20,
  'selective-access': 21,
  'event-notification': 22,
  action: 23,
} as const;

export type ConformanceName = keyof typeof CONFORMANCE_BITS;

export function conformanceFlag(name: ConformanceName): number {
  return 1 << (23 - CONFORMANCE_BITS[name]);
}

export function conformanceFromNames(names: readonly ConformanceName[]): number {
  let v = 0;
  for (const n of names) v |= conformanceFlag(n);
  return v;
}

export function conformanceNames(value: number): ConformanceName[] {
  const out: ConformanceName[] = [];
  for (const [name, bit] of Object.entries(CONFORMANCE_BITS)) if (value & (1 << (23 - bit))) out.push(name as ConformanceName);
  return out;
}

export function hasConformance(value: number, name: ConformanceName): boolean {
  return (value & conformanceFlag(name)) !== 0;
}

/** What a logical-name client usually proposes: 0x001E1D. */
export const LN_CLIENT_CONFORMANCE = conformanceFromNames([
  'block-transfer-with-get-or-read',
  'block-transfer-with-set-or-write',
  'block-transfer-with-action',
  'multiple-references',
  'get',
  'set',
  'selective-access',
  'action',
]);

/** What a short-name client usually proposes. */
export const SN_CLIENT_CONFORMANCE = conformanceFromNames([
  'read',
  'write',
  'unconfirmed-write',
  'block-transfer-with-get-or-read',
  'block-transfer-with-set-or-write',
  'multiple-references',
  'information-report',
  'parameterized-access',
]);

export const CONFORMANCE_TLV_SIZE = 7;

export function encodeConformance(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffff) throw new ProtocolError('TYPE_MISMATCH', `Conformance ${value} is not 24 bits.`);
  return Uint8Array.of(0x5f, 0x1f, 0x04, 0x00, value >>> 16, (value >>> 8) & 0xff, value & 0xff);
}

export function decodeConformance(bytes: Uint8Array, offset: number): number {
  if (bytes.length - offset < CONFORMANCE_TLV_SIZE) throw new ProtocolError('LENGTH', 'Truncated conformance block.');
  if (bytes[offset] !== 0x5f || bytes[offset + 1] !== 0x1f || bytes[offset + 2] !== 0x04) {
    throw new ProtocolError('FRAMING', `Conformance block expected at offset ${offset} (5F 1F 04).`);
  }
  return (bytes[offset + 4] << 16) | (bytes[offset + 5] << 8) | bytes[offset + 6];
}

/** The conformance helpers under one name. */
export const Conformance = {
  bits: CONFORMANCE_BITS,
  flag: conformanceFlag,
  fromNames: conformanceFromNames,
  names: conformanceNames,
  has: hasConformance,
  encode: encodeConformance,
  decode: decodeConformance,
  LN_CLIENT: LN_CLIENT_CONFORMANCE,
  SN_CLIENT: SN_CLIENT_CONFORMANCE,
} as const;
