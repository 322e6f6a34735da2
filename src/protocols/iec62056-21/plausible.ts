/**
 * Plausibility of a parsed readout, from what the data-set syntax allows. IEC 62056-21 protects a
 * readout with a parity bit per character and one XOR block check character: a damaged character
 * whose parity still fits (two bits flipped), or two faults whose XOR effects cancel (the same bit
 * flipped twice, or two equal characters dropped or doubled), pass both. What passes must still read
 * as data sets a meter prints, and most such damage does not:
 *
 * - an address is OBIS-like (`1.8.0`, `1-0:1.8.0*255`, `C.1.0`, `F.F`): letters and digits in
 *   groups joined by `-` `:` `.` `*` `&`, no doubled separator;
 * - a value holds no bracket, `*`, `/` or `!` (the standard reserves them) and no control character;
 * - a unit is one meters print (kWh, kvarh, V, A, Hz, m3, ...); `kWj` is damage, not a unit;
 * - a value with a unit is a number: one optional sign, digits, at most one decimal point;
 * - meters print registers of one kind with one format (`1.8.0` to `1.8.4` all `000000.000*kWh`):
 *   in a group of data sets that share a unit and the address without its last group, a value whose
 *   digit count differs from the group's strict majority lost or gained a digit.
 *
 * Pure; the readout session or the driver calls `assertPlausible` on what it parsed (issue 13).
 */
import { ProtocolError } from '../../core/errors';
import type { DataSet } from './datasets';

/** Units real meters print (IEC 62056-21 annex, DSMR, heat and water meters), compared as printed. */
export const PLAUSIBLE_UNITS: ReadonlySet<string> = new Set([
  'Wh', 'kWh', 'MWh', 'GWh', 'varh', 'kvarh', 'Mvarh', 'VAh', 'kVAh', 'MVAh', 'VArh', 'kVArh', 'kVARh', 'kvarH',
  'W', 'kW', 'MW', 'var', 'kvar', 'Mvar', 'VAr', 'kVAr', 'kVAR', 'VA', 'kVA', 'MVA',
  'V', 'kV', 'mV', 'A', 'kA', 'mA', 'Hz', 'kHz', 'Ohm', 'ohm', '%', '°', 'deg', '°C', 'C', 'K', 'degC',
  'm3', 'm³', 'm3/h', 'm3ph', 'l', 'L', 'l/h', 'dm3', 'GJ', 'MJ', 'kJ', 'J', 'Gcal', 'Mcal', 'kcal', 'kg', 't', 'bar',
  // 'm3ph' and 'm' (minutes) as a real heat meter prints them (src/protocols/iec62056-21/fixtures/).
  's', 'min', 'm', 'h', 'd', 'Ah', 'kAh', 'V2h', 'A2h', 'kW/h', 'imp', 'pulse',
]);

export interface PlausibilityOptions {
  /** Extra units this meter prints (case-sensitive). */
  units?: Iterable<string>;
  /** Compare digit counts within groups of registers (default true). */
  formats?: boolean;
}

export interface Implausible {
  address: string;
  line: number;
  reason: string;
}

const ADDRESS = /^[0-9A-Za-z]{1,4}(?:[-:.*&][0-9A-Za-z]{1,4}){0,6}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const RESERVED = /[()*/!\x00-\x1f\x7f]/;
const NUMBER = /^[-+]?[0-9]+(?:[.,][0-9]+)?$/;

/** Every implausible data set (empty when the readout reads as a meter prints it). */
export function implausibleDataSets(dataSets: readonly DataSet[], opts: PlausibilityOptions = {}): Implausible[] {
  const units = opts.units ? new Set([...PLAUSIBLE_UNITS, ...opts.units]) : PLAUSIBLE_UNITS;
  const out: Implausible[] = [];
  const groups = new Map<string, { ds: DataSet; shape: string }[]>();
  for (const ds of dataSets) {
    const bad = (reason: string) => out.push({ address: ds.address, line: ds.line, reason });
    if (ds.address !== '' && !ADDRESS.test(ds.address)) {
      bad('the address is not OBIS-like');
      continue;
    }
    for (const v of ds.values) {
      if (RESERVED.test(v.value) || (v.unit !== undefined && RESERVED.test(v.unit))) {
        bad('a value holds a reserved or control character');
        break;
      }
      if (v.unit === undefined) continue;
      if (!units.has(v.unit)) {
        bad(`"${v.unit}" is not a unit meters print`);
        break;
      }
      if (!NUMBER.test(v.value)) {
        bad('a value with a unit is not a number');
        break;
      }
    }
    const first = ds.values[0];
    if (opts.formats !== false && ds.values.length === 1 && first?.unit !== undefined && NUMBER.test(first.value)) {
      const key = `${first.unit}|${ds.address.replace(/[.][^.]*$/, '')}`;
      const shape = first.value.replace(/[0-9]/g, '9');
      const g = groups.get(key);
      if (g) g.push({ ds, shape });
      else groups.set(key, [{ ds, shape }]);
    }
  }
  for (const members of groups.values()) {
    if (members.length < 3) continue;
    const counts = new Map<string, number>();
    for (const m of members) counts.set(m.shape, (counts.get(m.shape) ?? 0) + 1);
    const [majority, n] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
    if (n * 2 <= members.length) continue; // no strict majority: cannot tell which is damaged
    for (const m of members) {
      if (m.shape !== majority) out.push({ address: m.ds.address, line: m.ds.line, reason: `printed as ${m.shape}, its group as ${majority}` });
    }
  }
  return out;
}

/**
 * Throws a FRAMING ProtocolError naming the first implausible data set. A readout that passed its
 * block check but fails here was damaged on the line in a way the check cannot see: none of it is kept.
 */
export function assertPlausible(dataSets: readonly DataSet[], opts: PlausibilityOptions = {}): void {
  const issues = implausibleDataSets(dataSets, opts);
  if (issues.length === 0) return;
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ProtocolError('FRAMING', `Line ${first.line}, data set ${JSON.stringify(first.address)}: ${first.reason}${more}; the readout was damaged on the line.`);
}
