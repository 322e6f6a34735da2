import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config';
import { withBrowserLimits } from './browser-limits';

const config = (databits: number, device = 'PORT1') => ({
  devices: [{ name: 'Meter', device_alias: 'm1', protocol: 'IEC 62056-21', device, databits }],
  signals: [{ signal_name: 'Energy', device_alias: 'm1', signal_alias: 'e', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
});

describe('browser limits on a valid configuration', () => {
  it('refuses 6 data bits on a serial device, at the field, though the CLI takes it', () => {
    const cli = validateConfig(config(6));
    expect(cli.ok).toBe(true);
    const browser = withBrowserLimits(cli);
    expect(browser.ok).toBe(false);
    if (browser.ok) return;
    expect(browser.errors).toEqual([{ path: 'devices[0].databits', message: expect.stringMatching(/Web Serial opens ports with 7 or 8 only/) }]);
  });

  it('passes 7 and 8 data bits, and the demo meters whatever their frame format', () => {
    expect(withBrowserLimits(validateConfig(config(7))).ok).toBe(true);
    expect(withBrowserLimits(validateConfig(config(8))).ok).toBe(true);
    expect(withBrowserLimits(validateConfig(config(6, 'DEMO'))).ok).toBe(true);
  });
});
