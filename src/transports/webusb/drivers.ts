import type { ChipDriver } from './chip-driver';
import { CdcAcmDriver } from './cdc-acm';
import { Ch34xDriver } from './ch34x';
import { Cp210xDriver } from './cp210x';
import { FtdiDriver } from './ftdi';
import type { UsbSerialChip } from './known-devices';
import { Pl2303Driver } from './pl2303';
import type { UsbDeviceLike } from './usb-device';

export function createChipDriver(chip: UsbSerialChip, device: UsbDeviceLike): ChipDriver {
  switch (chip) {
    case 'ftdi':
      return new FtdiDriver(device);
    case 'cp210x':
      return new Cp210xDriver(device);
    case 'ch34x':
      return new Ch34xDriver(device);
    case 'pl2303':
      return new Pl2303Driver(device);
    case 'cdc-acm':
      return new CdcAcmDriver(device);
  }
}
