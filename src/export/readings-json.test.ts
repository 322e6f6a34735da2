import { describe, expect, it } from 'vitest';
import type { Reading } from '../core/reading';
import { collectText } from './chunking';
import { labelsFromConfigs } from './reading-labels';
import { encodeReadingsJson, encodeReadingsJsonLines, readingsJsonStream } from './readings-json';

const ZONE = 'Europe/Vilnius';
const T = Date.UTC(2026, 10, 25, 12, 3);

function r(partial: Partial<Reading> & { id?: number }): Reading {
  return { ts: T, device_alias: 'm1', signal_alias: 'e', value: 1, quality: 'good', ...partial };
}

describe('JSON export', () => {
  it('produces a valid array with fixed key order, no store id, ISO times with offset', async () => {
    const text = await collectText(
      encodeReadingsJson([r({ id: 7, address: '1.8.0', unit: 'kWh', value: 2.5 }), r({ value: null, quality: 'bad', error: 'TIMEOUT' })], {
        timeZone: ZONE,
      }),
    );
    expect(text.startsWith('[\n{')).toBe(true);
    expect(text).toContain('},\n{');
    expect(text.endsWith('}\n]\n')).toBe(true);
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    expect(parsed).toEqual([
      { ts: '2026-11-25T14:03:00.000+02:00', device_alias: 'm1', signal_alias: 'e', address: '1.8.0', value: 2.5, unit: 'kWh', quality: 'good' },
      { ts: '2026-11-25T14:03:00.000+02:00', device_alias: 'm1', signal_alias: 'e', value: null, quality: 'bad', error: 'TIMEOUT' },
    ]);
    expect(Object.keys(parsed[0])).toEqual(['ts', 'device_alias', 'signal_alias', 'address', 'value', 'unit', 'quality']);
  });

  it('adds names, meter identity, decimals and raw in a fixed place, and leaves out what is unknown', async () => {
    const labels = labelsFromConfigs([{ devices: [{ device_alias: 'm1', name: 'Incomer', serial_number: 12345678 }], signals: [{ device_alias: 'm1', signal_alias: 'e', signal_name: 'Frequency' }] }]);
    const text = await collectText(encodeReadingsJson([r({ value: 50, decimals: 2, unit: 'Hz', raw: '5000' }), r({ device_alias: 'x', value: 'abc', decimals: 2 })], { timeZone: ZONE, labels }));
    const [a, b] = JSON.parse(text) as Record<string, unknown>[];
    expect(Object.keys(a!)).toEqual(['ts', 'device_alias', 'device_name', 'meter_id', 'signal_alias', 'signal_name', 'value', 'decimals', 'unit', 'quality', 'raw']);
    expect(a).toMatchObject({ device_name: 'Incomer', meter_id: '12345678', signal_name: 'Frequency', value: 50, decimals: 2, raw: '5000' });
    // A text value has no decimals, and a device the configurations do not know has no names.
    expect(Object.keys(b!)).toEqual(['ts', 'device_alias', 'signal_alias', 'value', 'quality']);
  });

  it('an empty export is still valid JSON', async () => {
    expect(JSON.parse(await collectText(encodeReadingsJson([])))).toEqual([]);
  });

  it('keeps text exactly (no formula neutralisation: JSON is not run by spreadsheets) and non-finite numbers as strings', async () => {
    const text = await collectText(encodeReadingsJson([r({ device_alias: '=1+2 "x"\n', value: Number.POSITIVE_INFINITY })]));
    const [row] = JSON.parse(text) as { device_alias: string; value: unknown }[];
    expect(row.device_alias).toBe('=1+2 "x"\n');
    expect(row.value).toBe('Infinity');
  });

  it('can write epoch milliseconds instead of ISO strings', async () => {
    const [row] = JSON.parse(await collectText(encodeReadingsJson([r({})], { timestamps: 'epoch' }))) as { ts: unknown }[];
    expect(row.ts).toBe(T);
  });

  it('JSON lines: one object per LF-terminated line, each valid on its own', async () => {
    const readings = Array.from({ length: 5000 }, (_, i) => r({ value: i }));
    const text = await collectText(encodeReadingsJsonLines(readings, { timeZone: ZONE, chunkChars: 1000 }));
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(5000);
    expect(lines.map((l) => (JSON.parse(l) as { value: number }).value)).toEqual(readings.map((x) => x.value));
  });

  it('streams as bytes that decode to the same document, multi-byte characters across chunks included', async () => {
    const readings = Array.from({ length: 3000 }, (_, i) => r({ unit: 'm³', signal_alias: `ž${i}` }));
    const direct = await collectText(encodeReadingsJson(readings, { timeZone: ZONE }));
    const viaStream = await collectText(readingsJsonStream(readings, { timeZone: ZONE, chunkChars: 777 }));
    expect(viaStream).toBe(direct);
    expect((JSON.parse(viaStream) as unknown[]).length).toBe(3000);
  });
});
