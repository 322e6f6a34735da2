import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../core/real-clock';
import { VirtualClock } from '../../core/virtual-clock';
import { validateConfig } from '../../config';
import { Engine } from '../../engine/engine';
import { createDriver } from '../../engine/drivers';
import { SimDlmsMeter } from '../../sim/dlms/server';
import { createDemoDlmsModel } from '../../sim/dlms/model';
import { serveTcp } from '../node/tcp-link';
import { startBridge } from '../../bridge/server';
import { wsFactory } from '../../bridge/test-support';
import { BridgeLink, bridgeUrl, openBridgeLink, type WebSocketLike } from './bridge-link';
import { createBridgeOpener } from './device-opener';

/** A scripted socket: the test plays the server. */
class ScriptedSocket implements WebSocketLike {
  binaryType = 'blob';
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  sent: Uint8Array[] = [];
  closedWith?: number;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: Uint8Array) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  serverOpens() {
    this.readyState = 1;
    this.protocol = 'binary';
    this.onopen?.({});
  }
  serverCloses(code: number, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('BridgeLink', () => {
  it('puts token and target into the query, keeping what the URL already has (websockify ?token=)', () => {
    expect(bridgeUrl({ url: 'ws://127.0.0.1:8765', token: 'secret token', target: '10.0.0.5:4059' })).toBe('ws://127.0.0.1:8765/?token=secret+token&target=10.0.0.5%3A4059');
    expect(bridgeUrl({ url: 'wss://gw.example/websockify?token=meter1' })).toBe('wss://gw.example/websockify?token=meter1');
    expect(() => bridgeUrl({ url: 'http://127.0.0.1:8765' })).toThrow(/ws:\/\//);
    expect(() => bridgeUrl({ url: 'not a url' })).toThrow();
  });

  it('asks for the binary subprotocol, splits writes into capped messages, and delivers binary messages', async () => {
    const clock = new VirtualClock();
    let sock: ScriptedSocket | undefined;
    let protocols: string[] = [];
    const opening = openBridgeLink({ url: 'ws://h:1', createSocket: (u, p) => ((protocols = p), (sock = new ScriptedSocket(u))), maxMessageBytes: 4 }, clock);
    sock!.serverOpens();
    const link = await opening;
    expect(protocols).toEqual(['binary']);
    expect(sock!.binaryType).toBe('arraybuffer');
    expect(link.kind).toBe('stream');
    await link.write(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(sock!.sent.map((m) => Array.from(m))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    sock!.onmessage?.({ data: Uint8Array.of(0xaa, 0xbb).buffer });
    sock!.onmessage?.({ data: Uint8Array.of(0xcc).buffer });
    expect(Array.from(await link.read(0))).toEqual([0xaa, 0xbb, 0xcc]);
    await link.setLine({ baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 }); // no-op on a stream
    await link.close();
    expect(sock!.closedWith).toBe(1000);
    await expect(link.read(10)).rejects.toMatchObject({ code: 'PORT_LOST' });
  });

  it('a read timeout returns an empty array after maxWaitMs; bytes that come later are kept', async () => {
    const clock = new VirtualClock();
    let sock: ScriptedSocket | undefined;
    const opening = openBridgeLink({ url: 'ws://h:1', createSocket: (u) => (sock = new ScriptedSocket(u)) }, clock);
    sock!.serverOpens();
    const link = await opening;
    await clock.run(async () => {
      expect((await link.read(300)).length).toBe(0);
      expect(clock.now()).toBe(300);
      clock.schedule(50, () => sock!.onmessage?.({ data: Uint8Array.of(1).buffer }));
      clock.schedule(60, () => sock!.onmessage?.({ data: Uint8Array.of(2).buffer }));
      await clock.sleep(100);
      expect(Array.from(await link.read(10))).toEqual([1, 2]);
    });
  });

  it('fails with PORT_LOST when the bridge refuses the handshake, or does not answer in time', async () => {
    const clock = new VirtualClock();
    let sock: ScriptedSocket | undefined;
    const refused = openBridgeLink({ url: 'ws://h:1', createSocket: (u) => (sock = new ScriptedSocket(u)) }, clock);
    sock!.serverCloses(1006);
    await expect(refused).rejects.toMatchObject({ code: 'PORT_LOST', message: expect.stringContaining('token') });
    await clock.run(async () => {
      const silent = openBridgeLink({ url: 'ws://h:1', createSocket: (u) => new ScriptedSocket(u), openTimeoutMs: 2000 }, clock);
      await expect(silent).rejects.toMatchObject({ code: 'PORT_LOST', message: expect.stringContaining('2000 ms') });
    });
  });

  it('a text message (not a bridge, or websockify base64 mode) ends the link', async () => {
    let sock: ScriptedSocket | undefined;
    const opening = openBridgeLink({ url: 'ws://h:1', createSocket: (u) => (sock = new ScriptedSocket(u)) }, new VirtualClock());
    sock!.serverOpens();
    const link: BridgeLink = await opening;
    const lost: string[] = [];
    link.onLost = (r) => lost.push(r);
    sock!.onmessage?.({ data: 'AQID' });
    await expect(link.read(10)).rejects.toMatchObject({ code: 'PORT_LOST' });
    expect(sock!.closedWith).toBe(1003);
    expect(lost[0]).toContain('binary');
  });

  it('the IP opener says what to set up when Settings has no bridge', async () => {
    const open = createBridgeOpener({ settings: () => undefined, clock: new VirtualClock() });
    await expect(open({ device_alias: 'lan', ip: '10.0.0.5', port: 4059 })).rejects.toMatchObject({ code: 'PORT_LOST', message: expect.stringContaining('--allow 10.0.0.5:4059') });
  });

  it('the engine reads a DLMS wrapper meter on TCP through the real bridge (real sockets, loopback)', async () => {
    const meter = await serveTcp(0, '127.0.0.1', (link) => {
      void new SimDlmsMeter(realClock, { referencing: 'LN', model: createDemoDlmsModel(), lowPassword: 'secret12' }).serveWrapper(link).done.catch(() => undefined);
    });
    cleanups.push(() => meter.close());
    const bridge = await startBridge({ port: 0, allow: [`127.0.0.1:${meter.port}`], log: () => undefined });
    cleanups.push(() => bridge.close());
    const checked = validateConfig({
      devices: [{ name: 'LAN meter', device_alias: 'lan', protocol: 'DLMS', ip: '127.0.0.1', port: meter.port, mode: 'DLMS-WRAPPER', type: 'LN', auth: 'Low', password: 'secret12', client_address: 17, logical_address: 1 }],
      signals: [
        { signal_name: 'Import', device_alias: 'lan', signal_alias: 'ai', obis_job: '1.0.1.8.0.255' },
        { signal_name: 'Serial', device_alias: 'lan', signal_alias: 'sn', obis_job: '0.0.96.1.0.255', number_type: 'STRING' },
      ],
    });
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const engine = new Engine({
      config: checked.config,
      clock: realClock,
      openLink: createBridgeOpener({ settings: () => ({ url: bridge.url, token: bridge.token }), clock: realClock, createSocket: wsFactory() }),
      createDriver,
      onEvent: () => undefined,
    });
    const readings = await engine.readOnce();
    await engine.stop();
    expect(readings.find((r) => r.signal_alias === 'ai')).toMatchObject({ quality: 'good', unit: 'Wh' });
    expect(readings.find((r) => r.signal_alias === 'sn')).toMatchObject({ quality: 'good', value: '12345678' });
  });
});
