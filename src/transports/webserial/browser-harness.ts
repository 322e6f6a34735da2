/**
 * Scenarios the Chromium test (webserial.chromium.test.ts) runs inside a real browser page and a real
 * dedicated worker: the browser's own ReadableStream / WritableStream / EventTarget / WebSocket, not
 * Node's. Bundled by that test; not part of the app.
 */
import { realClock } from '../../core/real-clock';
import { validateConfig } from '../../config';
import { Engine } from '../../engine/engine';
import { createDriver } from '../../engine/drivers';
import { VirtualIecMeter } from '../../sim/iec/virtual-meter';
import { landisLikeModeC } from '../../sim/iec/profiles';
import { openBridgeLink } from '../websocket/bridge-link';
import { FakeSerial, FakeSerialPort } from './fake-serial-port';
import { PortDirectory } from './port-directory';
import { createWebSerialOpener } from './device-opener';

export interface IecScenarioResult {
  value: unknown;
  quality: string;
  opens: string[];
  unplugError: string;
}

/** An IEC 62056-21 mode C readout over the fake port (real time), then an unplug during a read. */
async function iecReadout(): Promise<IecScenarioResult> {
  const serial = new FakeSerial();
  const info = { usbVendorId: 0x0403, usbProductId: 0x6001 };
  const port = serial.plug(new FakeSerialPort({ clock: realClock, info, poweredBy: ['dtr', 'rts'] }));
  void new VirtualIecMeter({ ...landisLikeModeC(), maxBaud: 9600 }).serve(port.meter, realClock);
  const directory = new PortDirectory(serial);
  await directory.remember('PORT1', { info, index: 0 });
  const checked = validateConfig({
    devices: [{ name: 'IEC', device_alias: 'iec', protocol: 'IEC 62056-21', device: 'PORT1', baudrate: 300, databits: 7, parity: 'even', stopbits: 1, type: 'C' }],
    signals: [{ signal_name: 'Import', device_alias: 'iec', signal_alias: 'ai', tag_job_todo: '1.8.0', number_type: 'FLOAT' }],
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const open = createWebSerialOpener({ directory, clock: realClock });
  const engine = new Engine({ config: checked.config, clock: realClock, openLink: open, createDriver, onEvent: () => undefined });
  const readings = await engine.readOnce();
  await engine.stop();
  // Unplug while a read waits.
  const link = await open(checked.config.devices[0]);
  const pending = link.read(10_000).then(
    () => 'no error',
    (e: { code?: string }) => e.code ?? String(e),
  );
  setTimeout(() => port.unplug(), 50);
  const unplugError = await pending;
  await link.close();
  return {
    value: readings[0]?.value,
    quality: readings[0]?.quality ?? 'none',
    opens: port.opens.map((o) => `${o.baudRate} ${o.dataBits}${(o.parity ?? 'none')[0]}${o.stopBits}`),
    unplugError,
  };
}

/** Echo `size` bytes through the bridge with the browser's own WebSocket. */
async function bridgeEcho(url: string, token: string, target: string, size: number): Promise<{ ok: boolean; bytes: number }> {
  const link = await openBridgeLink({ url, token, target }, realClock);
  const data = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
  await link.write(data);
  const got: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; i < 10_000 && n < size; i++) {
    const chunk = await link.read(5000);
    if (chunk.length === 0) break;
    got.push(chunk);
    n += chunk.length;
  }
  await link.close();
  const all = new Uint8Array(n);
  let at = 0;
  for (const c of got) {
    all.set(c, at);
    at += c.length;
  }
  return { ok: n === size && all.every((b, i) => b === data[i]), bytes: n };
}

/** The error code when the bridge refuses (e.g. this page's origin is not allowed). */
async function bridgeRefused(url: string, token: string, target: string): Promise<string> {
  try {
    const link = await openBridgeLink({ url, token, target }, realClock);
    await link.close();
    return 'opened';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

(globalThis as { __meterscopeHarness?: unknown }).__meterscopeHarness = { iecReadout, bridgeEcho, bridgeRefused };
