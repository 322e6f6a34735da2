import { formatObis } from '../cosem/obis';
import type { DlmsData } from '../dlms/axdr/types';
import { impliedList, impliedScaling, LIST1_ITEM, LIST_VERSION_OBIS } from './lists';
import { looksLikeDateTime, scalingOf, shapeError, toPushValue, type Scaling } from './values';
import type { PushValue } from './types';

/**
 * The notification body as values named by OBIS. Shapes understood:
 *  - OBIS + value pairs and OBIS + value + scaler_unit triples: an array or structure of structures
 *    {octet-string(6), value[, scaler_unit]} (Aidon, Austrian customer ports);
 *  - the same laid flat: OBIS, value[, scaler_unit], OBIS, value..., optionally headed by the list
 *    version identifier (Kamstrup) or the clock and ended by the meter number (Netz NÖ);
 *  - a flat structure of values whose OBIS codes a known list implies (Kaifa KFM_001, NEK list 1).
 * Anything else, or any element that does not fit, throws TYPE_MISMATCH: the push is refused whole.
 */

export interface BodyValues {
  listId?: string;
  values: PushValue[];
}

const CLOCK_OBIS = '0.0.1.0.0.255';
const METER_ID_OBIS = '0.0.96.1.0.255';

const isObis = (d: DlmsData): d is { type: 'octet-string'; value: Uint8Array } => d.type === 'octet-string' && d.value.length === 6;

function text(d: DlmsData): string | undefined {
  if (d.type === 'visible-string' || d.type === 'utf8-string') return d.value;
  if (d.type === 'octet-string' && d.value.length > 0 && d.value.length !== 6 && d.value.every((b) => b >= 0x20 && b < 0x7f)) {
    return String.fromCharCode(...d.value);
  }
  return undefined;
}

function isNumeric(d: DlmsData): boolean {
  return ['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'int64', 'uint64', 'enum', 'float32', 'float64', 'bcd'].includes(d.type);
}

const isObisStructure = (d: DlmsData): boolean => d.type === 'structure' && (d.items.length === 2 || d.items.length === 3) && isObis(d.items[0]);
const isScalerUnit = (d: DlmsData): boolean => d.type === 'structure' && d.items.length === 2 && isNumeric(d.items[0]) && isNumeric(d.items[1]);

export function bodyValues(body: DlmsData): BodyValues {
  if (body.type !== 'structure' && body.type !== 'array') throw shapeError(`A notification body that is a ${body.type}.`);
  const items = body.items;
  if (items.length === 0) throw shapeError('An empty notification body.');
  if (items.some((it) => isObis(it) || isObisStructure(it))) return namedValues(items);
  if (body.type !== 'structure') throw shapeError('An array body whose elements are not OBIS + value structures.');
  return impliedValues(items);
}

/**
 * Values named by their own OBIS codes: {OBIS, value[, scaler_unit]} structures, or the same three
 * laid flat in the body, in any mix. Only two unnamed elements are understood: a list version
 * identifier or a date-time first (Kamstrup; Netz NÖ's meter clock), and text last (Netz NÖ's meter
 * number).
 */
function namedValues(items: DlmsData[]): BodyValues {
  const values: PushValue[] = [];
  let listId: string | undefined;
  let k = 0;
  const lead = items[0];
  if (!isObis(lead) && !isObisStructure(lead)) {
    if (looksLikeDateTime(lead)) values.push(toPushValue(CLOCK_OBIS, lead, undefined, true));
    else if (text(lead) !== undefined) {
      listId = text(lead);
      values.push({ obis: LIST_VERSION_OBIS, value: listId! });
    } else throw shapeError(`A leading ${lead.type} without an OBIS code.`);
    k = 1;
  }
  while (k < items.length) {
    const it = items[k];
    if (it.type === 'structure' && isObisStructure(it)) {
      const obis = formatObis((it.items[0] as { value: Uint8Array }).value);
      const scaling = it.items.length === 3 ? scalingOf(obis, it.items[2]) : undefined;
      values.push(named(listId, obis, it.items[1], scaling));
      if (obis === LIST_VERSION_OBIS) listId = text(it.items[1]);
      k++;
      continue;
    }
    if (isObis(it)) {
      const obis = formatObis(it.value);
      const value = items[k + 1];
      if (value === undefined || isObis(value) || isObisStructure(value)) throw shapeError(`${obis} without a value.`);
      const su = items[k + 2];
      const scaling = su !== undefined && isScalerUnit(su) ? scalingOf(obis, su) : undefined;
      values.push(named(listId, obis, value, scaling));
      if (obis === LIST_VERSION_OBIS) listId = text(value);
      k += scaling ? 3 : 2;
      continue;
    }
    if (k === items.length - 1 && text(it) !== undefined && !looksLikeDateTime(it)) {
      values.push({ obis: METER_ID_OBIS, value: text(it)! });
      k++;
      continue;
    }
    throw shapeError(`Element ${k}, a ${it.type}, has no OBIS code.`);
  }
  return listId === undefined ? { values } : { listId, values };
}

function named(listId: string | undefined, obis: string, value: DlmsData, scaling: Scaling | undefined): PushValue {
  if (scaling) return toPushValue(obis, value, scaling);
  const implied = impliedScaling(listId, obis);
  // A number in a list that implies its scaler is only good when the list says which.
  if (listId === 'Kamstrup_V0001' && isNumeric(value) && !implied) throw shapeError(`${obis}: no known scaler in ${listId}.`);
  return toPushValue(obis, value, implied);
}

/** Values without OBIS codes: a known list by its identifier and length, or the NEK list 1. */
function impliedValues(items: DlmsData[]): BodyValues {
  if (items.length === 1 && items[0].type === 'uint32') return { values: [toPushValue(LIST1_ITEM.obis, items[0], LIST1_ITEM.scaling)] };
  const first = text(items[0]);
  if (first === undefined) throw shapeError(`A structure of ${items.length} values without OBIS codes or a list identifier.`);
  const list = impliedList(first, items.length);
  if (!list) throw shapeError(`Unknown list "${first}" with ${items.length} elements.`);
  const values: PushValue[] = [];
  for (let k = 0; k < items.length; k++) {
    const spec = list[k];
    const d = items[k];
    if (spec.scaling && !isNumeric(d)) throw shapeError(`${spec.obis}: ${d.type} where a number was expected.`);
    if (!spec.scaling && isNumeric(d)) throw shapeError(`${spec.obis}: a number where text was expected.`);
    values.push(toPushValue(spec.obis, d, spec.scaling, spec.dateTime));
  }
  return { listId: first, values };
}
