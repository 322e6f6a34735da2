/**
 * List-answer faults of real meter firmware, for the simulated meter (issue 19): a list size limit below
 * the PDU (answers cut short), a list answer that does not decode when it names chosen objects, an item
 * wrapped twice in an octet-string, the items after an error item shifted, and a connection reset on a list
 * naming chosen objects. Each applies to GET-with-list (LN) and multi-variable READ (SN) only: single
 * requests are answered correctly, as the meters that do this answer them.
 */
import { encodeData } from '../../protocols/dlms/axdr/data';
import type { DlmsData } from '../../protocols/dlms/axdr/types';

export interface SimListFaults {
  /** Most items a list may name; a longer list is answered with the results of the first `maxItems` only. */
  maxItems?: number;
  /** Dotted OBIS codes: a list naming any of them is answered with bytes that do not decode. */
  malformedFor?: string[];
  /** Dotted OBIS codes whose values come wrapped in a second octet-string inside list answers. */
  wrapTwiceFor?: string[];
  /** After an error item, each following item carries the answer meant for the item after it. */
  shiftAfterError?: boolean;
  /** Dotted OBIS codes: a list naming any of them makes the meter drop the connection. */
  resetFor?: string[];
  /**
   * A list naming an existing object under the wrong class is refused as a whole instead of item by item:
   * with a get-response-with-datablock carrying a data-access-result (`datablock-error`, as some firmware
   * answers any list it cannot serve completely) or with an exception-response (issue 16).
   */
  wrongClassInList?: 'datablock-error' | 'exception';
}

export type ItemResult = { type: 'data'; value: DlmsData } | { type: 'error'; result: number };

export interface FaultedList {
  results: ItemResult[];
  /** Index of the item whose encoding is to be broken (the answer must not decode), if any. */
  malformedItem?: number;
  /** Drop the connection instead of answering. */
  reset: boolean;
}

const OTHER_REASON = 250;

/** Apply the configured faults to the results of one list request naming `objects` (dotted OBIS per item). */
export function applyListFaults(faults: SimListFaults | undefined, objects: readonly (string | undefined)[], results: ItemResult[]): FaultedList {
  if (!faults || objects.length < 2) return { results, reset: false };
  if (objects.some((o) => o !== undefined && faults.resetFor?.includes(o))) return { results, reset: true };
  let out = results;
  if (faults.wrapTwiceFor) {
    out = out.map((r, i) => {
      const o = objects[i];
      if (r.type !== 'data' || o === undefined || !faults.wrapTwiceFor!.includes(o)) return r;
      return { type: 'data', value: { type: 'octet-string', value: encodeData(r.value) } };
    });
  }
  if (faults.shiftAfterError) {
    const e = out.findIndex((r) => r.type === 'error');
    if (e >= 0 && e < out.length - 1) {
      out = [...out.slice(0, e + 1), ...out.slice(e + 2), { type: 'error', result: OTHER_REASON }];
    }
  }
  if (faults.maxItems !== undefined && out.length > faults.maxItems) out = out.slice(0, Math.max(1, faults.maxItems));
  const malformedItem = objects.findIndex((o, i) => i < out.length && o !== undefined && faults.malformedFor?.includes(o) === true);
  return { results: out, reset: false, ...(malformedItem >= 0 ? { malformedItem } : {}) };
}

/** Byte offset of item `index` in an encoded SEQUENCE OF Get-Data-Result / Read-Result starting at `start`. */
export function itemOffset(results: readonly ItemResult[], start: number, index: number): number {
  let at = start + (results.length < 0x80 ? 1 : results.length < 0x100 ? 2 : 3);
  for (let i = 0; i < index; i++) {
    const r = results[i];
    at += r.type === 'data' ? 1 + encodeData(r.value).length : 2;
  }
  return at;
}

/** Break one item's encoding: its choice byte becomes 0x0E, which neither Get-Data-Result nor Read-Result has. */
export function breakItem(bytes: Uint8Array, offset: number): Uint8Array {
  const out = bytes.slice();
  if (offset < out.length) out[offset] = 0x0e;
  return out;
}
