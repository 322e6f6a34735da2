import { describe, expect, it } from 'vitest';
import type { ObjectInfo } from '../../worker/engine-api';
import { aliasFor, appendSignal, filterObjects } from './objects-model';

const obj = (obis: string, description: string, classId = 3, className = 'Register'): ObjectInfo => ({
  obis,
  description,
  classId,
  className,
  version: 0,
  attributes: [],
});

describe('filterObjects', () => {
  const list = [obj('1.0.1.8.0.255', 'Active energy import (+A), total'), obj('0.0.1.0.0.255', 'Clock', 8, 'Clock'), obj('1.0.99.1.0.255', 'Load profile 1', 7, 'Profile generic')];
  it('matches every word against OBIS, words and class', () => {
    expect(filterObjects(list, 'energy').map((o) => o.obis)).toEqual(['1.0.1.8.0.255']);
    expect(filterObjects(list, 'PROFILE 99').map((o) => o.obis)).toEqual(['1.0.99.1.0.255']);
    expect(filterObjects(list, 'class 7').map((o) => o.obis)).toEqual(['1.0.99.1.0.255']);
    expect(filterObjects(list, 'clock').map((o) => o.obis)).toEqual(['0.0.1.0.0.255']);
    expect(filterObjects(list, '  ')).toHaveLength(3);
    expect(filterObjects(list, 'nothing-like-this')).toEqual([]);
  });
});

describe('appendSignal', () => {
  const raw = JSON.stringify({
    devices: [{ name: 'M', device_alias: 'm1', protocol: 'DLMS', custom_field: 'kept' }],
    signals: [{ signal_name: 'E', device_alias: 'm1', signal_alias: 'obis_1_0_32_7_0_255_a2', obis_job: '1.0.1.8.0.255' }],
  });

  it('appends a DLMS signal with obis_job "obis:attr" and keeps the rest of the document', () => {
    const r = appendSignal(raw, { device_alias: 'm1', obis: '1.0.2.8.0.255', attribute: 2, name: 'Active energy export' });
    expect(r.existed).toBe(false);
    expect(r.signal_alias).toBe('obis_1_0_2_8_0_255_a2');
    const doc = JSON.parse(r.raw);
    expect(doc.devices[0].custom_field).toBe('kept');
    expect(doc.signals).toHaveLength(2);
    expect(doc.signals[1]).toEqual({ signal_name: 'Active energy export', device_alias: 'm1', signal_alias: 'obis_1_0_2_8_0_255_a2', obis_job: '1.0.2.8.0.255:2' });
  });

  it('does not add the same attribute twice (a bare OBIS means attribute 2)', () => {
    const r = appendSignal(raw, { device_alias: 'm1', obis: '1.0.1.8.0.255', attribute: 2, name: 'x' });
    expect(r).toEqual({ raw, signal_alias: 'obis_1_0_32_7_0_255_a2', existed: true });
    expect(appendSignal(raw, { device_alias: 'm1', obis: '1.0.1.8.0.255', attribute: 3, name: 'x' }).existed).toBe(false);
  });

  it('gives a taken alias a suffix', () => {
    const r = appendSignal(raw, { device_alias: 'm1', obis: '1.0.32.7.0.255', attribute: 2, name: 'U' });
    expect(r.signal_alias).toBe('obis_1_0_32_7_0_255_a2_2');
  });

  it('refuses an unknown device and a document without signals gets a list', () => {
    expect(() => appendSignal(raw, { device_alias: 'nope', obis: '1.0.1.8.0.255', attribute: 2, name: '' })).toThrow(/no device "nope"/);
    const r = appendSignal(JSON.stringify({ devices: [{ device_alias: 'm1' }] }), { device_alias: 'm1', obis: '0.0.1.0.0.255', attribute: 2, name: '' });
    expect(JSON.parse(r.raw).signals[0].signal_name).toBe('0.0.1.0.0.255:2');
  });

  it('makes aliases from OBIS codes', () => {
    expect(aliasFor('0.0.96.1.0.255', 2)).toBe('obis_0_0_96_1_0_255_a2');
  });
});
