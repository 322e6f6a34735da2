/**
 * Every data set of every real readout and telegram we hold (../shared/fixtures dsmr-p1 and
 * iec62056-21, and fixtures/ here) read as a signal is either the correct value or an error. "Correct"
 * comes from a small oracle written from the data-set grammar (first field that is not a time stamp;
 * a profile's last entry) and from known answers taken from the sources' own tests.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTelegram } from '../dsmr/telegram';
import { textToBytes } from './chars';
import { parseDataBlock, type DataSet } from './datasets';
import { mapSignals } from './mapping';
import { decodeBlock } from './messages';

const SHARED = new URL('../../../../shared/fixtures/', import.meta.url);
const OWN = new URL('./fixtures/', import.meta.url);

function sources(): { name: string; sets: DataSet[] }[] {
  const out: { name: string; sets: DataSet[] }[] = [];
  const dsmr = new URL('dsmr-p1/', SHARED);
  for (const f of readdirSync(dsmr).filter((n) => n.startsWith('TELEGRAM_'))) out.push({ name: f, sets: decodeTelegram(new Uint8Array(readFileSync(new URL(f, dsmr)))).dataSets });
  out.push({ name: 'easymeter', sets: decodeTelegram(new Uint8Array(readFileSync(new URL('iec62056-21/easymeter-Q3DA-modeD-j62056.txt', SHARED)))).dataSets });
  // The data messages among the vectors (STX .. ETX BCC with a valid BCC).
  for (const line of readFileSync(new URL('iec62056-21/VECTORS-iec62056-21.txt', SHARED), 'utf8').split('\n')) {
    const cols = line.split(' | ');
    if (cols.length < 5 || !cols[4].includes('VALID') || cols[4].includes('INVALID') || !cols[3].startsWith('02 ')) continue;
    const b = decodeBlock(Uint8Array.from(cols[3].trim().split(' ').map((x) => parseInt(x, 16))));
    out.push({ name: `vector ${cols[0]}`, sets: parseDataBlock(b.data ?? '').dataSets });
  }
  const ownDsmr = new URL('../dsmr/fixtures/', import.meta.url);
  for (const f of readdirSync(ownDsmr).filter((n) => n.endsWith('.txt'))) {
    const body = readFileSync(new URL(f, ownDsmr), 'latin1').split('\n').slice(1).join('\n');
    out.push({ name: f, sets: decodeTelegram(textToBytes(body)).dataSets });
  }
  for (const f of readdirSync(OWN).filter((n) => n.endsWith('.txt'))) {
    const body = readFileSync(new URL(f, OWN), 'latin1').split('\n').slice(1).join('\n');
    out.push({ name: f, sets: parseDataBlock(body.slice(body.indexOf('\r\n') + 2)).dataSets });
  }
  return out;
}

const TIME = /^([0-9]{10}|[0-9]{12}[SW]?)$/;
const NUMBER = /^[+-]?[0-9]+([.,][0-9]+)?$/;

/** The oracle: the number a numeric signal on this data set must give, or 'error'. */
function oracle(ds: DataSet): number | 'error' {
  const v = ds.values;
  const profile = v.length >= 6 && /^[0-9]{1,3}$/.test(v[3].value) && TIME.test(v[0].value) && v.length >= 4 + 2 * Number(v[3].value);
  if (profile) {
    const n = Number(v[3].value);
    const data = v.length - 4 - 2 * n;
    if (n === 0 || data === 0 || data % n !== 0) return 'error';
    const last = v[v.length - n].value;
    return NUMBER.test(last) ? Number(last.replace(',', '.')) : 'error';
  }
  const field = v.length === 1 ? v[0] : (v.find((f) => f.unit !== undefined || !TIME.test(f.value)) ?? v[0]);
  if (v.length > 1 && field.unit === undefined && TIME.test(field.value)) return 'error';
  return NUMBER.test(field.value) ? Number(field.value.replace(',', '.')) : 'error';
}

