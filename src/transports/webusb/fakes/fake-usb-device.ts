/**
 * A fake WebUSB `USBDevice` with a USB serial chip inside (a ChipModel) and a memory wire behind the chip's
 * UART (src/core/memory-link.ts): the meter end of the wire goes to a simulator. It is strict where Chrome
 * and the silicon are:
 * - transfers need the device opened and the interface claimed (InvalidStateError otherwise), on an
 *   endpoint the interface has (NotFoundError);
 * - every control transfer is recorded; one the chip does not know STALLs and is listed in `unexpected`;
 * - the client end of the wire runs at the rate and frame the chip was really programmed to (decoded from
 *   its registers), so a wrong divisor or parity garbles data as on a real line; a line change while
 *   output still waits in the chip is listed in `violations`;
 * - bulk in is framed as the chip does it (FTDI status bytes, latency timer, packet sizes, short and
 *   zero-length packets);
 * - unplug: pending transfers reject (NetworkError), later calls fail (NotFoundError), 'disconnect' fires.
 * Free of Node APIs: the browser e2e uses it too.
 */
import type { Clock } from '../../../core/clock';
import { type LineSettings, LINE_9600_8N1 } from '../../../core/link';
import { createSerialPair, type MemoryLink, type SerialPair } from '../../../core/memory-link';
import type { ControlSetup } from '../chip-driver';
import type { UsbDeviceLike } from '../usb-device';
import type { ChipModel, ControlRecord } from './chip-model';
import { FakeUsbDescriptors } from './fake-descriptors';

export interface FakeUsbOptions {
  clock: Clock;
  /** The probe passes no bytes unless these modem lines are high (optical heads powered from DTR/RTS). */
  poweredBy?: ('dtr' | 'rts')[];
  /** Most max-size packets in one bulk-in transfer the fake hands back (default: as many as asked for). */
  maxPacketsPerTransfer?: number;
  /** End a transfer of only full packets with a separate zero-length packet (as CDC devices do). */
  zeroLengthPackets?: boolean;
  latencyMs?: number;
  /** Interfaces another driver holds (Android's kernel, another tab): claiming them fails as in Chrome. */
  busyInterfaces?: number[];
}

type Pending = { resolve: (r: USBInTransferResult) => void; reject: (e: unknown) => void };

/** Listeners of the fake `navigator.usb` ('disconnect'), wired by FakeUsb. */
export type DisconnectListener = (device: FakeUsbDevice) => void;

export class FakeUsbDevice extends FakeUsbDescriptors implements UsbDeviceLike {
  readonly controlLog: ControlRecord[] = [];
  /** Requests the chip STALLed, with the reason. */
  readonly unexpected: (ControlRecord & { why: string })[] = [];
  /** Misuse the chip would punish on a real line (a line change with output pending...). */
  readonly violations: string[] = [];
  /** Every line the UART was programmed to, in order (the power-on line first). */
  readonly lineHistory: LineSettings[] = [];
  readonly pair: SerialPair;
  opened = false;
  private gone = false;
  private rxFifo: number[] = [];
  private pendingIn?: Pending;
  private pendingTimer?: () => void;
  private zlpDue = false;
  onDisconnect?: DisconnectListener;

