/**
 * The e2e tests' way to USB probes over WebUSB: Playwright cannot put devices into a worker's
 * `navigator.usb`, so the worker's WebUSB source is swapped for fake adapters (src/transports/webusb/fakes:
 * one per chip, checking every control transfer the driver sends) with the simulators behind their UARTs,
 * timed by the real clock. Everything above the device (drivers, WebUsbLink, sessions) is the real code.
 * Loaded only when a test asks for it.
 */
import { realClock } from '../core/real-clock';
import type { UsbSerialChip } from '../transports/webusb';
import type { SimulatedUsbMeterKind } from '../transports/webusb/fakes';
import { useUsbSource } from './worker-links';

export interface SimulatedUsbProbe {
  chip: UsbSerialChip;
  /** The meter behind it (default an IEC 62056-21 mode C meter). */
  meter?: SimulatedUsbMeterKind;
  /** A chip variant of the fakes (FAKE_VARIANTS), e.g. 'FT230X', 'HXN'. */
  variant?: string;
}

let current: { unplugAll(): void } | undefined;

/** Replace the worker's WebUSB devices with fake adapters (granted already); returns their ids. */
export async function simulateUsb(probes: (UsbSerialChip | SimulatedUsbProbe)[]): Promise<{ vendorId: number; productId: number }[]> {
  current?.unplugAll();
  const { FakeUsb, createFakeUsbSerial } = await import('../transports/webusb/fakes');
  const usb = new FakeUsb();
  const devices = probes.map((p) => {
    const spec = typeof p === 'string' ? { chip: p } : p;
    return usb.plug(createFakeUsbSerial(spec.chip, spec.meter ?? 'iec-mode-c', { clock: realClock, ...(spec.variant ? { variant: spec.variant } : {}) }));
  });
  current = { unplugAll: () => devices.forEach((d) => usb.unplug(d)) };
  useUsbSource(usb);
  return devices.map((d) => ({ vendorId: d.vendorId, productId: d.productId }));
}
