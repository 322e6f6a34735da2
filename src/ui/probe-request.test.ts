import { describe, expect, it } from 'vitest';
import { normalizeServiceClassId } from '../transports/webserial/serial-api';
import { normalizeServiceUuid, requestSerialProbe, requestUsbProbe, serialRequestOptions, SPP_UUID, webUsbNeeded } from './probe-request';

const CUSTOM = '6e400001-b5a3-f393-e0a9-e50e24dcca9e';

describe('asking for a probe', () => {
  it('always allows the Serial Port Profile, and the custom service when it is valid', () => {
    expect(serialRequestOptions(undefined)).toEqual({ allowedBluetoothServiceClassIds: [SPP_UUID] });
    expect(serialRequestOptions(CUSTOM.toUpperCase())).toEqual({ allowedBluetoothServiceClassIds: [SPP_UUID, CUSTOM] });
    expect(serialRequestOptions('0x1101')).toEqual({ allowedBluetoothServiceClassIds: [SPP_UUID] });
    expect(serialRequestOptions('not a uuid')).toEqual({ allowedBluetoothServiceClassIds: [SPP_UUID] });
    // No filters: they would hide every USB adapter not listed.
    expect(serialRequestOptions(CUSTOM).filters).toBeUndefined();
  });

  it('the page and the worker read a typed service the same way', () => {
    for (const t of ['1101', '0x1101', '0000ABCD', CUSTOM, CUSTOM.toUpperCase(), ' 0xfe59 ', 'zz', '', '123', `${CUSTOM}0`]) {
      expect(normalizeServiceUuid(t)).toBe(normalizeServiceClassId(t));
    }
  });

  it('passes the options to requestPort and gives a Bluetooth port its position among twins', async () => {
    const seen: unknown[] = [];
    const bt = (id: string) => ({ getInfo: () => ({ bluetoothServiceClassId: id }) });
    const a = bt(SPP_UUID);
    const b = bt(SPP_UUID);
    const serial = { requestPort: async (o?: unknown) => (seen.push(o), b), getPorts: async () => [a, b] };
    await expect(requestSerialProbe(serial, CUSTOM)).resolves.toEqual({ info: { bluetoothServiceClassId: SPP_UUID }, index: 1 });
    expect(seen).toEqual([{ allowedBluetoothServiceClassIds: [SPP_UUID, CUSTOM] }]);
  });

  it('WebUSB: the chosen device as USB ids and its index; a closed chooser is no choice', async () => {
    const d1 = { vendorId: 0x0403, productId: 0x6001 };
    const d2 = { vendorId: 0x0403, productId: 0x6001 };
    const usb = { requestDevice: async () => d2, getDevices: async () => [d1, d2] };
    await expect(requestUsbProbe(usb, [{ vendorId: 0x0403 }])).resolves.toEqual({ info: { usbVendorId: 0x0403, usbProductId: 0x6001 }, index: 1 });
    const closed = { requestDevice: () => Promise.reject(new DOMException('none', 'NotFoundError')), getDevices: async () => [] };
    await expect(requestUsbProbe(closed, [])).resolves.toBeUndefined();
  });

  it('offers WebUSB only where Web Serial has no USB', () => {
    const usb = { requestDevice: () => undefined, getDevices: () => undefined };
    expect(webUsbNeeded({ userAgent: 'Mozilla/5.0 (Linux; Android 15; Pixel 8) Chrome/148', serial: {}, usb })).toBe(true);
    expect(webUsbNeeded({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/148', usb })).toBe(true);
    expect(webUsbNeeded({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/148', serial: {}, usb })).toBe(false);
    expect(webUsbNeeded({ userAgent: 'Mozilla/5.0 (Linux; Android 15) Firefox/140' })).toBe(false);
  });
});