  constructor(
    model: ChipModel,
    private readonly opts: FakeUsbOptions,
  ) {
    super(model);
    // burstChars 1: the chip's receiver takes each character as it arrives; its own framing (packets,
    // latency timer) decides when the host sees them.
    this.pair = createSerialPair(opts.clock, { line: model.uart() ?? LINE_9600_8N1, burstChars: 1, ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}) });
    const initial = model.uart();
    if (initial) this.lineHistory.push(initial);
    void this.receive();
  }

  /** The simulator's end of the wire. */
  get meter(): MemoryLink {
    return this.pair.meter;
  }

  // --- device state ------------------------------------------------------------------------------------
  async open(): Promise<void> {
    this.assertPresent();
    this.opened = true;
  }

  async close(): Promise<void> {
    this.assertPresent();
    this.opened = false;
    this.claimed.clear();
    this.failPending(new DOMException('The transfer was cancelled.', 'AbortError'));
  }

  async selectConfiguration(value: number): Promise<void> {
    this.assertOpened();
    if (value !== 1) throw new DOMException('The configuration value provided is not supported by the device.', 'NotFoundError');
    this.configured = true;
  }

  async claimInterface(n: number): Promise<void> {
    this.assertOpened();
    if (!this.model.descriptor.interfaces.some((i) => i.interfaceNumber === n)) throw new DOMException('The interface number provided is not supported by the device in its current configuration.', 'NotFoundError');
    if (this.opts.busyInterfaces?.includes(n)) throw new DOMException('Unable to claim interface.', 'NetworkError');
    this.claimed.add(n);
  }

  async releaseInterface(n: number): Promise<void> {
    this.assertOpened();
    this.claimed.delete(n);
    if (this.pendingIn && this.interfaceOf(this.model.bulkIn, 'in') === n) this.failPending(new DOMException('The transfer was cancelled.', 'AbortError'));
  }

  async clearHalt(direction: USBDirection, endpointNumber: number): Promise<void> {
    this.assertOpened();
    this.endpointInterface(endpointNumber, direction);
    if (direction === 'in' && endpointNumber === this.model.bulkIn) this.inHalted = false;
    this.clearHalts++;
  }

  /** Fault: the bulk-in endpoint halts; every transfer STALLs until the host clears the halt. */
  haltBulkIn(): void {
    this.inHalted = true;
    if (this.pendingIn) this.stallPending();
  }

  private inHalted = false;
  /** How many CLEAR_FEATURE(ENDPOINT_HALT) the host sent. */
  clearHalts = 0;

  private stallPending(): void {
    const p = this.pendingIn;
    this.pendingIn = undefined;
    this.pendingTimer?.();
    this.pendingTimer = undefined;
    p?.resolve({ status: 'stall' } as USBInTransferResult);
  }

  /** Pull the plug: pending transfers fail, the wire is cut, 'disconnect' fires. */
  unplug(): void {
    if (this.gone) return;
    this.gone = true;
    this.failPending(new DOMException('A transfer error has occurred.', 'NetworkError'));
    this.pair.unplug();
    this.onDisconnect?.(this);
  }

  get unplugged(): boolean {
    return this.gone;
  }

  // --- control -----------------------------------------------------------------------------------------
  async controlTransferOut(setup: USBControlTransferParameters, data?: BufferSource): Promise<USBOutTransferResult> {
    this.assertControl(setup);
    const bytes = data ? toBytes(data) : new Uint8Array(0);
    const before = this.model.uart();
    const outcome = this.model.controlOut(setup, bytes);
    const record: ControlRecord = { direction: 'out', ...pickSetup(setup), ...(bytes.length ? { data: [...bytes] } : {}), status: outcome.status };
    this.controlLog.push(record);
    if (outcome.status === 'stall') {
      this.unexpected.push({ ...record, why: outcome.why });
      return { status: 'stall', bytesWritten: 0 } as USBOutTransferResult;
    }
    this.applyUart(before);
    return { status: 'ok', bytesWritten: bytes.length } as USBOutTransferResult;
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.assertControl(setup);
    const outcome = this.model.controlIn(setup, length);
    const record: ControlRecord = { direction: 'in', ...pickSetup(setup), length, status: outcome.status };
    this.controlLog.push(record);
    if (outcome.status === 'stall') {
      this.unexpected.push({ ...record, why: outcome.why });
      return { status: 'stall' } as USBInTransferResult;
    }
    const out = outcome.data.slice(0, length);
    return { status: 'ok', data: new DataView(out.buffer, out.byteOffset, out.byteLength) } as USBInTransferResult;
  }

  // --- bulk --------------------------------------------------------------------------------------------
  async transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    this.assertTransfer(endpointNumber, 'out');
    const bytes = toBytes(data);
    if (endpointNumber !== this.model.bulkOut) throw new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError');
    if (this.model.uart() && this.powered()) {
      // The chip's transmitter sends at the programmed settings; MemoryLink times every character.
      void this.pair.client.write(bytes).catch(() => undefined);
    }
    return { status: 'ok', bytesWritten: bytes.length } as USBOutTransferResult;
  }

  async transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    this.assertTransfer(endpointNumber, 'in');
    if (endpointNumber !== this.model.bulkIn) throw new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError');
    if (this.pendingIn) throw new DOMException('A transfer is already pending on this endpoint.', 'InvalidStateError');
    if (this.inHalted) return { status: 'stall' } as USBInTransferResult;
    return new Promise<USBInTransferResult>((resolve, reject) => {
      this.pendingIn = { resolve, reject };
      this.serveIn(length);
    });
  }

  // --- internals ---------------------------------------------------------------------------------------
  /** The chip's UART receiver: always on, bytes go to its FIFO (dropped while disabled or unpowered). */
  private async receive(): Promise<void> {
    for (;;) {
      let bytes: Uint8Array;
      try {
        bytes = await this.pair.client.read(3_600_000);
      } catch {
        return; // the wire was cut
      }
      if (bytes.length === 0 || !this.model.uart() || !this.powered()) continue;
      for (const b of bytes) this.rxFifo.push(b);
      if (this.pendingIn) this.serveIn(this.pendingLength);
    }
  }

  private pendingLength = 0;
  /** When the chip last sent a bulk-in packet (FTDI's latency timer runs from there). */
  private lastSentAt = 0;

  /** Answer the pending bulk-in transfer when the chip would send something, else wait for a reason to. */
  private serveIn(length: number): void {
    this.pendingLength = length;
    if (!this.pendingIn) return;
    if (this.zlpDue) {
      this.zlpDue = false;
      return this.finishIn(new Uint8Array(0));
    }
    const clock = this.opts.clock;
    const framing = this.model.bulkInFraming();
    const size = this.model.packetSize;
    const status = framing.statusBytes ?? new Uint8Array(0);
    const perPacket = size - status.length;
    const full = this.rxFifo.length >= perPacket;
    let ready: boolean;
    if (framing.flushMs > 0) {
      // A full packet leaves at once; anything else (even nothing: a status-only packet) when the timer runs out.
      const due = this.lastSentAt + framing.flushMs;
      ready = full || clock.now() >= due;
      if (!ready && !this.pendingTimer) {
        this.pendingTimer = clock.schedule(due - clock.now(), () => {
          this.pendingTimer = undefined;
          this.serveIn(this.pendingLength);
        });
      }
    } else {
      ready = framing.holdShortPackets ? full : this.rxFifo.length > 0;
    }
    if (!ready) return;
    const maxPackets = Math.max(1, Math.min(Math.floor(length / size), this.opts.maxPacketsPerTransfer ?? Infinity));
    const out: number[] = [];
    let lastFull = false;
    for (let packets = 0; packets < maxPackets; packets++) {
      const take = Math.min(perPacket, this.rxFifo.length);
      if (framing.holdShortPackets && take < perPacket) break;
      for (const b of status) out.push(b);
      for (let i = 0; i < take; i++) out.push(this.rxFifo.shift() as number);
      lastFull = take === perPacket;
      if (!lastFull || this.rxFifo.length === 0) break; // a short packet ends the transfer
    }
    if (lastFull && this.opts.zeroLengthPackets && out.length < length) this.zlpDue = true;
    this.lastSentAt = clock.now();
    this.finishIn(Uint8Array.from(out));
  }

  private finishIn(bytes: Uint8Array): void {
    const p = this.pendingIn;
    this.pendingIn = undefined;
    this.pendingTimer?.();
    this.pendingTimer = undefined;
    const buf = bytes.slice();
    p?.resolve({ status: 'ok', data: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) } as USBInTransferResult);
  }

  private failPending(e: unknown): void {
    const p = this.pendingIn;
    this.pendingIn = undefined;
    this.pendingTimer?.();
    this.pendingTimer = undefined;
    p?.reject(e);
  }

  /** After a control request: move the wire's client end to what the UART now runs at. */
  private applyUart(before: LineSettings | undefined): void {
    const now = this.model.uart();
    if (!now || (before && sameSettings(before, now))) return;
    const client = this.pair.client;
    const pendingMs = client.transmitterFreeAt - this.opts.clock.now();
    if (before && pendingMs > 0) {
      this.violations.push(`${this.model.name}: line changed to ${now.baudRate} ${now.dataBits}${now.parity[0]}${now.stopBits} with ${pendingMs.toFixed(1)} ms of output still in the chip`);
    }
    client.line = { ...now };
    this.lineHistory.push({ ...now });
  }

  private powered(): boolean {
    for (const s of this.opts.poweredBy ?? []) if (!(s === 'dtr' ? this.model.dtr : this.model.rts)) return false;
    return true;
  }

  private assertPresent(): void {
    if (this.gone) throw new DOMException('The device was disconnected.', 'NotFoundError');
  }

  private assertOpened(): void {
    this.assertPresent();
    if (!this.opened) throw new DOMException('The device must be opened first.', 'InvalidStateError');
  }

  private assertControl(setup: USBControlTransferParameters): void {
    this.assertOpened();
    if (setup.recipient === 'interface' && !this.claimed.has(setup.index & 0xff)) {
      throw new DOMException('The specified interface has not been claimed.', 'InvalidStateError');
    }
  }

  private assertTransfer(endpointNumber: number, direction: USBDirection): void {
    this.assertOpened();
    const itf = this.endpointInterface(endpointNumber, direction);
    if (!this.claimed.has(itf)) throw new DOMException('The specified endpoint is not part of a claimed and selected alternate interface.', 'NotFoundError');
  }

  private endpointInterface(endpointNumber: number, direction: USBDirection): number {
    const n = this.interfaceOf(endpointNumber, direction);
    if (n === undefined) throw new DOMException('The specified endpoint number is out of range.', 'NotFoundError');
    return n;
  }

  private interfaceOf(endpointNumber: number, direction: USBDirection): number | undefined {
    return this.model.descriptor.interfaces.find((i) => i.endpoints.some((e) => e.endpointNumber === endpointNumber && e.direction === direction))?.interfaceNumber;
  }
}

function pickSetup(s: USBControlTransferParameters): ControlSetup {
  return { requestType: s.requestType, recipient: s.recipient, request: s.request, value: s.value, index: s.index };
}

function toBytes(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

function sameSettings(a: LineSettings, b: LineSettings): boolean {
  return a.baudRate === b.baudRate && a.dataBits === b.dataBits && a.parity === b.parity && a.stopBits === b.stopBits;
}
