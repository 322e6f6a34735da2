/**
 * Profile generic (class 7): capture_objects, selective access on the buffer (range and entry
 * descriptors) and the buffer itself turned into timestamped rows with scalers applied per column.
 */
import { ProtocolError } from '../../core/errors';
import type { CosemDateTime, DlmsData } from '../dlms/axdr/types';
import { cosemDateTimeToEpochMs, decodeDateTimeBytes, encodeCosemDateTime, epochMsToCosemDateTime, type DateTimeOptions } from './datetime';
import { obisKey, toObisBytes } from './obis';
import { scaleFloat, scaleInteger, type ScalerUnit } from './scaler';
import { unitSymbol } from './units';
import { toPlainValue, type PlainValue } from './values';
import { integerOf } from './integers';
import { isDateTimeAttribute } from './classes';

export interface CaptureObject {
  classId: number;
  logicalName: Uint8Array;
  obis: string;
  attributeIndex: number;
  /** 0 = the whole attribute; n = element n of an array/structure attribute. */
  dataIndex: number;
}

function intOf(d: DlmsData | undefined, what: string): number {
  const n = integerOf(d);
  if (n !== undefined) return n;
  throw new ProtocolError('PROTOCOL', `capture_objects: ${what} is ${d ? d.type : 'missing'}, expected an integer.`);
}

function itemsOf(d: DlmsData, what: string): DlmsData[] {
  if (d.type === 'array' || d.type === 'compact-array') return d.items;
  throw new ProtocolError('PROTOCOL', `${what} must be an array, got ${d.type}.`);
}

/** capture_objects: array of structure{class_id, logical_name, attribute_index, data_index}. */
export function decodeCaptureObjects(d: DlmsData): CaptureObject[] {
  const items = itemsOf(d, 'capture_objects');
  const out: CaptureObject[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const s = items[i];
    if (s.type !== 'structure' || s.items.length < 3) throw new ProtocolError('PROTOCOL', `capture_objects entry ${i} is not a structure of 4 elements.`);
    const ln = s.items[1];
    if (ln.type !== 'octet-string' || ln.value.length !== 6) throw new ProtocolError('PROTOCOL', `capture_objects entry ${i}: logical_name is not 6 bytes.`);
    out[i] = {
      classId: intOf(s.items[0], 'class_id'),
      logicalName: ln.value,
      obis: obisKey(ln.value),
      attributeIndex: intOf(s.items[2], 'attribute_index'),
      dataIndex: s.items.length > 3 ? intOf(s.items[3], 'data_index') : 0,
    };
  }
  return out;
}

/** A capture object definition as sent in a range descriptor. */
export function captureObjectToData(c: { classId: number; logicalName: Uint8Array | string; attributeIndex: number; dataIndex?: number }): DlmsData {
  return {
    type: 'structure',
    items: [
      { type: 'uint16', value: c.classId },
      { type: 'octet-string', value: toObisBytes(c.logicalName) },
      { type: 'int8', value: c.attributeIndex },
      { type: 'uint16', value: c.dataIndex ?? 0 },
    ],
  };
}

export interface SelectiveAccess {
  /** 1 = range_descriptor, 2 = entry_descriptor. */
  selector: number;
  parameters: DlmsData;
}

export type TimeBound = number | Date | Uint8Array | CosemDateTime;

export interface RangeOptions {
  /** Deviation written into from/to (minutes, standard sign: UTC = local + deviation). Default 0. */
  deviation?: number;
  /** Write deviation as "not specified" (0x8000): for meters that want plain local time. */
  unspecifiedDeviation?: boolean;
  /** Restricting object; default the clock {8, 0.0.1.0.0.255, 2, 0}. */
  restrictingObject?: { classId: number; logicalName: Uint8Array | string; attributeIndex: number; dataIndex?: number };
  /** Columns to return; default all (empty array). */
  selectedValues?: { classId: number; logicalName: Uint8Array | string; attributeIndex: number; dataIndex?: number }[];
}

const CLOCK = { classId: 8, logicalName: new Uint8Array([0, 0, 1, 0, 0, 255]), attributeIndex: 2, dataIndex: 0 };

