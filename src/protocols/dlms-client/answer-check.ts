/**
 * Is a value plausible for the attribute that was asked? Each interface class fixes the type of most of
 * its attributes (IEC 62056-6-2): logical_name is the 6-byte OBIS code asked for, scaler_unit a structure
 * of an integer and an enum, a clock's time a 12-byte date-time, a profile's capture_period an unsigned,
 * and so on. A list answer whose item fails this check is not believed (a meter that wraps an item twice,
 * or shifts its answers after an error item, is caught here); a single answer that fails it is reported as
 * TYPE_MISMATCH rather than shown as a value. Attributes whose type is a CHOICE, and classes this table
 * does not describe, accept any value.
 */
import type { DlmsData } from '../dlms/axdr/types';

type Shape = 'any' | 'simple' | 'unsigned' | 'integer' | 'enum' | 'boolean' | 'octets' | 'datetime' | 'scaler-unit' | 'structure' | 'array' | 'octets-or-structure' | 'obis';

const ANY_SIMPLE: Shape = 'simple';

/** Per class: shapes of attributes 2, 3, ... (attribute 1 is always the logical name). */
const SHAPES: Record<number, Shape[]> = {
  1: ['any'],
  3: [ANY_SIMPLE, 'scaler-unit'],
  4: [ANY_SIMPLE, 'scaler-unit', 'any', 'datetime'],
  5: [ANY_SIMPLE, ANY_SIMPLE, 'scaler-unit', 'any', 'datetime', 'datetime', 'unsigned', 'unsigned'],
  7: ['array', 'array', 'unsigned', 'enum', 'structure', 'unsigned', 'unsigned'],
  // Clock status: unsigned8 in the standard, an enum in some meters ('enum' accepts both).
  8: ['datetime', 'integer', 'enum', 'datetime', 'datetime', 'integer', 'boolean', 'enum'],
  12: ['array', 'array', 'octets', 'array', 'structure'],
  15: ['array', 'structure', 'octets-or-structure', 'structure', 'octets-or-structure', 'octets', 'enum', 'obis', 'array', 'structure'],
  23: ['enum', 'unsigned', 'unsigned', 'unsigned', 'unsigned', 'unsigned', 'unsigned', 'unsigned'],
  64: ['enum', 'enum', 'octets', 'octets', 'array'],
  70: ['boolean', 'enum', 'enum'],
};

/** Undefined when `data` is plausible for (class, attribute) of `obis`; otherwise why not, in words. */
export function implausibility(classId: number, obis: Uint8Array, attribute: number, data: DlmsData): string | undefined {
  if (attribute === 1) {
    if (data.type !== 'octet-string' || data.value.length !== 6) return `logical_name is ${describe(data)}, not a 6-byte OBIS code`;
    for (let i = 0; i < 6; i++) if (data.value[i] !== obis[i]) return `logical_name ${Array.from(data.value).join('.')} is not the object asked for`;
    return undefined;
  }
  const shape = SHAPES[classId]?.[attribute - 2];
  if (shape === undefined || fits(shape, data)) return undefined;
  return `${describe(data)} where the class defines ${shape}`;
}

function fits(shape: Shape, d: DlmsData): boolean {
  switch (shape) {
    case 'any':
      return true;
    case 'simple':
      return d.type !== 'array' && d.type !== 'structure' && d.type !== 'compact-array' && !wrappedNumber(d);
    case 'unsigned':
      return d.type === 'uint8' || d.type === 'uint16' || d.type === 'uint32' || d.type === 'uint64';
    case 'integer':
      return isInteger(d);
    case 'enum':
      // Some meters send an enum as an unsigned8: the same one byte of meaning, not a garbled answer.
      return d.type === 'enum' || d.type === 'uint8';
    case 'boolean':
      return d.type === 'boolean';
    case 'octets':
      return d.type === 'octet-string';
    case 'obis':
      return d.type === 'octet-string' && d.value.length === 6;
    case 'datetime':
      return (d.type === 'octet-string' && d.value.length === 12) || d.type === 'date-time';
    case 'scaler-unit':
      // Meters send the unit as an enum; a few send an unsigned. The scaler is an int8 (some send uint8).
      return d.type === 'structure' && d.items.length === 2 && isInteger(d.items[0]) && (d.items[1].type === 'enum' || isInteger(d.items[1]));
    case 'structure':
      return d.type === 'structure';
    case 'array':
      return d.type === 'array' || d.type === 'compact-array';
    case 'octets-or-structure':
      return d.type === 'octet-string' || d.type === 'structure';
  }
}

// A-XDR tags of fixed-size numbers and their sizes: int32, uint32, int8, int16, uint8, uint16, int64, uint64, enum, float32, float64.
const NUMBER_SIZES = new Map([[0x05, 4], [0x06, 4], [0x0f, 1], [0x10, 2], [0x11, 1], [0x12, 2], [0x14, 8], [0x15, 8], [0x16, 1], [0x17, 4], [0x18, 8]]);

/**
 * A register value that is an octet-string holding exactly one encoded number: the value wrapped a second
 * time (firmware that does this in list answers). A text or BCD register never starts with such a tag byte
 * followed by exactly that many bytes, so this is not a value to scale.
 */
function wrappedNumber(d: DlmsData): boolean {
  if (d.type !== 'octet-string' || d.value.length < 2) return false;
  const size = NUMBER_SIZES.get(d.value[0]);
  return size !== undefined && d.value.length === 1 + size;
}

function isInteger(d: DlmsData): boolean {
  switch (d.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
      return true;
    default:
      return false;
  }
}

function describe(d: DlmsData): string {
  if (d.type === 'octet-string') return `an octet-string of ${d.value.length} bytes`;
  if (d.type === 'structure' || d.type === 'array') return `${d.type === 'array' ? 'an array' : 'a structure'} of ${d.items.length}`;
  return d.type;
}
