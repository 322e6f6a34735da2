import { ProtocolError } from '../../core/errors';

/**
 * HDLC addresses (IEC 62056-46 §6.4.2). Each address byte carries 7 bits shifted left by one; the
 * low bit is 1 only on the last byte. Client addresses are one byte; server addresses are 1, 2 or 4
 * bytes, the 2- and 4-byte forms splitting into an upper (logical device) and a lower (physical) half.
 */

export type HdlcAddressSize = 1 | 2 | 4;

/** An address as it travels: the value spread over `size` bytes. */
export interface HdlcAddress {
  value: number;
  size: HdlcAddressSize;
}

/** A server address the way a configuration gives it (WCC Lite fields). */
export interface ServerAddressParts {
  logical: number;
  physical: number;
  /** The requested size; see serverAddress() for when it grows. */
  size: HdlcAddressSize;
}

const MAX_VALUE: Record<HdlcAddressSize, number> = { 1: 0x7f, 2: 0x3fff, 4: 0x0fffffff };

/** Encode `addr` as its 1, 2 or 4 bytes. */
export function encodeAddress(addr: HdlcAddress): Uint8Array {
  const { value, size } = addr;
  if (size !== 1 && size !== 2 && size !== 4) throw new ProtocolError('FRAMING', `HDLC address size ${String(size)} is not 1, 2 or 4.`);
  if (!Number.isInteger(value) || value < 0 || value > MAX_VALUE[size]) {
    throw new ProtocolError('FRAMING', `HDLC address ${value} does not fit in ${size} byte(s).`);
  }
  const out = new Uint8Array(size);
  if (size === 4) {
    // The 4-byte form is two 14-bit halves, each split into two 7-bit bytes.
    const upper = value >>> 14;
    const lower = value & 0x3fff;
    out[0] = ((upper >>> 7) & 0x7f) << 1;
    out[1] = (upper & 0x7f) << 1;
    out[2] = ((lower >>> 7) & 0x7f) << 1;
    out[3] = ((lower & 0x7f) << 1) | 1;
  } else if (size === 2) {
    out[0] = ((value >>> 7) & 0x7f) << 1;
    out[1] = ((value & 0x7f) << 1) | 1;
  } else {
    out[0] = (value << 1) | 1;
  }
  return out;
}

/** Write `addr` into `out` at `offset`; returns the offset after it. */
export function writeAddress(out: Uint8Array, offset: number, addr: HdlcAddress): number {
  const b = encodeAddress(addr);
  out.set(b, offset);
  return offset + b.length;
}

/**
 * Read an address starting at `offset`, stopping at the byte whose low bit is 1 but never past `end`.
 * Three-byte and longer-than-four addresses are not HDLC addresses.
 */
export function decodeAddress(bytes: Uint8Array, offset: number, end = bytes.length): { address: HdlcAddress; next: number } {
  let n = 0;
  while (offset + n < end && n < 4) {
    if (bytes[offset + n] & 1) break;
    n++;
  }
  if (offset + n >= end) throw new ProtocolError('FRAMING', 'HDLC address runs past the end of the frame.');
  if (n >= 4) throw new ProtocolError('FRAMING', 'HDLC address longer than 4 bytes.');
  const size = n + 1;
  if (size === 3) throw new ProtocolError('FRAMING', 'A 3-byte HDLC address is not allowed.');
  let value: number;
  const b = (i: number) => bytes[offset + i] >>> 1;
  if (size === 1) value = b(0);
  else if (size === 2) value = (b(0) << 7) | b(1);
  else value = ((((b(0) << 7) | b(1)) << 14) | (b(2) << 7) | b(3)) >>> 0;
  return { address: { value, size: size as HdlcAddressSize }, next: offset + size };
}

/** A client address: always one byte (0x10 public, 0x11 low, ... ; 0x7F all-station). */
export function clientAddress(value: number): HdlcAddress {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f) {
    throw new ProtocolError('CONFIG_INVALID', `Client address ${value} is not in 0..127.`);
  }
  return { value, size: 1 };
}

/**
 * Server address from its logical and physical parts.
 * - Both below 0x80 and a size under 4: value `logical << 7 | physical`, one byte when that fits in
 *   7 bits (logical 0: the physical address alone, as WCC Lite and Gurux configurations expect),
 *   otherwise two bytes.
 * - Otherwise the 4-byte form `logical << 14 | physical` (each half below 0x4000).
 */
