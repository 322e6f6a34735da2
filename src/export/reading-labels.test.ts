import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reading } from '../core/reading';
import { identityKey, identitySignalsOf, isIdentityAddress, labelsFromConfigs } from './reading-labels';

const reading = (over: Partial<Reading>): Reading => ({ ts: 1, device_alias: 'm1', signal_alias: 's', value: 1, quality: 'good', ...over });

describe('reading labels', () => {
  it('knows identity addresses in every spelling', () => {
    for (const a of ['0.0.42.0.0.255', '0-0:42.0.0*255', '0.0.42.0.0.255:2', '0.0.96.1.0.255', 'C.1.0', '96.1.0', '0.0.0']) {
      expect(isIdentityAddress(a)).toBe(true);
    }
    for (const a of ['1.0.1.8.0.255', '1.8.0', 'C.1.1', undefined]) expect(isIdentityAddress(a)).toBe(false);
    expect(identityKey('0-0:42.0.0*255')).toBe('0.0.42.0.0');
  });

  it('prefers the identity the meter answered (latest good one) over the configured serial number', () => {
    const docs = [
      {
        devices: [{ device_alias: 'm1', name: 'North', serial_number: 555 }, { device_alias: 'm2', name: 'South', serial_number: 777 }],
        signals: [{ device_alias: 'm1', signal_alias: 'sn', signal_name: 'Serial', tag_job_todo: 'C.1.0' }],
      },
      { devices: [{ device_alias: 'm1', name: 'an older name' }] },
    ];
    const labels = labelsFromConfigs(docs, [
      reading({ signal_alias: 'sn', value: 'OLD', ts: 1 }),
      reading({ signal_alias: 'sn', value: 'NEW', ts: 2 }),
      reading({ signal_alias: 'sn', value: null, quality: 'bad', ts: 3 }),
    ]);
    expect(labels.of({ device_alias: 'm1', signal_alias: 'sn' })).toEqual({ device_name: 'North', meter_id: 'NEW', signal_name: 'Serial' });
    expect(labels.of({ device_alias: 'm2', signal_alias: 'x' })).toEqual({ device_name: 'South', meter_id: '777' });
    expect(identitySignalsOf(docs)).toEqual([{ device_alias: 'm1', signal_alias: 'sn' }]);
  });

  it('never throws on documents of any shape (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.anything()), fc.string(), fc.string(), (docs, d, s) => {
        const l = labelsFromConfigs(docs).of({ device_alias: d, signal_alias: s });
        expect(typeof l).toBe('object');
        expect(Array.isArray(identitySignalsOf(docs))).toBe(true);
      }),
    );
  });
});
