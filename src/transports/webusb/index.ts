// WebUSB user-space serial drivers (Android Chrome, where Web Serial has no USB ports). The fakes in
// ./fakes are not re-exported: tests and the e2e seam import them directly, so they stay out of the
// worker bundle.
export type { UsbSerialChip, KnownUsbSerial } from './known-devices';
export { KNOWN_USB_SERIALS, usbFilters, identifyChip, knownUsbSerial, describeUsbDevice } from './known-devices';
export type { UsbDeviceLike, UsbEventSource } from './usb-device';
export type { ChipDriver, ModemSignals } from './chip-driver';
export { createChipDriver } from './drivers';
export { openWebUsbLink, WebUsbLink, type WebUsbLinkOptions } from './webusb-link';
