import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config';
import type { DeviceConfig } from '../../config/types';
import { createNodeOpenLink, lineOf, resolveSerialPath } from './open-device-link';
import { serveTcp } from './tcp-link';

function device(fields: Record<string, unknown>): DeviceConfig {
  const r = validateConfig({
    devices: [{ name: 'm', device_alias: 'm', protocol: 'IEC 62056-21', ...fields }],
    signals: [{ signal_name: 's', device_alias: 'm', signal_alias: 's', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config.devices[0];
}

describe('the Node transport factory', () => {
  it('maps port names, passes paths through, and asks for --map when a name is not mapped', () => {
    const map = new Map([['PORT1', '/dev/ttyUSB0']]);
    expect(resolveSerialPath('PORT1', map)).toBe('/dev/ttyUSB0');
    expect(resolveSerialPath('/dev/ttyACM0', map)).toBe('/dev/ttyACM0');
    expect(() => resolveSerialPath('PORT2', map)).toThrow(/--map PORT2=/);
  });

  it('opens serial devices with their configured line, refusing data bits it cannot carry', () => {
    expect(lineOf(device({ device: '/dev/x', baudrate: 300, databits: 7, parity: 'even', stopbits: 1 }))).toEqual({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 });
    expect(() => lineOf(device({ device: '/dev/x', databits: 9 }))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('gives a TCP link for ip/port devices', async () => {
    const server = await serveTcp(0, '127.0.0.1', (link) => void link.write(new TextEncoder().encode('hello')));
    try {
      const link = await createNodeOpenLink()(device({ ip: '127.0.0.1', port: server.port }));
      expect(link.kind).toBe('stream');
      let got = '';
      for (let i = 0; i < 20 && got.length < 5; i++) got += new TextDecoder().decode(await link.read(100));
      expect(got).toBe('hello');
      await link.close();
    } finally {
      await server.close();
    }
  });

  it('a serial path that does not exist is NO_ANSWER', async () => {
    const open = createNodeOpenLink({ portMap: new Map([['PORT7', '/dev/meterscope-missing']]) });
    await expect(open(device({ device: 'PORT7' }))).rejects.toMatchObject({ code: 'NO_ANSWER' });
  });
});
