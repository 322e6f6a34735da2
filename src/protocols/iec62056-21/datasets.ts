/**
 * Data-set parser for the data block of a readout, an R1/R5/R6 answer or a mode D / DSMR telegram:
 * `address(value*unit)(value*unit)...` lines up to the `!` end line. Tolerant of what meters in the
 * field do (LF-only line ends, garbage before an address, several data sets on one line, continuation
 * lines that start with `(`, decimal commas, `&` inside values, the `!` end marker right after the last
 * data set's `)`); strict about field lengths.
 */
import { ProtocolError } from '../../core/errors';

export interface DataValue {
  /** The value as printed (before `*`, and before the first `&`). */
  value: string;
  /** The unit after `*`, if any. */
  unit?: string;
  /** Parts after `&` (e.g. a time stamp some meters attach to a maximum demand). */
  extra?: string[];
}

export interface DataSet {
  /** The address exactly as printed, e.g. `1.8.0*24` or `1-0:1.8.0*255`; '' for a bare `(...)` line. */
  address: string;
  values: DataValue[];
  /** 1-based line number in the data block, for error messages and the trace. */
  line: number;
}

export interface DataSetLimits {
  address: number;
  value: number;
  unit: number;
  dataSets: number;
  valuesPerSet: number;
}

/** The standard's limits are 16 / 32 / 16; real meters and DSMR text messages go beyond them. */
export const DEFAULT_LIMITS: DataSetLimits = { address: 32, value: 2048, unit: 16, dataSets: 100_000, valuesPerSet: 10_000 };

export interface ParsedDataBlock {
  dataSets: DataSet[];
  /** The `!` end line was seen (a complete readout); text after it is ignored. */
  complete: boolean;
  /** Lines that held no data set (garbage, headers), kept for the trace. */
  skippedLines: string[];
}

function isGarbage(c: number): boolean {
  // Control characters, space, DEL and 8-bit bytes never start an address.
  return c <= 0x20 || c >= 0x7f;
}

/** Splits `value*unit&extra&...`. */
export function splitValue(content: string, limits: DataSetLimits = DEFAULT_LIMITS, line = 0): DataValue {
  const parts = content.split('&');
  const main = parts[0];
  const star = main.indexOf('*');
  const value = star === -1 ? main : main.slice(0, star);
  const unit = star === -1 ? undefined : main.slice(star + 1);
  if (value.length > limits.value) throw new ProtocolError('LENGTH', `Line ${line}: value longer than ${limits.value} characters.`);
  if (unit !== undefined && unit.length > limits.unit) throw new ProtocolError('LENGTH', `Line ${line}: unit longer than ${limits.unit} characters.`);
  const out: DataValue = { value };
  if (unit !== undefined) out.unit = unit;
  if (parts.length > 1) out.extra = parts.slice(1);
  return out;
}

/**
 * Parses the text of a data block (without STX/ETX). Throws ProtocolError FRAMING for an unclosed
 * value and LENGTH for fields over the limits; never anything else.
 */
export function parseDataBlock(text: string, limits: DataSetLimits = DEFAULT_LIMITS): ParsedDataBlock {
  const dataSets: DataSet[] = [];
  const skippedLines: string[] = [];
  let complete = false;
  let lineNo = 0;
  let pos = 0;
  const n = text.length;
  while (pos < n && !complete) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = n;
    lineNo++;
    const lineEnd = eol > pos && text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol;
    parseLine(text, pos, lineEnd, lineNo);
    pos = eol + 1;
  }
  return { dataSets, complete, skippedLines };

  function parseLine(s: string, start: number, end: number, line: number): void {
    let i = start;
    let current: DataSet | undefined;
    let sawData = false;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c === 0x28 /* ( */) {
        const close = s.indexOf(')', i + 1);
        if (close === -1 || close >= end) throw new ProtocolError('FRAMING', `Line ${line}: "(" without ")".`);
        if (close - i - 1 > limits.value + limits.unit + 1 + 64) throw new ProtocolError('LENGTH', `Line ${line}: value too long.`);
        if (!current) {
          // A line that starts with "(" continues the previous data set (DSMR 2/3 gas, load profiles).
          current = dataSets.length > 0 && !sawData ? dataSets[dataSets.length - 1] : newSet('', line);
        }
        if (current.values.length >= limits.valuesPerSet) throw new ProtocolError('LENGTH', `Line ${line}: more than ${limits.valuesPerSet} values.`);
        current.values.push(splitValue(s.slice(i + 1, close), limits, line));
        sawData = true;
        i = close + 1;
        continue;
      }
      // The end marker: on a line of its own, or (heat meters, some mode A meters) right after the
      // last data set's ")" with no line break before it.
      if (c === 0x21 /* ! */ && ((!current && !sawData) || s.charCodeAt(i - 1) === 0x29 /* ) */)) {
        complete = true;
        return;
      }
      if (isGarbage(c)) {
        i++;
        continue;
      }
      // An address runs up to "(".
      const open = s.indexOf('(', i);
      if (open === -1 || open >= end) {
        if (!sawData && end > start) skippedLines.push(s.slice(start, end));
        return;
      }
      const address = s.slice(i, open);
      if (address.length > limits.address) throw new ProtocolError('LENGTH', `Line ${line}: address longer than ${limits.address} characters.`);
      if (address.includes(')')) throw new ProtocolError('FRAMING', `Line ${line}: ")" without "(".`);
      current = newSet(address, line);
      i = open;
    }
  }

  function newSet(address: string, line: number): DataSet {
    if (dataSets.length >= limits.dataSets) throw new ProtocolError('LENGTH', `More than ${limits.dataSets} data sets.`);
    const ds: DataSet = { address, values: [], line };
    dataSets.push(ds);
    return ds;
  }
}

/** Formats data sets back into readout text (used by the simulator; `parseDataBlock` reverses it). */
export function formatDataSets(sets: readonly { address: string; values: readonly DataValue[] }[], endLine = true): string {
  let out = '';
  for (const ds of sets) {
    out += ds.address;
    for (const v of ds.values) {
      out += `(${v.value}${v.unit !== undefined ? `*${v.unit}` : ''}${v.extra ? v.extra.map((e) => `&${e}`).join('') : ''})`;
    }
    out += '\r\n';
  }
  if (endLine) out += '!\r\n';
  return out;
}
