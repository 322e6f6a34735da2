/**
 * Fake USB serial adapters for tests and the browser e2e (no Node APIs): a `USBDevice` stand-in per chip
 * with a simulator behind its UART, and a `navigator.usb` stand-in to plug them into.
 */
import type { Clock } from '../../../core/clock';
import type { UsbSerialChip } from '../known-devices';
import type { ChipModel } from './chip-model';
import { FakeCdcAcmChip } from './cdc-acm-chip';
import { FakeCh34xChip } from './ch34x-chip';
import { FakeCp210xChip } from './cp210x-chip';
import { FakeFtdiChip } from './ftdi-chip';
import { FakeUsbDevice, type FakeUsbOptions } from './fake-usb-device';
import { FakePl2303Chip } from './pl2303-chip';
import { simulatedMeter, type MeterEnd, type SimulatedUsbMeterKind } from './simulated-meters';

export { FakeUsbDevice, type FakeUsbOptions } from './fake-usb-device';
export type { ChipModel, ControlRecord } from './chip-model';
export { simulatedMeter, type MeterEnd, type SimulatedUsbMeterKind } from './simulated-meters';
export { FakeFtdiChip } from './ftdi-chip';
export { FakeCp210xChip } from './cp210x-chip';
export { FakeCh34xChip } from './ch34x-chip';
export { FakePl2303Chip } from './pl2303-chip';
export { FakeCdcAcmChip } from './cdc-acm-chip';

/**
 * Variants per chip (default first): ftdi 'FT232R' | 'FT230X' | 'FT232H'; cp210x 'CP2102'; ch34x 'v31' | 'v30' |
 * 'v27' | 'limited' (CH340K-like: limited prescaler, no break register); pl2303 'HX' | 'HXN' | 'HXN-GT' |
 * 'TA'; cdc-acm 'zlp' (ends full transfers with a zero-length packet) | 'plain'.
 */
export const FAKE_VARIANTS: Record<UsbSerialChip, readonly string[]> = {
  ftdi: ['FT232R', 'FT230X', 'FT232H'],
  cp210x: ['CP2102'],
  ch34x: ['v31', 'v30', 'v27', 'limited'],
  pl2303: ['HX', 'HXN', 'HXN-GT', 'TA'],
  'cdc-acm': ['zlp', 'plain'],
};

export function createChipModel(chip: UsbSerialChip, variant?: string): ChipModel {
  switch (chip) {
    case 'ftdi':
      return new FakeFtdiChip(variant === 'FT230X' || variant === 'FT232H' ? variant : 'FT232R');
    case 'cp210x':
      return new FakeCp210xChip();
    case 'ch34x':
      if (variant === 'limited') return new FakeCh34xChip(0x31, true);
      return new FakeCh34xChip(variant === 'v30' ? 0x30 : variant === 'v27' ? 0x27 : 0x31);
    case 'pl2303':
      return new FakePl2303Chip(variant === 'HXN' || variant === 'HXN-GT' || variant === 'TA' ? variant : 'HX');
    case 'cdc-acm':
      return new FakeCdcAcmChip();
  }
}

export interface CreateFakeUsbSerialOptions extends Partial<FakeUsbOptions> {
  clock: Clock;
  variant?: string;
}

/** A fake adapter of `chip` with `meterEnd` (a simulator, or a kind of simulated meter) behind it. */
export function createFakeUsbSerial(chip: UsbSerialChip, meterEnd: MeterEnd | SimulatedUsbMeterKind, opts: CreateFakeUsbSerialOptions): FakeUsbDevice {
  const { variant, ...rest } = opts;
  const device = new FakeUsbDevice(createChipModel(chip, variant), {
    ...rest,
    zeroLengthPackets: rest.zeroLengthPackets ?? (chip === 'cdc-acm' && variant !== 'plain'),
  });
  const start = typeof meterEnd === 'string' ? simulatedMeter(meterEnd) : meterEnd;
  start(device.meter, opts.clock);
  return device;
}

type UsbListener = (ev: { device: unknown }) => void;

/** A `navigator.usb` stand-in: requestDevice picks the first plugged device matching a filter. */
export class FakeUsb {
  private readonly devices: FakeUsbDevice[] = [];
  private readonly granted = new Set<FakeUsbDevice>();
  private readonly listeners = { connect: new Set<UsbListener>(), disconnect: new Set<UsbListener>() };

  plug(device: FakeUsbDevice, granted = true): FakeUsbDevice {
    this.devices.push(device);
    if (granted) this.granted.add(device);
    device.onDisconnect = (d) => this.remove(d);
    for (const l of this.listeners.connect) l({ device });
    return device;
  }

  /** Unplug (the device's transfers fail, then 'disconnect' fires here). */
  unplug(device: FakeUsbDevice): void {
    device.unplug();
  }

  async getDevices(): Promise<FakeUsbDevice[]> {
    return this.devices.filter((d) => this.granted.has(d));
  }

  async requestDevice(options: { filters: USBDeviceFilter[] }): Promise<FakeUsbDevice> {
    const match = this.devices.find((d) => options.filters.some((f) => matches(d, f)));
    if (!match) throw new DOMException('No device selected.', 'NotFoundError');
    this.granted.add(match);
    return match;
  }

  addEventListener(type: 'connect' | 'disconnect', listener: UsbListener): void {
    this.listeners[type].add(listener);
  }

  removeEventListener(type: 'connect' | 'disconnect', listener: UsbListener): void {
    this.listeners[type].delete(listener);
  }

  private remove(device: FakeUsbDevice): void {
    const i = this.devices.indexOf(device);
    if (i >= 0) this.devices.splice(i, 1);
    this.granted.delete(device);
    for (const l of this.listeners.disconnect) l({ device });
  }
}

function matches(d: FakeUsbDevice, f: USBDeviceFilter): boolean {
  if (f.vendorId !== undefined && f.vendorId !== d.vendorId) return false;
  if (f.productId !== undefined && f.productId !== d.productId) return false;
  if (f.classCode !== undefined) {
    const itfs = d.model.descriptor.interfaces;
    const ok = d.deviceClass === f.classCode || itfs.some((i) => i.interfaceClass === f.classCode && (f.subclassCode === undefined || i.interfaceSubclass === f.subclassCode));
    if (!ok) return false;
  }
  return true;
}
