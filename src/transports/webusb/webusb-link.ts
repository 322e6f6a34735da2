/**
 * A Link over a USB serial adapter driven from user space through WebUSB (Android Chrome, where Web
 * Serial has no USB ports). The chip driver (ftdi.ts, cp210x.ts, ...) programs the UART; this file owns
 * the byte flow and its timing, with the same contract as the Web Serial link:
 * - a pump keeps one bulk-in transfer pending all the time and pushes the payload (FTDI status bytes
 *   stripped by the driver) into an RxBuffer; `read(maxWaitMs)` waits on that buffer with the Clock, so a
 *   timeout never cancels a transfer and no byte is lost between reads;
 * - `write` resolves once the bytes have left the line (transfer done + their character time), so a baud
 *   switch after it cannot cut them;
 * - `setLine` waits for that, then reprograms the chip in place (no reopen: the interface stays claimed);
 * - unplug (a transfer rejects, or `navigator.usb` fires 'disconnect' for this device) fails pending and
 *   later reads with PORT_LOST and calls onLost once.
 */
import type { Clock } from '../../core/clock';
import { MeterError } from '../../core/errors';
import { charTimeMs, type LineSettings, type Link } from '../../core/link';
import { realClock } from '../../core/real-clock';
import { RxBuffer } from '../webserial/rx-buffer';
import { describeLine, sameLine } from '../webserial/webserial-link';
import { usbError, type ChipDriver, type ModemSignals } from './chip-driver';
import { createChipDriver } from './drivers';
import { identifyChip, type UsbSerialChip } from './known-devices';
import type { UsbDeviceLike, UsbEventSource } from './usb-device';

export interface WebUsbLinkOptions {
  clock?: Clock;
  /** Raise DTR (default true): optical heads are often powered from it. */
  dtr?: boolean;
  /** Raise RTS (default true). */
  rts?: boolean;
  /** Driver-level diagnostics (chip found, line programmed). Never receives payload bytes. */
  onTrace?: (s: string) => void;
  /** Where 'disconnect' fires (`navigator.usb` in the page or worker; the fake's stand-in in tests). */
  usb?: UsbEventSource;
  /** Force the chip instead of identifying it (a probe with a VID/PID of its own). */
  chip?: UsbSerialChip;
  /** Most unread bytes held (rx-limits.ts); past it a read fails with LENGTH. */
  rxLimitBytes?: number;
  /** Max-size packets asked for per bulk-in transfer (default 8). */
  packetsPerTransfer?: number;
}

type State = 'open' | 'lost' | 'closed';

export interface WebUsbStats {
  transfersIn: number;
  bytesIn: number;
  bytesOut: number;
}

export async function openWebUsbLink(device: UsbDeviceLike, line: LineSettings, opts: WebUsbLinkOptions = {}): Promise<WebUsbLink> {
  const chip = opts.chip ?? identifyChip(device);
  if (!chip) {
    throw new MeterError('UNSUPPORTED', `The USB device ${device.vendorId.toString(16)}:${device.productId.toString(16)} is not a USB serial adapter MeterScope knows (FTDI, CP210x, CH34x, PL2303, CDC-ACM).`);
  }
  const driver = createChipDriver(chip, device);
  const signals = { dtr: opts.dtr ?? true, rts: opts.rts ?? true };
  try {
    await driver.open({ ...line }, signals);
  } catch (e) {
    // Release what was claimed, so the next attempt (or another app) finds the device free.
    await driver.close();
    throw usbError(e, 'opening the adapter');
  }
  opts.onTrace?.(`USB serial ${driver.variant} open at ${describeLine(line)}, DTR ${signals.dtr ? 'on' : 'off'}, RTS ${signals.rts ? 'on' : 'off'}`);
  return new WebUsbLink(device, driver, line, { ...opts, usb: opts.usb ?? defaultUsb() });
}

/** `navigator.usb` where there is one (window or worker), so 'disconnect' reaches the link by default. */
function defaultUsb(): UsbEventSource | undefined {
  const nav = (globalThis as { navigator?: { usb?: UsbEventSource } }).navigator;
  return nav?.usb;
}

export class WebUsbLink implements Link {
  readonly kind = 'serial' as const;
  onLost?: (reason: string) => void;
  readonly stats: WebUsbStats = { transfersIn: 0, bytesIn: 0, bytesOut: 0 };
  private lineNow: LineSettings;
  private state: State = 'open';
  private readonly rx: RxBuffer;
  private readonly clock: Clock;
  private txFreeAt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pumpDone: Promise<void>;
  private readonly onDisconnect = (ev: { device: unknown }) => {
    if (ev.device === this.device) this.lose('The USB serial adapter was unplugged.');
  };

  /** @internal use openWebUsbLink */
  constructor(
    readonly device: UsbDeviceLike,
    readonly driver: ChipDriver,
    line: LineSettings,
    private readonly opts: WebUsbLinkOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.lineNow = { ...line };
    this.rx = new RxBuffer(opts.rxLimitBytes);
    this.txFreeAt = this.clock.now();
    opts.usb?.addEventListener('disconnect', this.onDisconnect);
    this.pumpDone = this.pump();
  }

