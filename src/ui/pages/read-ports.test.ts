import { describe, expect, it } from 'vitest';
import { choosePort, configPortNames, describePort, hasWebSerial, type SerialLike } from './read-ports';

describe('describePort', () => {
  it('names the usual optical-probe chips', () => {
    expect(describePort({ usbVendorId: 0x0403, usbProductId: 0x6001 })).toBe('FTDI (USB 0403:6001)');
    expect(describePort({ usbVendorId: 0x1a86, usbProductId: 0x7523 })).toBe('WCH CH340 (USB 1a86:7523)');
  });
  it('falls back to the ids, or says it is not USB', () => {
    expect(describePort({ usbVendorId: 0x1234, usbProductId: 1 })).toBe('USB 1234:0001');
    expect(describePort({})).toBe('Serial port (not USB)');
  });
});

const port = (usbVendorId: number, usbProductId: number) => ({ getInfo: () => ({ usbVendorId, usbProductId }) });

describe('choosePort', () => {
  it('gives the chosen port its position among granted twins, for the worker to find it', async () => {
    const a = port(0x0403, 0x6001);
    const other = port(0x10c4, 0xea60);
    const b = port(0x0403, 0x6001);
    const serial: SerialLike = { requestPort: async () => b, getPorts: async () => [a, other, b] };
    await expect(choosePort(serial)).resolves.toEqual({ info: { usbVendorId: 0x0403, usbProductId: 0x6001 }, index: 1 });
  });
  it('treats a closed picker as no choice, and other failures as errors', async () => {
    const closed: SerialLike = { requestPort: async () => Promise.reject(Object.assign(new Error('none'), { name: 'NotFoundError' })), getPorts: async () => [] };
    await expect(choosePort(closed)).resolves.toBeUndefined();
    const broken: SerialLike = { requestPort: async () => Promise.reject(new Error('SecurityError')), getPorts: async () => [] };
    await expect(choosePort(broken)).rejects.toThrow('SecurityError');
  });
  it('says plainly when there is no Web Serial (Node has none)', async () => {
    expect(hasWebSerial()).toBe(false);
    await expect(choosePort()).rejects.toThrow(/no Web Serial/);
  });
});

describe('configPortNames', () => {
  it('lists serial port names once, leaving out TCP devices and the demo ports', () => {
    const raw = JSON.stringify({
      devices: [
        { device_alias: 'a', device: 'PORT1' },
        { device_alias: 'b', device: 'PORT1' },
        { device_alias: 'c', device: '/dev/ttyUSB0' },
        { device_alias: 'd', device: 'PORT2', ip: '10.0.0.5', port: 4059 },
        { device_alias: 'e', device: 'DEMO-DLMS' },
      ],
    });
    expect(configPortNames(raw)).toEqual(['PORT1', '/dev/ttyUSB0']);
    expect(configPortNames('nope')).toEqual([]);
  });
});
