import { describe, expect, it } from 'vitest';
import type { ProfileColumn } from '../store/records';
import { collectText } from './chunking';
import { encodeProfileCsv, encodeProfileJson } from './profile-export';

const columns: ProfileColumn[] = [
  { name: 'time', isTime: true },
  { name: 'status' },
  { name: '+A', unit: 'kWh', address: '1.8.0' },
];
const rows = [
  [Date.UTC(2026, 0, 1, 0, 15), '-', 0.25],
  [Date.UTC(2026, 6, 1, 0, 15), 'power down, restored', -1.5],
];

describe('profile export', () => {
  it('CSV: units in the header, times with offset, text neutralised, numbers plain', async () => {
    const text = await collectText(encodeProfileCsv({ columns, rows }, { timeZone: 'Europe/Vilnius' }));
    expect(text).toBe(
      "time,status,'+A [kWh]\r\n" +
        "2026-01-01T02:15:00.000+02:00,'-,0.25\r\n" +
        '2026-07-01T03:15:00.000+03:00,"power down, restored",-1.5\r\n',
    );
  });

  it('CSV keeps cells beyond the declared columns instead of dropping them', async () => {
    const text = await collectText(encodeProfileCsv({ columns: [{ name: 'a' }], rows: [[1, 2]] }, { header: false, timeZone: 'UTC' }));
    expect(text).toBe('1,2\r\n');
  });

  it('JSON: valid, with columns and rows, time cells as ISO strings', async () => {
    const text = await collectText(
      encodeProfileJson({ device_alias: 'm1', name: 'P.01', readAt: Date.UTC(2026, 6, 2), columns, rows }, { timeZone: 'Europe/Vilnius' }),
    );
    const doc = JSON.parse(text) as { device_alias: string; name: string; readAt: string; columns: ProfileColumn[]; rows: unknown[][] };
    expect(doc.device_alias).toBe('m1');
    expect(doc.readAt).toBe('2026-07-02T03:00:00.000+03:00');
    expect(doc.columns).toEqual(columns);
    expect(doc.rows).toEqual([
      ['2026-01-01T02:15:00.000+02:00', '-', 0.25],
      ['2026-07-01T03:15:00.000+03:00', 'power down, restored', -1.5],
    ]);
    expect(JSON.parse(await collectText(encodeProfileJson({ columns: [], rows: [] })))).toEqual({ columns: [], rows: [] });
  });
});
