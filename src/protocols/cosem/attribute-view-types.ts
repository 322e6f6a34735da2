/** The attribute view's tree (see attribute-view.ts): plain data that survives structured cloning. */
import type { DateTimeOptions } from './datetime';

export type ViewKind =
  | 'number'
  | 'text'
  | 'bytes'
  | 'boolean'
  | 'null'
  | 'date-time'
  | 'enum'
  | 'flags'
  | 'obis'
  | 'scaler-unit'
  | 'capture-object'
  | 'list'
  | 'structure'
  | 'secret'
  | 'error';

export interface ViewNode {
  kind: ViewKind;
  /** The field's name within its parent (`unit`, `logical_name`) or the element's position (`#3`). */
  label?: string;
  /** One line a technician reads. */
  text: string;
  /** The meter's own form where `text` converts it: date-time bytes and octet-strings in hex. */
  raw?: string;
  /** Numbers: the value (exact decimal text beyond 2^53), its unit and the decimals the scaler gives. */
  value?: number | string | boolean | null;
  unit?: string;
  decimals?: number;
  /** Set flags of a bit-string or status byte, in words where the class names them. */
  flags?: string[];
  children?: ViewNode[];
}

export interface ViewContext {
  /** The object's scaler_unit when known (unit as its code, or as the symbol already looked up): values are shown scaled. */
  scaler?: { scaler: number; unit: number | string };
  dateTime?: DateTimeOptions;
}
