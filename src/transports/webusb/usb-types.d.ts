// The WebUSB DOM types (USBDevice, USBDeviceFilter...) come from @types/w3c-web-usb; tsconfig lists only
// the node and vite types, so this folder pulls them in for the whole program.
/// <reference types="w3c-web-usb" />
