import type { DlmsData } from '../dlms/axdr/types';

/**
 * The integer a COSEM attribute holds, whatever integer type the meter chose to encode it with (meters
 * are lenient: a class id may come as long or unsigned, a count as long64). 64-bit values are accepted
 * within the 32-bit range. Anything else is undefined: callers say what they expected.
 */
export function integerOf(d: DlmsData | undefined): number | undefined {
  if (!d) return undefined;
  switch (d.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'enum':
      return d.value;
    case 'int64':
    case 'uint64':
      return d.value >= -0x80000000n && d.value <= 0xffffffffn ? Number(d.value) : undefined;
    default:
      return undefined;
  }
}
