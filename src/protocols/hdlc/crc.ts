/**
 * CRC-16/X.25 (the HDLC frame check sequence, ISO/IEC 13239): reflected polynomial 0x1021 (0x8408),
 * initial value 0xFFFF, final XOR 0xFFFF. DLMS puts both HCS and FCS on the wire low byte first.
 */

const TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-16/X.25 of `bytes[start, end)`. The check value of ASCII "123456789" is 0x906E. */
export function crc16x25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return ~crc & 0xffff;
}

/** Write a check sequence little-endian at `offset`. */
export function putCrc(bytes: Uint8Array, offset: number, crc: number): void {
  bytes[offset] = crc & 0xff;
  bytes[offset + 1] = (crc >>> 8) & 0xff;
}

/** Read a little-endian check sequence at `offset`. */
export function getCrc(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}
