import type { Scaling } from './values';

/**
 * Lists whose OBIS codes are implied, not sent: the Norwegian HAN lists (NEK/NVE "AMS HAN" interface,
 * 2017-2018) as Kaifa sends them — a flat structure of values headed by the list version identifier
 * `KFM_001`, the list told by its element count — and Kamstrup's scalers, which its OBIS + value list
 * does not carry. Facts: ../shared/fixtures/amstomqtt-han/NOTES.md (real captures), the public NVE/NEK
 * list tables, and the scalings documented by the open readers (AmsToMqttBridge, amshan
 * smartmeterdecode/kamstrup.py: currents 0.01 A). Units as IEC 62056-6-2 names them.
 */

export interface ImpliedItem {
  obis: string;
  scaling?: Scaling;
  /** A 12-byte octet-string date-time (the meter clock in list 3). */
  dateTime?: boolean;
}

const W: Scaling = { scaler: 0, unit: 'W' };
const VAR: Scaling = { scaler: 0, unit: 'var' };
const WH: Scaling = { scaler: 0, unit: 'Wh' };
const VARH: Scaling = { scaler: 0, unit: 'varh' };
const MA: Scaling = { scaler: -3, unit: 'A' };
const DV: Scaling = { scaler: -1, unit: 'V' };

const LIST_VERSION = '1.1.0.2.129.255';
const head: ImpliedItem[] = [
  { obis: LIST_VERSION },
  { obis: '0.0.96.1.0.255' }, // meter id (GS1)
  { obis: '0.0.96.1.7.255' }, // meter type
  { obis: '1.0.1.7.0.255', scaling: W },
  { obis: '1.0.2.7.0.255', scaling: W },
  { obis: '1.0.3.7.0.255', scaling: VAR },
  { obis: '1.0.4.7.0.255', scaling: VAR },
];
const i = (c: number): ImpliedItem => ({ obis: `1.0.${c}.7.0.255`, scaling: MA });
const u = (c: number): ImpliedItem => ({ obis: `1.0.${c}.7.0.255`, scaling: DV });
const energies: ImpliedItem[] = [
  { obis: '0.0.1.0.0.255', dateTime: true },
  { obis: '1.0.1.8.0.255', scaling: WH },
  { obis: '1.0.2.8.0.255', scaling: WH },
  { obis: '1.0.3.8.0.255', scaling: VARH },
  { obis: '1.0.4.8.0.255', scaling: VARH },
];
const kaifa1Phase = [...head, i(31), u(32)];
const kaifa3Phase = [...head, i(31), i(51), i(71), u(32), u(52), u(72)];

/** Kaifa KFM_001 by element count: list 2 and list 3, single and three phase. */
const KAIFA: Record<number, ImpliedItem[]> = {
  9: kaifa1Phase,
  13: kaifa3Phase,
  14: [...kaifa1Phase, ...energies],
  18: [...kaifa3Phase, ...energies],
};

/** List 1 (NEK): a structure of one value, active power import in W, with no identifier. */
export const LIST1_ITEM: ImpliedItem = { obis: '1.0.1.7.0.255', scaling: W };

export function impliedList(listId: string, count: number): ImpliedItem[] | undefined {
  if (listId === 'KFM_001') return KAIFA[count];
  return undefined;
}

export const LIST_VERSION_OBIS = LIST_VERSION;

/**
 * Scalers a list implies for values it sends with an OBIS code but without a scaler_unit. Kamstrup
 * (Kamstrup_V0001): currents in 0.01 A, voltages in V, powers in W/var, cumulative energies in 0.01 kWh
 * (AmsToMqttBridge and the ESPHome AMS reader scale them so; not confirmed on our own hardware).
 */
export function impliedScaling(listId: string | undefined, obis: string): Scaling | undefined {
  if (listId !== 'Kamstrup_V0001') return undefined;
  const m = /^1\.1\.(\d+)\.(7|8)\.0\.255$/.exec(obis);
  if (!m) return undefined;
  const c = Number(m[1]);
  if (m[2] === '8') {
    if (c === 1 || c === 2) return { scaler: 1, unit: 'Wh' };
    if (c === 3 || c === 4) return { scaler: 1, unit: 'varh' };
    return undefined;
  }
  if (c === 1 || c === 2) return W;
  if (c === 3 || c === 4) return VAR;
  if (c === 31 || c === 51 || c === 71) return { scaler: -2, unit: 'A' };
  if (c === 32 || c === 52 || c === 72) return { scaler: 0, unit: 'V' };
  return undefined;
}
