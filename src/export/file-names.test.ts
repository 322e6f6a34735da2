import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportFileName, MAX_NAME_PART } from './file-names';

describe('exportFileName', () => {
  it('is sortable by time and safe on every file system', () => {
    const at = new Date(2026, 10, 25, 14, 3, 0);
    expect(exportFileName('readings', 'csv', at)).toBe('meterscope-readings-20261125-140300.csv');
    expect(exportFileName('site A/B: "x"', '.json', at)).toBe('meterscope-site-A_B-x-20261125-140300.json');
    expect(exportFileName('', 'csv', at)).toBe('meterscope-export-20261125-140300.csv');
  });

  it('shortens long descriptions to a sane length', () => {
    const at = new Date(2026, 10, 25, 14, 3, 0);
    const name = exportFileName('demo_dlms-Load profile 1 (1.0.99.1.0.255) with a very long description', 'csv', at);
    expect(name).toBe('meterscope-demo_dlms-Load-profile-1-1.0.99.1.0.255-20261125-140300.csv');
  });

  it('never gives a forbidden character, a name over 72 characters, or an empty description (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (what) => {
        const name = exportFileName(what, 'csv', new Date(2026, 0, 1));
        expect(name).not.toMatch(/[\\/:*?"<>|\u0000-\u001f]/);
        expect(name.length).toBeLessThanOrEqual('meterscope-'.length + MAX_NAME_PART + '-20260101-000000.csv'.length);
        expect(name).toMatch(/^meterscope-[^-_.]/);
      }),
    );
  }, 30_000);
});