/** Known answers from the sources' own tests and documentation. */
const KNOWN: Record<string, Record<string, [number, string | undefined]>> = {
  'TELEGRAM_V2_2.txt': { '0-1:24.3.0': [1.001, 'm3'], '1-0:1.8.1': [1.001, 'kWh'] },
  'TELEGRAM_V3.txt': { '0-1:24.3.0': [1.001, 'm3'], '0-0:17.0.0': [16, 'A'] },
  'TELEGRAM_V4_2.txt': { '0-1:24.2.1': [981.443, 'm3'] },
  'TELEGRAM_V5.txt': { '0-1:24.2.1': [0.107, 'm3'], '1-0:99.97.0': [0, undefined] },
  'TELEGRAM_V5_TWO_MBUS.txt': { '0-2:24.2.1': [246.138, 'm3'] },
  'iskra-me382-dsmr3-gas-next-line.txt': { '0-1:24.3.0': [1485.058, 'm3'], '1-0:1.8.2': [2788.524, 'kWh'] },
  'heat-meter-uh50-end-on-data-line.txt': { '6.8': [29.055, 'MWh'], '9.20': [64030874, undefined], '6.26*01': [1563.92, 'm3'] },
};

describe('every data set of every real readout: a correct value or an error', () => {
  const all = sources();
  it('holds the sources', () => {
    expect(all.length).toBeGreaterThanOrEqual(16);
  });
  for (const { name, sets } of all) {
    it(name, () => {
      const signals = sets.map((ds, i) => ({ device_alias: 'd', signal_alias: `s${i}`, tag_job_todo: ds.address, number_type: 'DOUBLE' }));
      const readings = mapSignals({ dataSets: sets }, signals, 0, { timeZone: 'Europe/Amsterdam' });
      const seen = new Set<string>();
      sets.forEach((ds, i) => {
        if (seen.has(ds.address)) return; // a repeated address reads its first data set
        seen.add(ds.address);
        const r = readings[i];
        const want = oracle(ds);
        if (want === 'error') expect(r.quality, `${name} ${ds.address}`).toBe('bad');
        else if (r.quality === 'good') expect(r.value, `${name} ${ds.address}`).toBe(want);
        else expect.fail(`${name} ${ds.address}: ${r.error} where the meter printed ${want}`);
        const known = KNOWN[name]?.[ds.address];
        if (known) expect([r.value, r.unit], `${name} ${ds.address}`).toEqual(known);
      });
      // STRING signals never fail on a data set's shape except where it is broken.
      const strings = mapSignals({ dataSets: sets }, signals.map((s) => ({ ...s, number_type: 'STRING' })), 0, { timeZone: 'Europe/Amsterdam' });
      for (const r of strings) expect(r.quality === 'good' || r.error === 'FRAMING' || r.error === 'OBJECT_UNDEFINED').toBe(true);
    });
  }
  it('a real DSMR 3 gas reading comes with its hour (meter local time, Amsterdam summer time)', () => {
    const sets = all.find((x) => x.name === 'iskra-me382-dsmr3-gas-next-line.txt')?.sets ?? [];
    const [gas] = mapSignals({ dataSets: sets }, [{ device_alias: 'p1', signal_alias: 'gas', tag_job_todo: '0-1:24.3.0', number_type: 'DOUBLE' }], 0, { timeZone: 'Europe/Amsterdam' });
    expect(gas).toMatchObject({ value: 1485.058, unit: 'm3', quality: 'good', raw: '170406230000', ts: Date.UTC(2017, 3, 6, 21, 0) });
  });

  it('the heat meter fixture is byte-identical to the simulator copy', async () => {
    const { HEAT_METER_READOUT } = await import('../../sim/iec/fixture-telegrams');
    const body = readFileSync(new URL('heat-meter-uh50-end-on-data-line.txt', OWN), 'latin1').split('\n').slice(1).join('\n');
    expect(textToBytes(HEAT_METER_READOUT)).toEqual(textToBytes(body.slice(body.indexOf('\r\n') + 2)));
  });
});
