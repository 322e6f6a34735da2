/**
 * The part of WebUSB's `USBDevice` the serial drivers use. A real `USBDevice` satisfies it, and so does
 * the fake chip in ./fakes (which is why the drivers depend on this and not on the whole class).
 */
export type UsbDeviceLike = Pick<
  USBDevice,
  | 'vendorId'
  | 'productId'
  | 'productName'
  | 'deviceClass'
  | 'usbVersionMajor'
  | 'usbVersionMinor'
  | 'usbVersionSubminor'
  | 'deviceVersionMajor'
  | 'deviceVersionMinor'
  | 'deviceVersionSubminor'
  | 'configuration'
  | 'configurations'
  | 'opened'
  | 'open'
  | 'close'
  | 'selectConfiguration'
  | 'claimInterface'
  | 'releaseInterface'
  | 'controlTransferIn'
  | 'controlTransferOut'
  | 'transferIn'
  | 'transferOut'
  | 'clearHalt'
>;

/** What raises the 'disconnect' event for a device: `navigator.usb` (or the fake's stand-in). */
export interface UsbEventSource {
  addEventListener(type: 'disconnect', listener: (ev: { device: unknown }) => void): void;
  removeEventListener(type: 'disconnect', listener: (ev: { device: unknown }) => void): void;
}

/** bcdDevice as one number (0x0600 for an FT232R), from WebUSB's split fields. */
export function bcdDevice(d: Pick<USBDevice, 'deviceVersionMajor' | 'deviceVersionMinor' | 'deviceVersionSubminor'>): number {
  return ((d.deviceVersionMajor & 0xff) << 8) | ((d.deviceVersionMinor & 0xf) << 4) | (d.deviceVersionSubminor & 0xf);
}

/** bcdUSB as one number (0x0110, 0x0200). */
export function bcdUsb(d: Pick<USBDevice, 'usbVersionMajor' | 'usbVersionMinor' | 'usbVersionSubminor'>): number {
  return ((d.usbVersionMajor & 0xff) << 8) | ((d.usbVersionMinor & 0xf) << 4) | (d.usbVersionSubminor & 0xf);
}