function boundBytes(b: TimeBound, options: RangeOptions): Uint8Array {
  if (b instanceof Uint8Array) {
    if (b.length !== 12) throw new ProtocolError('FRAMING', `A date-time has 12 bytes, got ${b.length}.`);
    return b;
  }
  let dt: CosemDateTime;
  if (typeof b === 'number' || b instanceof Date) {
    const ms = typeof b === 'number' ? b : b.getTime();
    dt = epochMsToCosemDateTime(ms, options.deviation ?? 0);
    // Clock status "not specified": the server ignores it in a range anyway.
    dt.clockStatus = undefined;
  } else {
    dt = { ...b };
  }
  if (options.unspecifiedDeviation) dt.deviation = undefined;
  return encodeCosemDateTime(dt);
}

/**
 * Selective access selector 1 (range_descriptor): structure{restricting_object, from_value, to_value,
 * selected_values}, from/to as 12-byte date-time octet-strings.
 */
export function rangeDescriptor(from: TimeBound, to: TimeBound, options: RangeOptions = {}): SelectiveAccess {
  return {
    selector: 1,
    parameters: {
      type: 'structure',
      items: [
        captureObjectToData(options.restrictingObject ?? CLOCK),
        { type: 'octet-string', value: boundBytes(from, options) },
        { type: 'octet-string', value: boundBytes(to, options) },
        { type: 'array', items: (options.selectedValues ?? []).map(captureObjectToData) },
      ],
    },
  };
}

function checkRange(n: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new ProtocolError('LENGTH', `${what} ${n} is outside 0..${max}.`);
  return n;
}

/**
 * Selective access selector 2 (entry_descriptor): entries from..to (1 = oldest; to 0 = the newest),
 * columns fromValue..toValue (1 = first; toValue 0 = the last).
 */
export function entryDescriptor(fromEntry: number, toEntry = 0, fromValue = 1, toValue = 0): SelectiveAccess {
  return {
    selector: 2,
    parameters: {
      type: 'structure',
      items: [
        { type: 'uint32', value: checkRange(fromEntry, 0xffffffff, 'from_entry') },
        { type: 'uint32', value: checkRange(toEntry, 0xffffffff, 'to_entry') },
        { type: 'uint16', value: checkRange(fromValue, 0xffff, 'from_selected_value') },
        { type: 'uint16', value: checkRange(toValue, 0xffff, 'to_selected_value') },
      ],
    },
  };
}

export interface ProfileRow {
  /** Epoch ms from the clock column (or previous + capture period for a compressed null), else null. */
  ts: number | null;
  /** One value per column; the clock column holds ts, scaled columns numbers or exact decimal text. */
  values: PlainValue[];
}

export interface BufferOptions {
  captureObjects?: readonly CaptureObject[];
  /** capture_period in seconds, used to fill compressed (null) timestamps. */
  capturePeriod?: number;
  /** Per column scaler_unit (undefined = not scaled). */
  scalers?: readonly (ScalerUnit | undefined)[];
  /** Override the clock column; -1 for none. Default: the first class 8 attr 2 capture object, else a date-time in column 0. */
  timestampColumn?: number;
  /** Repeat the previous row's value where a column holds null (another compression some meters use). */
  fillNulls?: boolean;
  dateTime?: DateTimeOptions;
}

export interface ProfileBuffer {
  rows: ProfileRow[];
  timestampColumn: number;
  /** Unit symbol per column ('' when none). */
  units: string[];
}

function epochOf(cell: DlmsData, options: DateTimeOptions | undefined): number | null {
  if (cell.type === 'octet-string') {
    return cell.value.length === 12 ? decodeDateTimeBytes(cell.value, options) : null;
  }
  if (cell.type === 'date-time') return cosemDateTimeToEpochMs(cell.value, options);
  return null;
}

function findTimestampColumn(rows: DlmsData[], captureObjects: readonly CaptureObject[] | undefined): number {
  if (captureObjects) {
    for (let i = 0; i < captureObjects.length; i++) if (captureObjects[i].classId === 8 && captureObjects[i].attributeIndex === 2) return i;
    return -1;
  }
  const first = rows[0];
  if (first && first.type === 'structure' && first.items.length > 0) {
    const c = first.items[0];
    if (c.type === 'date-time' || (c.type === 'octet-string' && c.value.length === 12)) return 0;
  }
  return -1;
}

