import { describe, expect, it } from 'vitest';
import { exportFileName } from './file-names';

describe('exportFileName', () => {
  it('is sortable by time and safe on every file system', () => {
    const at = new Date(2026, 10, 25, 14, 3, 0);
    expect(exportFileName('readings', 'csv', at)).toBe('meterscope-readings-20261125-140300.csv');
    expect(exportFileName('site A/B: "x"', '.json', at)).toBe('meterscope-site-A_B_-_x_-20261125-140300.json');
    expect(exportFileName('', 'csv', at)).toBe('meterscope-export-20261125-140300.csv');
  });
});
