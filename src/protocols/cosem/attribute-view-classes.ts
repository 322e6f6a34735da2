/**
 * What each attribute of the common interface classes holds (IEC 62056-6-2 / the Blue Book class
 * descriptions), as shapes the attribute view decodes by. An attribute not listed here is shown by its
 * A-XDR types alone; a class not listed here likewise, apart from its logical_name.
 */

export type Shape =
  | 'any'
  | 'integer'
  | 'boolean'
  | 'obis'
  | 'date-time'
  | 'clock-status'
  | 'scaled'
  | 'scaler-unit'
  | 'capture-object'
  | 'bytes'
  | 'secret'
  /** xDLMS conformance block: a bit-string of 24 named services. */
  | 'conformance'
  /** application_context_name / authentication_mechanism_name as an object identifier (octet-string form). */
  | 'context-name'
  | 'mechanism-name'
  | { enum: Readonly<Record<number, string>> }
  | { struct: readonly (readonly [string, Shape])[] }
  | { array: Shape }
  /** An integer in a unit the class defines (seconds, minutes). */
  | { unitText: string };

const SECONDS: Shape = { unitText: 's' };
const MINUTES: Shape = { unitText: 'min' };

const SORT_METHOD = { 1: 'fifo', 2: 'lifo', 3: 'largest', 4: 'smallest', 5: 'nearest to zero', 6: 'farthest from zero' } as const;
const CLOCK_BASE = { 0: 'not defined', 1: 'internal crystal', 2: 'mains 50 Hz', 3: 'mains 60 Hz', 4: 'GPS', 5: 'radio controlled' } as const;
const ASSOCIATION_STATUS = { 0: 'non-associated', 1: 'association pending', 2: 'associated' } as const;
const CONTROL_STATE = { 0: 'disconnected', 1: 'connected', 2: 'ready for reconnection' } as const;
const CONTROL_MODE = { 0: 'mode 0 (always connected)', 1: 'mode 1', 2: 'mode 2', 3: 'mode 3', 4: 'mode 4', 5: 'mode 5', 6: 'mode 6' } as const;
const COMM_SPEED = { 0: '300 baud', 1: '600 baud', 2: '1200 baud', 3: '2400 baud', 4: '4800 baud', 5: '9600 baud', 6: '19200 baud', 7: '38400 baud', 8: '57600 baud', 9: '115200 baud' } as const;
const SECURITY_SUITE = { 0: 'suite 0 (AES-GCM-128)', 1: 'suite 1 (ECDH-ECDSA-AES-GCM-128-SHA-256)', 2: 'suite 2 (ECDH-ECDSA-AES-GCM-256-SHA-384)' } as const;

const OBJECT_LIST_LN: Shape = {
  array: {
    struct: [
      ['class_id', 'integer'],
      ['version', 'integer'],
      ['logical_name', 'obis'],
      ['access_rights', 'any'],
    ],
  },
};
const OBJECT_LIST_SN: Shape = {
  array: {
    struct: [
      ['base_name', 'integer'],
      ['class_id', 'integer'],
      ['version', 'integer'],
      ['logical_name', 'obis'],
    ],
  },
};

/** Attribute id → shape, per class id. Attribute 1 (logical_name) is the same for every class. */
const CLASS_SHAPES: Readonly<Record<number, Readonly<Record<number, Shape>>>> = {
  1: { 2: 'any' },
  3: { 2: 'scaled', 3: 'scaler-unit' },
  4: { 2: 'scaled', 3: 'scaler-unit', 4: 'any', 5: 'date-time' },
  5: { 2: 'scaled', 3: 'scaled', 4: 'scaler-unit', 5: 'any', 6: 'date-time', 7: 'date-time', 8: SECONDS, 9: 'integer' },
  7: {
    2: 'any',
    3: { array: 'capture-object' },
    4: SECONDS,
    5: { enum: SORT_METHOD },
    6: 'capture-object',
    7: 'integer',
    8: 'integer',
  },
  8: {
    2: 'date-time',
    3: MINUTES,
    4: 'clock-status',
    5: 'date-time',
    6: 'date-time',
    7: MINUTES,
    8: 'boolean',
    9: { enum: CLOCK_BASE },
  },
  12: { 2: OBJECT_LIST_SN, 3: 'any' },
  15: {
    2: OBJECT_LIST_LN,
    3: { struct: [['client_SAP', 'integer'], ['server_SAP', 'integer']] },
    4: 'context-name',
    5: {
      struct: [
        ['conformance', 'conformance'],
        ['max_receive_pdu_size', 'integer'],
        ['max_send_pdu_size', 'integer'],
        ['dlms_version_number', 'integer'],
        ['quality_of_service', 'any'],
        ['cyphering_info', 'bytes'],
      ],
    },
    6: 'mechanism-name',
    7: 'secret',
    8: { enum: ASSOCIATION_STATUS },
    9: 'obis',
  },
  20: { 10: 'date-time' },
  23: { 2: { enum: COMM_SPEED }, 3: 'integer', 4: 'integer', 5: 'integer', 6: 'integer', 7: { unitText: 'ms' }, 8: SECONDS, 9: 'integer' },
  64: { 3: { enum: SECURITY_SUITE }, 4: 'bytes', 5: 'bytes' },
  70: { 2: 'boolean', 3: { enum: CONTROL_STATE }, 4: { enum: CONTROL_MODE } },
};

export function shapeOf(classId: number, attribute: number): Shape {
  if (attribute === 1) return 'obis';
  return CLASS_SHAPES[classId]?.[attribute] ?? 'any';
}