  get line(): LineSettings {
    return { ...this.lineNow };
  }

  /** Which chip driver runs this link ("FT232R", "CP210x", "CH340 v0x31"...). */
  get variant(): string {
    return this.driver.variant;
  }

  write(bytes: Uint8Array): Promise<void> {
    const copy = bytes.slice();
    return this.serialize(async () => {
      this.assertOpen();
      if (copy.length === 0) return;
      const start = Math.max(this.clock.now(), this.txFreeAt);
      this.txFreeAt = start + copy.length * charTimeMs(this.lineNow);
      let result: USBOutTransferResult;
      try {
        result = await this.device.transferOut(this.driver.bulkOut.endpointNumber, copy);
      } catch (e) {
        const err = usbError(e, 'bulk out');
        this.lose(err.message);
        throw this.lostError();
      }
      if (result.status !== 'ok' || result.bytesWritten !== copy.length) {
        const why = `The USB serial adapter took ${result.bytesWritten} of ${copy.length} bytes (${result.status}).`;
        this.lose(why);
        throw this.lostError();
      }
      this.stats.bytesOut += copy.length;
      await this.waitTransmitted();
      this.assertOpen();
    });
  }

  read(maxWaitMs: number): Promise<Uint8Array> {
    if (this.state !== 'open') return Promise.reject(this.lostError());
    return this.rx.read(this.clock, Math.max(0, maxWaitMs));
  }

  setLine(settings: LineSettings): Promise<void> {
    const next = { ...settings };
    return this.serialize(async () => {
      this.assertOpen();
      if (sameLine(next, this.lineNow)) return;
      // The chip changes its UART at once: bytes still in its transmit FIFO would leave at the new rate.
      await this.waitTransmitted();
      this.assertOpen();
      try {
        await this.driver.setLine(next);
      } catch (e) {
        const err = usbError(e, `setting ${describeLine(next)}`);
        if (err.code === 'PORT_LOST') {
          this.lose(err.message);
          throw this.lostError();
        }
        throw err;
      }
      this.lineNow = next;
      this.opts.onTrace?.(`USB serial line now ${describeLine(next)}`);
    });
  }

  /** Raise or drop DTR/RTS (an optical head powered from them is reset by a drop). */
  setSignals(signals: ModemSignals): Promise<void> {
    return this.serialize(async () => {
      this.assertOpen();
      await this.driver.setSignals(signals);
    });
  }

  discardInput(): void {
    this.rx.clear();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.rx.fail(new MeterError('PORT_LOST', 'The link is closed.'));
    this.opts.usb?.removeEventListener('disconnect', this.onDisconnect);
    await this.queue.catch(() => undefined);
    // Closing the device aborts the pending bulk-in transfer, which ends the pump.
    if (wasOpen) await this.driver.close();
    await this.pumpDone;
  }

  private async pump(): Promise<void> {
    const ep = this.driver.bulkIn;
    const length = ep.packetSize * Math.max(1, this.opts.packetsPerTransfer ?? 8);
    while (this.state === 'open') {
      let result: USBInTransferResult;
      try {
        result = await this.device.transferIn(ep.endpointNumber, length);
      } catch (e) {
        if (this.state === 'open') this.lose(usbError(e, 'bulk in').message);
        return;
      }
      if (this.state !== 'open') return;
      this.stats.transfersIn++;
      if (result.status === 'stall') {
        // A halted endpoint is cleared and read again (USB 2.0 §9.4.5); a device that keeps stalling is gone.
        try {
          await this.device.clearHalt('in', ep.endpointNumber);
        } catch (e) {
          if (this.state === 'open') this.lose(usbError(e, 'clearing a halted bulk-in endpoint').message);
          return;
        }
        continue;
      }
      if (result.status === 'babble') {
        // The device sent more than asked for: the transfer's bytes are not trustworthy; the protocol's
        // checksums will ask again.
        this.opts.onTrace?.('USB serial bulk-in babble: a transfer was dropped');
        continue;
      }
      const data = result.data;
      if (!data || data.byteLength === 0) continue; // a zero-length packet ends a transfer of full packets
      const payload = this.driver.payload(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (payload.length > 0) {
        this.stats.bytesIn += payload.length;
        this.rx.push(payload.slice());
      }
    }
  }

  /** The device went away: fail reads, tell the owner once, release what can be released. */
  private lose(reason: string): void {
    if (this.state !== 'open') return;
    this.state = 'lost';
    this.rx.fail(new MeterError('PORT_LOST', reason));
    this.opts.usb?.removeEventListener('disconnect', this.onDisconnect);
    void this.driver.close();
    this.onLost?.(reason);
  }

  private async waitTransmitted(): Promise<void> {
    const wait = this.txFreeAt - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw this.lostError();
  }

  private lostError(): MeterError {
    return this.rx.failed ?? new MeterError('PORT_LOST', this.state === 'closed' ? 'The link is closed.' : undefined);
  }
}