/**
 * Buffer (array of structures) → rows. Per-column work (scaler, unit, clock) is decided once; the cell
 * loop only switches on the cell type. Throws ProtocolError('PROTOCOL') for a buffer of the wrong shape.
 */
export function decodeProfileBuffer(buffer: DlmsData, options: BufferOptions = {}): ProfileBuffer {
  const rowsIn = itemsOf(buffer, 'buffer');
  const tsCol = options.timestampColumn ?? findTimestampColumn(rowsIn, options.captureObjects);
  const periodMs = options.capturePeriod && options.capturePeriod > 0 ? options.capturePeriod * 1000 : 0;
  const scalers = options.scalers ?? [];
  let columns = options.captureObjects ? options.captureObjects.length : 0;
  for (let r = 0; r < rowsIn.length && r < 1; r++) {
    const row = rowsIn[r];
    if ((row.type === 'structure' || row.type === 'array') && row.items.length > columns) columns = row.items.length;
  }
  // Scaler exponents as plain arrays: NaN marks an unscaled column.
  const exp = new Array<number>(columns);
  const units = new Array<string>(columns);
  for (let c = 0; c < columns; c++) {
    const su = scalers[c];
    exp[c] = su && c !== tsCol ? su.scaler : NaN;
    units[c] = su && c !== tsCol ? unitSymbol(su.unit) : '';
  }
  const dtOptions = options.dateTime;
  // Date-time columns other than the row time (a capture_time, a billing date) print as ISO text, not hex.
  const captured = options.captureObjects;
  const timeCell = { ...dtOptions, dateTime: true };
  const isTimeCol = new Array<boolean>(columns);
  for (let c = 0; c < columns; c++) isTimeCol[c] = captured?.[c] !== undefined && captured[c].dataIndex === 0 && isDateTimeAttribute(captured[c].classId, captured[c].attributeIndex);
  const fill = options.fillNulls === true;
  const rows: ProfileRow[] = new Array(rowsIn.length);
  let prevTs: number | null = null;
  let prevValues: PlainValue[] | null = null;
  for (let r = 0; r < rowsIn.length; r++) {
    const row = rowsIn[r];
    if (row.type !== 'structure' && row.type !== 'array') throw new ProtocolError('PROTOCOL', `buffer row ${r} is ${row.type}, expected a structure.`);
    const cells = row.items;
    const n = cells.length;
    const values: PlainValue[] = new Array(n);
    let ts: number | null = null;
    for (let c = 0; c < n; c++) {
      const cell = cells[c];
      if (c === tsCol) {
        ts = epochOf(cell, dtOptions);
        if (ts === null && prevTs !== null && periodMs > 0) ts = prevTs + periodMs;
        values[c] = ts;
        continue;
      }
      const s = c < columns ? exp[c] : NaN;
      let v: PlainValue;
      switch (cell.type) {
        case 'int8':
        case 'int16':
        case 'int32':
        case 'uint8':
        case 'uint16':
        case 'uint32':
        case 'bcd':
          v = s === s ? scaleInteger(cell.value, s) : cell.value;
          break;
        case 'int64':
        case 'uint64':
          v = scaleInteger(cell.value, s === s ? s : 0);
          break;
        case 'float32':
        case 'float64':
          v = s === s ? scaleFloat(cell.value, s) : cell.value;
          break;
        case 'enum':
        case 'boolean':
          v = cell.value;
          break;
        case 'null':
          v = fill && prevValues !== null && c < prevValues.length ? prevValues[c] : null;
          break;
        default:
          v = toPlainValue(cell, c < columns && isTimeCol[c] ? timeCell : dtOptions);
      }
      values[c] = v;
    }
    if (ts !== null) prevTs = ts;
    prevValues = values;
    rows[r] = { ts, values };
  }
  return { rows, timestampColumn: tsCol, units };
}