export function serverAddress(parts: ServerAddressParts): HdlcAddress {
  const { logical, physical, size } = parts;
  for (const [name, v] of [
    ['logical', logical],
    ['physical', physical],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0x3fff) throw new ProtocolError('CONFIG_INVALID', `Server ${name} address ${v} is not in 0..16383.`);
  }
  if (size !== 1 && size !== 2 && size !== 4) throw new ProtocolError('CONFIG_INVALID', `address_size ${String(size)} is not 1, 2 or 4.`);
  if (size < 4 && logical < 0x80 && physical < 0x80) {
    const value = (logical << 7) | physical;
    return { value, size: size === 1 && value <= 0x7f ? 1 : 2 };
  }
  return { value: ((logical << 14) | physical) >>> 0, size: 4 };
}

/** Split a server address back into its parts (the 1-byte form is the lower, physical half). */
export function splitServerAddress(addr: HdlcAddress): ServerAddressParts {
  if (addr.size === 4) return { logical: addr.value >>> 14, physical: addr.value & 0x3fff, size: 4 };
  if (addr.size === 2) return { logical: addr.value >>> 7, physical: addr.value & 0x7f, size: 2 };
  return { logical: 0, physical: addr.value, size: 1 };
}

export function sameAddress(a: HdlcAddress, b: HdlcAddress): boolean {
  return a.value === b.value && a.size === b.size;
}

/**
 * The same server written in another size: equal logical and physical halves (`03` is `00 03` is
 * `00 00 00 03`). Many meters answer from their own size whatever size they were addressed with.
 */
export function sameServerInAnySize(a: HdlcAddress, b: HdlcAddress): boolean {
  if (sameAddress(a, b)) return true;
  const x = splitServerAddress(a);
  const y = splitServerAddress(b);
  return x.logical === y.logical && x.physical === y.physical;
}

/** `addr` written in `size` bytes (same logical and physical halves); PROTOCOL error when it does not fit. */
export function serverAddressInSize(addr: HdlcAddress, size: HdlcAddressSize): HdlcAddress {
  const { logical, physical } = splitServerAddress(addr);
  const fits = size === 4 || (size === 2 ? logical <= 0x7f && physical <= 0x7f : logical === 0 && physical <= 0x7f);
  if (!fits) throw new ProtocolError('PROTOCOL', `Server address ${formatAddress(addr)} cannot be written in ${size} byte(s).`);
  const value = size === 4 ? ((logical << 14) | physical) >>> 0 : size === 2 ? (logical << 7) | physical : physical;
  return { value, size };
}

export function formatAddress(addr: HdlcAddress): string {
  return `0x${addr.value.toString(16).toUpperCase()}/${addr.size}`;
}

/**
 * The common serial-number formula, physical = SN % 10000 + 1000. A configuration may give another
 * (`serial_number_formula`, parsed by the config module into a function).
 */
export const defaultSerialFormula = (sn: number): number => (sn % 10000) + 1000;

/**
 * Server address from a meter serial number: physical = formula(SN), logical 1 (unless given), 4-byte
 * form. `serial` may be a string with leading zeros, as printed on the meter ("02141421").
 */
export function serverAddressFromSerial(
  serial: number | string,
  opts: { formula?: (sn: number) => number; logical?: number } = {},
): HdlcAddress {
  const sn = typeof serial === 'string' ? Number(serial.trim()) : serial;
  if (!Number.isSafeInteger(sn) || sn < 0) throw new ProtocolError('CONFIG_INVALID', `Serial number ${String(serial)} is not a non-negative integer.`);
  const physical = (opts.formula ?? defaultSerialFormula)(sn);
  if (!Number.isInteger(physical) || physical < 0 || physical > 0x3fff) {
    throw new ProtocolError('CONFIG_INVALID', `Serial-number formula gives ${physical}, not a physical address in 0..16383.`);
  }
  const logical = opts.logical ?? 1;
  if (!Number.isInteger(logical) || logical < 0 || logical > 0x3fff) throw new ProtocolError('CONFIG_INVALID', `Logical address ${logical} is not in 0..16383.`);
  return { value: ((logical << 14) | physical) >>> 0, size: 4 };
}
