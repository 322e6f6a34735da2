/**
 * A stand-in for a Web Serial `SerialPort` and for `navigator.serial`, backed by the memory wire
 * (src/core/memory-link.ts) with a simulator on the meter end. It behaves like Chromium where MeterScope
 * depends on it: open() rejects when already open; close() rejects while a stream is locked; open()
 * applies the options to its end of the wire, so a wrong baud rate or frame format really garbles;
 * a write resolves when the bytes are handed over (not when they have left the line), closing the
 * writable waits until they have; a non-fatal read error (ParityError...) is delivered after the data
 * before it and replaces `readable`; unplugging errors both streams with NetworkError, sets `readable` to
 * null and fires 'disconnect'. Bytes that arrive while the port is closed are lost, as on a real port.
 *
 * An optical head powered from DTR and/or RTS (`poweredBy`) passes no bytes while those signals are low.
 * Used by the Node tests and, through the app's transport seam, by the Chromium end-to-end tests.
 */
import type { Clock } from '../../core/clock';
import { LINE_300_7E1, type LineSettings } from '../../core/link';
import { createSerialPair, type MemoryLink, type SerialPair, type WireFaults } from '../../core/memory-link';
import { normalizeServiceClassId, SPP_SERVICE_CLASS_ID } from './serial-api';
import type { SerialLike, SerialOpenOptions, SerialOutputSignals, SerialPortInfo, SerialPortLike, SerialPortRequestOptions } from './serial-api';

export interface FakeSerialPortOptions {
  clock: Clock;
  /** What getInfo() answers (default an FTDI FT232R: 0403:6001). */
  info?: SerialPortInfo;
  /** The meter end's line at the start (default 300 7E1); the simulator switches it as a meter does. */
  meterLine?: LineSettings;
  /** The probe needs these signals high to pass bytes. */
  poweredBy?: ('dtr' | 'rts')[];
  latencyMs?: number;
  /**
   * A probe whose UART keeps this baud rate whatever open() asks: a Bluetooth SPP probe, where RFCOMM
   * carries no line rate to the probe. The frame format still follows open(). Default: follows open().
   */
  fixedBaudRate?: number;
  /** Characters the adapter may hold back before handing them on (the memory wire's burstChars; default 64). */
  burstChars?: number;
}

type Item = { kind: 'data'; bytes: Uint8Array } | { kind: 'error'; error: DOMException; fatal: boolean };

/** One `readable` generation: a pull source with its own queue, so an error comes after the data before it. */
class FakeSource {
  private items: Item[] = [];
  private wake?: () => void;
  private ended = false;
  readonly stream: ReadableStream<Uint8Array>;

