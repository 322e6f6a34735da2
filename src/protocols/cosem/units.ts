/**
 * The COSEM unit enumeration (IEC 62056-6-2, the `unit` of scaler_unit). Codes not listed are
 * reserved; they are shown as `unit <n>` rather than rejected, so a newer meter still reads.
 */

export interface UnitInfo {
  code: number;
  /** Symbol shown next to a value; empty for "count" (no unit). */
  symbol: string;
  /** Quantity in words. */
  quantity: string;
}

// [code, symbol, quantity]; written as one string per row to keep the bundle small.
const ROWS =
  '1|a|time (year)\n2|mo|time (month)\n3|wk|time (week)\n4|d|time (day)\n5|h|time (hour)\n6|min|time (minute)\n' +
  '7|s|time (second)\n8|°|phase angle\n9|°C|temperature\n10|currency|local currency\n11|m|length\n12|m/s|speed\n' +
  '13|m³|volume\n14|m³|corrected volume\n15|m³/h|volume flux\n16|m³/h|corrected volume flux\n17|m³/d|volume flux\n' +
  '18|m³/d|corrected volume flux\n19|l|volume (litre)\n20|kg|mass\n21|N|force\n22|Nm|energy (newton metre)\n' +
  '23|Pa|pressure\n24|bar|pressure\n25|J|energy\n26|J/h|thermal power\n27|W|active power\n28|VA|apparent power\n' +
  '29|var|reactive power\n30|Wh|active energy\n31|VAh|apparent energy\n32|varh|reactive energy\n33|A|current\n' +
  '34|C|electrical charge\n35|V|voltage\n36|V/m|electric field strength\n37|F|capacitance\n38|Ω|resistance\n' +
  '39|Ωm²/m|resistivity\n40|Wb|magnetic flux\n41|T|magnetic flux density\n42|A/m|magnetic field strength\n' +
  '43|H|inductance\n44|Hz|frequency\n45|1/(Wh)|active energy meter constant\n46|1/(varh)|reactive energy meter constant\n' +
  '47|1/(VAh)|apparent energy meter constant\n48|V²h|volt-squared hours\n49|A²h|ampere-squared hours\n50|kg/s|mass flux\n' +
  '51|S|conductance\n52|K|temperature (kelvin)\n53|1/(V²h)|volt-squared hour meter constant\n' +
  '54|1/(A²h)|ampere-squared hour meter constant\n55|1/m³|volume meter constant\n56|%|percentage\n57|Ah|ampere-hours\n' +
  '60|Wh/m³|energy per volume\n61|J/m³|calorific value, wobbe\n62|mol %|molar fraction of gas composition\n' +
  '63|g/m³|mass density, quantity of material\n64|Pa·s|dynamic viscosity\n65|J/kg|specific energy\n' +
  '66|g/cm²|pressure (grams per square centimetre)\n67|atm|pressure (atmosphere)\n70|dBm|signal strength\n' +
  '71|dBµV|signal strength\n72|dB|logarithmic unit\n253||reserved\n254||other unit\n255||count (no unit)';

let table: Map<number, UnitInfo> | undefined;

function units(): Map<number, UnitInfo> {
  if (!table) {
    table = new Map();
    for (const row of ROWS.split('\n')) {
      const [code, symbol, quantity] = row.split('|');
      table.set(Number(code), { code: Number(code), symbol, quantity });
    }
  }
  return table;
}

/** Unit row for a code, or undefined for a reserved code. */
export function unitInfo(code: number): UnitInfo | undefined {
  return units().get(code);
}

/** Symbol to print after a value: '' for count/other/reserved, `unit <n>` for codes not in the table. */
export function unitSymbol(code: number): string {
  const u = units().get(code);
  if (u) return u.symbol;
  return `unit ${code}`;
}

/** All known units, in code order (for pickers and docs). */
export function allUnits(): UnitInfo[] {
  return [...units().values()];
}
