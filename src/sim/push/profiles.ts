import type { DlmsData } from '../../protocols/dlms/axdr/types';
import { formatDateTimeBytesIso } from '../../protocols/cosem/datetime';
import { fromHex, toHex } from '../../protocols/dlms/hex';
import type { SimPushProfile } from './push-meter';

/**
 * The lists a simulated push meter sends, with the values a listener must report for them. Shapes
 * follow real meters (Kaifa KFM_001 flat lists, Kamstrup's flat OBIS/value list, Aidon's triples,
 * Netz NÖ's flat triples headed by the clock); values come from a seeded generator.
 */

export interface ProfileOutput {
  body: DlmsData;
  /** OBIS → the value as a listener reports it (after scaling). */
  expect: Map<string, number | string>;
}

const u32 = (value: number): DlmsData => ({ type: 'uint32', value });
const u16 = (value: number): DlmsData => ({ type: 'uint16', value });
const i16 = (value: number): DlmsData => ({ type: 'int16', value });
const str = (s: string): DlmsData => ({ type: 'octet-string', value: new TextEncoder().encode(s) });
const obis = (dotted: string): DlmsData => ({ type: 'octet-string', value: Uint8Array.from(dotted.split('.').map(Number)) });
const su = (scaler: number, unit: number): DlmsData => ({ type: 'structure', items: [{ type: 'int8', value: scaler }, { type: 'enum', value: unit }] });
const struct = (...items: DlmsData[]): DlmsData => ({ type: 'structure', items });

/** Live figures of one push. */
export interface Figures {
  pImport: number; // W
  pExport: number;
  qImport: number; // var
  qExport: number;
  mA: [number, number, number];
  dV: [number, number, number]; // 0.1 V
  energyWh: number;
}

export function figures(rand: () => number, n: number): Figures {
  const r = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  return {
    pImport: r(100, 9000),
    pExport: r(0, 50),
    qImport: r(0, 500),
    qExport: r(0, 900),
    mA: [r(100, 30000), r(100, 30000), r(100, 30000)],
    dV: [r(2250, 2450), r(2250, 2450), r(2250, 2450)],
    energyWh: 1_000_000 + n * 37,
  };
}

const METER_ID = '6970631401753985';

