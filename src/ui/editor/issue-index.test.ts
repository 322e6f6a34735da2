import { describe, expect, it } from 'vitest';
import { IssueIndex } from './issue-index';

describe('IssueIndex', () => {
  const aliases = ['a', 'a', 'b', undefined];
  const index = new IssueIndex(
    [
      { path: '', message: 'configuration problem' },
      { path: 'devices[1].baudrate', message: '14400 is not one of …' },
      { path: 'devices[1]', message: 'needs ip or device' },
      { path: 'signals[0].obis_job', message: 'bad' },
      { path: 'signals[1]["odd key"]', message: 'is not a known field' },
      { path: 'signals[2].obis_job', message: 'bad' },
      { path: 'signals[3].device_alias', message: 'does not name a device' },
    ],
    (j) => aliases[j],
  );

  it('finds an item\'s errors by field without scanning the rest', () => {
    expect(index.total).toBe(7);
    expect(index.general.map((i) => i.message)).toEqual(['configuration problem']);
    expect([...index.deviceErrors(1).entries()]).toEqual([
      ['baudrate', ['14400 is not one of …']],
      ['', ['needs ip or device']],
    ]);
    expect(index.deviceErrors(0).size).toBe(0);
    expect(index.signalErrors(1).get('odd key')).toEqual(['is not a known field']);
    expect(index.signalErrorCount(3)).toBe(1);
  });

  it('counts signal errors at their device, and finds the first device with any', () => {
    expect(index.signalErrorsOf('a')).toBe(2);
    expect(index.signalErrorsOf('b')).toBe(1);
    expect(index.signalErrorsOf(undefined)).toBe(0);
    expect(index.firstBadDevice([{ device_alias: 'x' }, { device_alias: 'b' }])).toBe(1);
    expect(index.firstBadDevice([{ device_alias: 'a' }, { device_alias: 'y' }])).toBe(0);
    expect(IssueIndex.empty().firstBadDevice([{ device_alias: 'a' }])).toBe(-1);
  });
});
