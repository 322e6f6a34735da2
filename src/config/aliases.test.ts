import { describe, expect, it } from 'vitest';
import { validateConfig } from './index';

const device = (alias: string) => ({ name: 'Meter', device_alias: alias, protocol: 'IEC 62056-21', device: 'PORT1' });
const signal = (d: string, s: string) => ({ signal_name: 'Energy', device_alias: d, signal_alias: s, tag_job_todo: '1.8.0', number_type: 'FLOAT' });

describe('device_alias and signal_alias (WCC Lite: alphanumeric, plus _ and -)', () => {
  it('accepts letters, digits, _ and -', () => {
    expect(validateConfig({ devices: [device('Incomer-1_a')], signals: [signal('Incomer-1_a', '1_0_1_8_0')] }).ok).toBe(true);
  });

  it('refuses spaces, dots, separators and non-ASCII letters, at the field', () => {
    for (const bad of ['meter 1', '1.8.0', 'a;b', 'm,2', 'skaitiklis-ž', 'a/b']) {
      const r = validateConfig({ devices: [device('m1')], signals: [signal('m1', bad)] });
      expect(r.ok, bad).toBe(false);
      if (r.ok) continue;
      expect(r.errors.find((e) => e.path === 'signals[0].signal_alias')?.message, bad).toMatch(/only letters A-Z, digits, _ and -/);
      const d = validateConfig({ devices: [device(bad)], signals: [] });
      expect(d.ok, bad).toBe(false);
    }
  });
});