  constructor(onError: (item: Item & { kind: 'error' }) => void) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (this.items.length === 0 && !this.ended) await new Promise<void>((r) => (this.wake = r));
          const item = this.items.shift();
          if (!item) return controller.close();
          if (item.kind === 'data') controller.enqueue(item.bytes);
          else {
            controller.error(item.error);
            onError(item);
          }
        },
        cancel: () => this.end(),
      },
      { highWaterMark: 0 },
    );
  }

  push(item: Item): void {
    if (this.ended) return;
    this.items.push(item);
    this.kick();
  }

  /** Close: a pending read gets done. */
  end(): void {
    this.ended = true;
    this.items = [];
    this.kick();
  }

  private kick(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

export class FakeSerialPort extends EventTarget implements SerialPortLike {
  /** The meter end of the wire: hand it to a simulator (`VirtualIecMeter.serve`, `SimDlmsMeter.serveHdlc`). */
  readonly meter: MemoryLink;
  readonly faults: WireFaults;
  /** Every open()'s options, in order (tests check the baud switches). */
  readonly opens: SerialOpenOptions[] = [];
  readonly signals = { dataTerminalReady: false, requestToSend: false };
  /** Bytes that reached the closed or unpowered port and were dropped. */
  dropped = 0;

  private readonly pair: SerialPair;
  private readonly client: MemoryLink;
  private readonly info: SerialPortInfo;
  private source?: FakeSource;
  private readableNow: ReadableStream<Uint8Array> | null = null;
  private writableNow: WritableStream<Uint8Array> | null = null;
  private writableCtrl?: WritableStreamDefaultController;
  private isOpen = false;
  private plugged = true;
  /** Resolves when the last handed-over write has left the line. */
  private txDone: Promise<void> = Promise.resolve();

  constructor(private readonly opts: FakeSerialPortOptions) {
    super();
    this.info = { ...(opts.info ?? { usbVendorId: 0x0403, usbProductId: 0x6001 }) };
    this.pair = createSerialPair(opts.clock, { line: opts.meterLine ?? LINE_300_7E1, latencyMs: opts.latencyMs ?? 0, burstChars: opts.burstChars ?? 64 });
    this.meter = this.pair.meter;
    this.client = this.pair.client;
    this.faults = this.pair.faults;
    void this.deliverLoop();
  }

  get readable(): ReadableStream<Uint8Array> | null {
    return this.readableNow;
  }

  get writable(): WritableStream<Uint8Array> | null {
    return this.writableNow;
  }

  get opened(): boolean {
    return this.isOpen;
  }

  get connected(): boolean {
    return this.plugged;
  }

  getInfo(): SerialPortInfo {
    return { ...this.info };
  }

  async open(o: SerialOpenOptions): Promise<void> {
    if (!this.plugged) throw new DOMException('The device has been lost.', 'NetworkError');
    if (this.isOpen) throw new DOMException('The port is already open.', 'InvalidStateError');
    if (!Number.isInteger(o.baudRate) || o.baudRate <= 0) throw new TypeError('Requested baud rate must be greater than zero.');
    const dataBits = o.dataBits ?? 8;
    const stopBits = o.stopBits ?? 1;
    if (dataBits !== 7 && dataBits !== 8) throw new TypeError('Requested number of data bits must be 7 or 8.');
    if (stopBits !== 1 && stopBits !== 2) throw new TypeError('Requested number of stop bits must be 1 or 2.');
    this.opens.push({ ...o });
    await this.client.setLine({ baudRate: this.opts.fixedBaudRate ?? o.baudRate, dataBits, parity: o.parity ?? 'none', stopBits });
    this.isOpen = true;
    this.newReadable();
    this.writableNow = new WritableStream<Uint8Array>({
      start: (c) => {
        this.writableCtrl = c;
      },
      write: (chunk) => {
        if (!this.isOpen) throw new DOMException('The port is closed.', 'InvalidStateError');
        if (!this.powered()) {
          this.dropped += chunk.length;
          return;
        }
        // Handed to the "OS": the transmission goes on in the background.
        this.txDone = this.client.write(chunk.slice()).catch(() => undefined);
      },
      // Closing drains the transmit buffer; abort would discard it (the memory wire cannot take bytes back).
      close: () => this.txDone,
    });
  }

  async close(): Promise<void> {
    if (!this.isOpen) throw new DOMException('The port is already closed.', 'InvalidStateError');
    if (this.readableNow?.locked || this.writableNow?.locked) throw new TypeError('Cannot cancel a locked stream');
    this.source?.end();
    this.source = undefined;
    const writable = this.writableNow;
    this.readableNow = null;
    this.writableNow = null;
    if (writable && this.plugged) await writable.close().catch(() => undefined);
    this.isOpen = false;
  }

  async setSignals(s: SerialOutputSignals): Promise<void> {
    if (!this.isOpen) throw new DOMException('The port is closed.', 'InvalidStateError');
    if (s.dataTerminalReady !== undefined) this.signals.dataTerminalReady = s.dataTerminalReady;
    if (s.requestToSend !== undefined) this.signals.requestToSend = s.requestToSend;
  }

  /** A non-fatal receive error (ParityError, FramingError, BreakError, BufferOverrunError). */
  simulateReadError(name = 'ParityError'): void {
    this.source?.push({ kind: 'error', error: new DOMException('Simulated receive error.', name), fatal: false });
  }

  /** Pull the USB plug: the meter end (and its simulator) stops too. A replugged device is a new port. */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    const lost = new DOMException('The device has been lost.', 'NetworkError');
    this.source?.push({ kind: 'error', error: lost, fatal: true });
    this.source = undefined;
    this.readableNow = null;
    this.writableCtrl?.error(lost);
    this.writableNow = null;
    this.pair.unplug();
    this.dispatchEvent(new Event('disconnect', { bubbles: true }));
  }

  /** End the simulation without an event (test clean-up). */
  dispose(): void {
    this.plugged = false;
    this.source?.end();
    void this.client.close();
  }

  private powered(): boolean {
    const need = this.opts.poweredBy ?? [];
    return (!need.includes('dtr') || this.signals.dataTerminalReady) && (!need.includes('rts') || this.signals.requestToSend);
  }

  private newReadable(): void {
    const source = new FakeSource((item) => {
      // Chromium replaces readable after a non-fatal error; after a fatal one it stays null.
      if (!item.fatal && this.source === source && this.isOpen) this.newReadable();
    });
    this.source = source;
    this.readableNow = source.stream;
  }

  /** Moves bytes from the wire to the open readable; drops them while closed or unpowered. */
  private async deliverLoop(): Promise<void> {
    for (;;) {
      let bytes: Uint8Array;
      try {
        bytes = await this.client.read(60_000);
      } catch {
        return; // the wire was unplugged or disposed
      }
      if (bytes.length === 0) continue;
      if (this.isOpen && this.source && this.powered()) this.source.push({ kind: 'data', bytes });
      else this.dropped += bytes.length;
    }
  }
}

