/**
 * The descriptor side of a fake USB device: ids, versions and the configuration with its interfaces and
 * endpoints, as WebUSB's `USBDevice` shows them, from the chip model's descriptor.
 */
import type { ChipModel } from './chip-model';

export class FakeUsbDescriptors {
  /** Interfaces the host has claimed (the device side keeps it). */
  protected readonly claimed = new Set<number>();
  protected configured = true;

  constructor(readonly model: ChipModel) {}

  get vendorId(): number {
    return this.model.descriptor.vendorId;
  }
  get productId(): number {
    return this.model.descriptor.productId;
  }
  get productName(): string {
    return this.model.descriptor.productName;
  }
  get deviceClass(): number {
    return this.model.descriptor.deviceClass;
  }
  get usbVersionMajor(): number {
    return this.model.descriptor.bcdUsb >> 8;
  }
  get usbVersionMinor(): number {
    return (this.model.descriptor.bcdUsb >> 4) & 0xf;
  }
  get usbVersionSubminor(): number {
    return this.model.descriptor.bcdUsb & 0xf;
  }
  get deviceVersionMajor(): number {
    return this.model.descriptor.bcdDevice >> 8;
  }
  get deviceVersionMinor(): number {
    return (this.model.descriptor.bcdDevice >> 4) & 0xf;
  }
  get deviceVersionSubminor(): number {
    return this.model.descriptor.bcdDevice & 0xf;
  }

  get configuration(): USBConfiguration | null {
    return this.configured ? this.buildConfiguration() : null;
  }
  get configurations(): USBConfiguration[] {
    return [this.buildConfiguration()];
  }

  protected buildConfiguration(): USBConfiguration {
    const interfaces = this.model.descriptor.interfaces.map((spec) => {
      const alt = {
        alternateSetting: 0,
        interfaceClass: spec.interfaceClass,
        interfaceSubclass: spec.interfaceSubclass,
        interfaceProtocol: spec.interfaceProtocol,
        interfaceName: null,
        endpoints: spec.endpoints.map((e) => ({ ...e })),
      };
      return { interfaceNumber: spec.interfaceNumber, alternate: alt, alternates: [alt], claimed: this.claimed.has(spec.interfaceNumber) };
    });
    // Plain objects with the shape of the WebUSB classes (which cannot be constructed outside a browser).
    return { configurationValue: 1, configurationName: null, interfaces } as USBConfiguration;
  }

}
