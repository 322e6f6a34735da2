/**
 * The A-XDR `Data` CHOICE of DLMS/COSEM (IEC 62056-6-2), as plain tagged objects. Shared by the codec,
 * the APDU layer, COSEM helpers, the simulator and the UI's trace tree. Integer widths are explicit so
 * an encode of a decoded value gives back the same bytes.
 */

/** Tag numbers of the Data CHOICE. */
export const DataTag = {
  null: 0,
  array: 1,
  structure: 2,
  boolean: 3,
  'bit-string': 4,
  int32: 5, // double-long
  uint32: 6, // double-long-unsigned
  'octet-string': 9,
  'visible-string': 10,
  'utf8-string': 12,
  bcd: 13,
  int8: 15, // integer
  int16: 16, // long
  uint8: 17, // unsigned
  uint16: 18, // long-unsigned
  'compact-array': 19,
  int64: 20, // long64
  uint64: 21, // long64-unsigned
  enum: 22,
  float32: 23,
  float64: 24,
  'date-time': 25,
  date: 26,
  time: 27,
  'dont-care': 255,
} as const;

export type DataTypeName = keyof typeof DataTag;

/**
 * COSEM date/time fields. A field the meter leaves "not specified" (0xFF / 0xFFFF / 0x8000) is
 * undefined here. `deviation` is minutes (of local time from UTC, sign as the meter sends it, see
 * docs), `clockStatus` the raw status byte.
 */
export interface CosemDateTime {
  year?: number;
  month?: number; // 1..12; 0xFD/0xFE (DST end/begin) kept as the raw number
  day?: number; // 1..31; 0xFD/0xFE (second last/last day) kept raw
  dayOfWeek?: number; // 1 = Monday .. 7
  hour?: number;
  minute?: number;
  second?: number;
  hundredths?: number;
  deviation?: number;
  clockStatus?: number;
}

export type DlmsData =
  | { type: 'null' }
  | { type: 'dont-care' }
  | { type: 'array'; items: DlmsData[] }
  | { type: 'structure'; items: DlmsData[] }
  | { type: 'boolean'; value: boolean }
  | { type: 'bit-string'; bitLength: number; bytes: Uint8Array }
  | { type: 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'enum'; value: number }
  | { type: 'int64' | 'uint64'; value: bigint }
  | { type: 'float32' | 'float64'; value: number }
  | { type: 'octet-string'; value: Uint8Array }
  | { type: 'visible-string' | 'utf8-string'; value: string }
  | { type: 'bcd'; value: number }
  | { type: 'date-time'; value: CosemDateTime; raw: Uint8Array }
  | { type: 'date'; value: CosemDateTime; raw: Uint8Array }
  | { type: 'time'; value: CosemDateTime; raw: Uint8Array }
  /** compact-array: one type description, then the values packed without per-element tags. */
  | { type: 'compact-array'; description: TypeDescription; items: DlmsData[] };

/** Type description used by compact-array (IEC 62056-6-2 §4.1.6.1). */
export type TypeDescription =
  | { type: Exclude<DataTypeName, 'array' | 'structure' | 'compact-array'> }
  | { type: 'array'; count: number; element: TypeDescription }
  | { type: 'structure'; elements: TypeDescription[] };
