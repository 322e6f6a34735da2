import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../core/virtual-clock';
import { FakeSerial, FakeSerialPort } from './fake-serial-port';
import { createSimulatedSerial } from './simulated-serial';
import { PortDirectory, describePort, findPort, indexOfPort, listPorts, portKey, type RememberedPort } from './port-directory';

const FTDI = { usbVendorId: 0x0403, usbProductId: 0x6001 };
const CP2102 = { usbVendorId: 0x10c4, usbProductId: 0xea60 };

function store() {
  let saved: unknown;
  return { load: async () => saved, save: async (v: RememberedPort[]) => void (saved = structuredClone(v)) };
}

describe('PortDirectory', () => {
  const clock = new VirtualClock();

  it('the page requests a port, posts getInfo(); the worker finds the same object in getPorts()', async () => {
    const serial = new FakeSerial();
    const a = serial.plug(new FakeSerialPort({ clock, info: CP2102 }), false);
    const b = serial.plug(new FakeSerialPort({ clock, info: FTDI }), false);
    expect(await serial.getPorts()).toEqual([]);
    const chosen = await serial.requestPort({ filters: [{ usbVendorId: 0x0403 }] });
    expect(chosen).toBe(b);
    const info = structuredClone(chosen.getInfo()); // what crosses postMessage
    const index = await indexOfPort(chosen, serial);
    expect(await findPort(info, serial, index)).toBe(b);
    expect(await findPort(CP2102, serial)).toBeUndefined(); // not granted
    a.dispose();
    b.dispose();
  });

  it('tells two identical adapters apart by their order and labels them', async () => {
    const serial = new FakeSerial();
    const p0 = serial.plug(new FakeSerialPort({ clock, info: FTDI }));
    const p1 = serial.plug(new FakeSerialPort({ clock, info: FTDI }));
    const list = await listPorts(serial);
    expect(list.map((c) => c.key)).toEqual(['usb-0403:6001#0', 'usb-0403:6001#1']);
    expect(list[1].label).toBe('FTDI (0403:6001) #2');
    expect(await findPort(FTDI, serial, 1)).toBe(p1);
    expect(await indexOfPort(p1, serial)).toBe(1);
    expect(describePort(CP2102)).toBe('Silicon Labs CP210x (10c4:ea60)');
    expect(portKey({}, 0)).toBe('other:unknown#0');
    p0.dispose();
    p1.dispose();
  });

  it('remembers port names across visits and offers them again, marking absent devices', async () => {
    const s = store();
    const serial = new FakeSerial();
    const ftdi = serial.plug(new FakeSerialPort({ clock, info: FTDI }));
    const cp = serial.plug(new FakeSerialPort({ clock, info: CP2102 }));
    const first = new PortDirectory(serial, s);
    await first.remember('PORT1', { info: FTDI, index: 0 }, 1234);
    await first.remember('PORT2', { info: CP2102, index: 0 });
    await first.remember('PORT1', { info: FTDI, index: 0 }, 5678); // rebinding replaces

    // Next visit: a new directory over the same store; the CP2102 is not plugged in today.
    cp.unplug();
    const next = new PortDirectory(serial, s);
    const offered = await next.offered();
    expect(offered.remembered.map((r) => [r.name, r.available, r.lastUsed])).toEqual([
      ['PORT2', false, undefined],
      ['PORT1', true, 5678],
    ]);
    expect(offered.unassigned).toEqual([]);
    expect(await next.resolve('PORT1')).toBe(ftdi);
    expect(await next.resolve('PORT2')).toBeUndefined();
    await next.forget('PORT2');
    expect((await new PortDirectory(serial, s).load()).map((r) => r.name)).toEqual(['PORT1']);
    ftdi.dispose();
  });

  it('with nothing remembered, a single granted probe serves any name; two do not', async () => {
    const serial = new FakeSerial();
    const one = serial.plug(new FakeSerialPort({ clock, info: FTDI }));
    const dir = new PortDirectory(serial);
    expect(await dir.resolve('PORT7')).toBe(one);
    const two = serial.plug(new FakeSerialPort({ clock, info: CP2102 }));
    expect(await dir.resolve('PORT7')).toBeUndefined();
    expect((await dir.offered()).unassigned.map((u) => u.key)).toEqual(['usb-0403:6001#0', 'usb-10c4:ea60#0']);
    one.dispose();
    two.dispose();
  });

  it('ignores malformed stored entries', async () => {
    const serial = new FakeSerial();
    const dir = new PortDirectory(serial, { load: async () => [{ name: 'X' }, 42, null], save: async () => undefined });
    expect(await dir.load()).toEqual([]);
  });

  it('createSimulatedSerial plugs simulated meters, granted or waiting for requestPort()', async () => {
    const sim = createSimulatedSerial(clock, [{ kind: 'iec-mode-c' }, { kind: 'dlms-hdlc', granted: false }]);
    expect((await listPorts(sim.serial)).map((p) => p.label)).toEqual(['FTDI (0403:6001)']);
    const asked = await sim.serial.requestPort({ filters: [{ usbVendorId: 0x10c4 }] });
    expect(asked).toBe(sim.ports[1]);
    expect((await listPorts(sim.serial)).map((p) => p.key)).toEqual(['usb-0403:6001#0', 'usb-10c4:ea60#0']);
    sim.dispose();
  });
});