/** A stand-in for `navigator.serial`: ports the user has granted, plug and unplug. */
export class FakeSerial extends EventTarget implements SerialLike {
  private readonly ports: { port: FakeSerialPort; granted: boolean }[] = [];

  /** Connect a device. `granted` = the user allowed it on an earlier visit (getPorts() lists it). */
  plug(port: FakeSerialPort, granted = true): FakeSerialPort {
    this.ports.push({ port, granted });
    port.addEventListener('disconnect', () => {
      const i = this.ports.findIndex((p) => p.port === port);
      if (i >= 0) this.ports.splice(i, 1);
      this.dispatchEvent(new Event('disconnect'));
    });
    this.dispatchEvent(new Event('connect'));
    return port;
  }

  async getPorts(): Promise<FakeSerialPort[]> {
    return this.ports.filter((p) => p.granted).map((p) => p.port);
  }

  /**
   * The chooser: the first connected port matching the filters, as if the user picked it. As in Chromium,
   * a Bluetooth port whose service is not SPP is offered only when listed in allowedBluetoothServiceClassIds.
   */
  async requestPort(options: SerialPortRequestOptions = {}): Promise<FakeSerialPort> {
    const filters = options.filters ?? [];
    const allowed = new Set([SPP_SERVICE_CLASS_ID, ...(options.allowedBluetoothServiceClassIds ?? []).map((id) => normalizeServiceClassId(id))]);
    const service = (info: SerialPortInfo) => (info.bluetoothServiceClassId === undefined ? undefined : normalizeServiceClassId(info.bluetoothServiceClassId));
    const match = this.ports.find(({ port }) => {
      const info = port.getInfo();
      const s = service(info);
      if (s !== undefined && !allowed.has(s)) return false;
      return (
        filters.length === 0 ||
        filters.some(
          (f) =>
            (f.usbVendorId === undefined || f.usbVendorId === info.usbVendorId) &&
            (f.usbProductId === undefined || f.usbProductId === info.usbProductId) &&
            (f.bluetoothServiceClassId === undefined || normalizeServiceClassId(f.bluetoothServiceClassId) === s),
        )
      );
    });
    if (!match) throw new DOMException('No port selected by the user.', 'NotFoundError');
    match.granted = true;
    return match.port;
  }
}