export function buildProfile(profile: SimPushProfile, f: Figures, clock12: Uint8Array): ProfileOutput {
  const expect = new Map<string, number | string>();
  switch (profile) {
    case 'kaifa-list1':
      expect.set('1.0.1.7.0.255', f.pImport);
      return { body: struct(u32(f.pImport)), expect };
    case 'kaifa-list2':
    case 'kaifa-list3': {
      const items = [str('KFM_001'), str(METER_ID), str('MA304H3E'), u32(f.pImport), u32(f.pExport), u32(f.qImport), u32(f.qExport), ...f.mA.map(u32), ...f.dV.map(u32)];
      expect.set('1.1.0.2.129.255', 'KFM_001').set('0.0.96.1.0.255', METER_ID).set('0.0.96.1.7.255', 'MA304H3E');
      expect.set('1.0.1.7.0.255', f.pImport).set('1.0.2.7.0.255', f.pExport).set('1.0.3.7.0.255', f.qImport).set('1.0.4.7.0.255', f.qExport);
      [31, 51, 71].forEach((c, k) => expect.set(`1.0.${c}.7.0.255`, f.mA[k] / 1000));
      [32, 52, 72].forEach((c, k) => expect.set(`1.0.${c}.7.0.255`, f.dV[k] / 10));
      if (profile === 'kaifa-list3') {
        items.push({ type: 'octet-string', value: clock12 }, u32(f.energyWh), u32(0), u32(7), u32(9));
        expect.set('0.0.1.0.0.255', formatDateTimeBytesIso(clock12));
        expect.set('1.0.1.8.0.255', f.energyWh).set('1.0.2.8.0.255', 0).set('1.0.3.8.0.255', 7).set('1.0.4.8.0.255', 9);
      }
      return { body: { type: 'structure', items }, expect };
    }
    case 'kamstrup-list1': {
      const items: DlmsData[] = [str('Kamstrup_V0001'), obis('1.1.0.0.5.255'), str('5706567274389702'), obis('1.1.1.7.0.255'), u32(f.pImport), obis('1.1.4.7.0.255'), u32(f.qExport)];
      expect.set('1.1.0.2.129.255', 'Kamstrup_V0001').set('1.1.0.0.5.255', '5706567274389702').set('1.1.1.7.0.255', f.pImport).set('1.1.4.7.0.255', f.qExport);
      [31, 51, 71].forEach((c, k) => {
        const cA = Math.round(f.mA[k] / 10);
        items.push(obis(`1.1.${c}.7.0.255`), u32(cA));
        expect.set(`1.1.${c}.7.0.255`, cA / 100);
      });
      [32, 52, 72].forEach((c, k) => {
        const v = Math.round(f.dV[k] / 10);
        items.push(obis(`1.1.${c}.7.0.255`), u16(v));
        expect.set(`1.1.${c}.7.0.255`, v);
      });
      return { body: { type: 'structure', items }, expect };
    }
    case 'aidon-list':
    case 'obis-triples': {
      const rows: DlmsData[] = [];
      if (profile === 'aidon-list') {
        rows.push(struct(obis('1.1.0.2.129.255'), { type: 'visible-string', value: 'AIDON_V0001' }));
        expect.set('1.1.0.2.129.255', 'AIDON_V0001');
      }
      rows.push(struct(obis('1.0.1.7.0.255'), u32(f.pImport), su(0, 27)));
      expect.set('1.0.1.7.0.255', f.pImport);
      [31, 51, 71].forEach((c, k) => {
        const dA = Math.round(f.mA[k] / 100);
        rows.push(struct(obis(`1.0.${c}.7.0.255`), i16(dA), su(-1, 33)));
        expect.set(`1.0.${c}.7.0.255`, dA / 10);
      });
      [32, 52, 72].forEach((c, k) => {
        rows.push(struct(obis(`1.0.${c}.7.0.255`), u16(f.dV[k]), su(-1, 35)));
        expect.set(`1.0.${c}.7.0.255`, f.dV[k] / 10);
      });
      rows.push(struct(obis('1.0.1.8.0.255'), u32(f.energyWh), su(0, 30)));
      expect.set('1.0.1.8.0.255', f.energyWh);
      return { body: { type: profile === 'aidon-list' ? 'array' : 'structure', items: rows }, expect };
    }
    case 'obis-pairs': {
      const rows = [struct(obis('0.0.96.1.0.255'), str(METER_ID)), struct(obis('1.0.1.7.0.255'), u32(f.pImport)), struct(obis('1.0.2.7.0.255'), u32(f.pExport))];
      expect.set('0.0.96.1.0.255', METER_ID).set('1.0.1.7.0.255', f.pImport).set('1.0.2.7.0.255', f.pExport);
      return { body: { type: 'structure', items: rows }, expect };
    }
    case 'flat': {
      // Netz NÖ layout: the clock first, OBIS/value/scaler_unit laid flat, the meter number last.
      const items: DlmsData[] = [{ type: 'octet-string', value: clock12 }];
      items.push(obis('1.0.1.8.0.255'), u32(f.energyWh), su(0, 30));
      items.push(obis('1.0.1.7.0.255'), u32(f.pImport), su(0, 27));
      items.push(obis('1.0.32.7.0.255'), u16(f.dV[0]), su(-1, 35));
      items.push(str('181220000009'));
      expect.set('0.0.1.0.0.255', formatDateTimeBytesIso(clock12));
      expect.set('1.0.1.8.0.255', f.energyWh).set('1.0.1.7.0.255', f.pImport).set('1.0.32.7.0.255', f.dV[0] / 10).set('0.0.96.1.0.255', '181220000009');
      return { body: { type: 'structure', items }, expect };
    }
  }
}

export const DEFAULT_SYSTEM_TITLE = fromHex('4B464D1010000023');
/** For traces of the simulator. */
export const clockHex = toHex;
