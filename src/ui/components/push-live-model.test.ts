import { describe, expect, it } from 'vitest';
import type { Reading } from '../../core/reading';
import { powerSeries, pushDevices, sparkPoints } from './push-live-model';

const r = (alias: string, value: number, device = 'han'): Reading => ({ ts: value, device_alias: device, signal_alias: alias, value, quality: 'good', address: `${alias}:2` });

describe('push live model', () => {
  it('finds the enabled PUSH devices of a configuration', () => {
    const raw = JSON.stringify({
      devices: [
        { device_alias: 'a', name: 'A', protocol: 'DLMS', mode: 'push' },
        { device_alias: 'b', name: 'B', protocol: 'DLMS', mode: 'DLMS-HDLC' },
        { device_alias: 'c', name: 'C', protocol: 'DLMS', mode: 'PUSH', enable: 0 },
      ],
    });
    expect(pushDevices(raw)).toEqual([{ device_alias: 'a', name: 'A' }]);
    expect(pushDevices('{not json')).toEqual([]);
  });

  it('takes the active power of one device, oldest first, and draws it in the box', () => {
    const session = [r('1.1.1.7.0.255', 100), r('1.0.32.7.0.255', 230), r('1.1.1.7.0.255', 300), r('1.0.1.7.0.255', 5, 'other')];
    expect(powerSeries(session, 'han')).toEqual([100, 300]);
    expect(sparkPoints([100, 300], 100, 20)).toBe('0.0,20.0 100.0,0.0');
    expect(sparkPoints([7, 7, 7], 10, 20)).toBe('0.0,10.0 5.0,10.0 10.0,10.0');
  });
});
