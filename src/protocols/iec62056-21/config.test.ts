import { describe, expect, it } from 'vitest';
import { iecOptionsFromConfig } from './config';

describe('iecOptionsFromConfig', () => {
  it('maps WCC Lite fields with their defaults', () => {
    expect(iecOptionsFromConfig({ serialnumber: 0 })).toMatchObject({ address: '', mode: 'C', pollDelayMs: 200, t2Ms: 300, closeDelayMs: 400, timeoutMs: 2500, retries: 3 });
    expect(iecOptionsFromConfig({ serialnumber: 45678903, type: 'b', t2: 500, retry_counter: 1 })).toMatchObject({ address: '45678903', mode: 'B', t2Ms: 500, retries: 1 });
    expect(iecOptionsFromConfig({}).initialLine).toBeUndefined();
    expect(iecOptionsFromConfig({ baudrate: 9600, databits: 8, parity: 'None' }).initialLine).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
  });
});
