/**
 * Which USB serial chip a device is, from its vendor and product id (the tables the Linux drivers bind
 * by: drivers/usb/serial/ftdi_sio_ids.h, cp210x.c, ch341.c, pl2303.h), or from its interface classes for
 * a CDC-ACM device (class 2 communications + class 10 data, USB CDC 1.2 §4.2/§4.5).
 */
import type { UsbDeviceLike } from './usb-device';

export type UsbSerialChip = 'ftdi' | 'cp210x' | 'ch34x' | 'pl2303' | 'cdc-acm';

export interface KnownUsbSerial {
  vendorId: number;
  productId: number;
  chip: UsbSerialChip;
  name: string;
}

const FTDI = 0x0403;
const SILABS = 0x10c4;
const WCH = 0x1a86;
const PROLIFIC = 0x067b;

export const KNOWN_USB_SERIALS: readonly KnownUsbSerial[] = Object.freeze([
  // ftdi_sio_ids.h: FTDI_8U232AM_PID (FT232BM/FT232R), FTDI_8U2232C_PID, FTDI_4232H_PID, FTDI_232H_PID, FTDI_FTX_PID.
  { vendorId: FTDI, productId: 0x6001, chip: 'ftdi', name: 'FTDI FT232R / FT232BM' },
  { vendorId: FTDI, productId: 0x6010, chip: 'ftdi', name: 'FTDI FT2232' },
  { vendorId: FTDI, productId: 0x6011, chip: 'ftdi', name: 'FTDI FT4232H' },
  { vendorId: FTDI, productId: 0x6014, chip: 'ftdi', name: 'FTDI FT232H' },
  { vendorId: FTDI, productId: 0x6015, chip: 'ftdi', name: 'FTDI FT230X / FT231X (FT-X)' },
  // cp210x.c id_table: the Silicon Labs factory ids (CP2102/CP2104, CP2105, CP2108); probe makers may
  // program their own, which only their own VID/PID (or a user's choice) can find.
  { vendorId: SILABS, productId: 0xea60, chip: 'cp210x', name: 'Silicon Labs CP210x' },
  { vendorId: SILABS, productId: 0xea70, chip: 'cp210x', name: 'Silicon Labs CP2105' },
  { vendorId: SILABS, productId: 0xea71, chip: 'cp210x', name: 'Silicon Labs CP2108' },
  // ch341.c id_table.
  { vendorId: WCH, productId: 0x7523, chip: 'ch34x', name: 'WCH CH340' },
  { vendorId: WCH, productId: 0x7522, chip: 'ch34x', name: 'WCH CH340K' },
  { vendorId: WCH, productId: 0x5523, chip: 'ch34x', name: 'WCH CH341 (serial mode)' },
  // pl2303.h: PL2303_PRODUCT_ID and the PL2303G family (HXN register set).
  { vendorId: PROLIFIC, productId: 0x2303, chip: 'pl2303', name: 'Prolific PL2303 (HX/TA/TB/HXD, or G on newer silicon)' },
  { vendorId: PROLIFIC, productId: 0x23a3, chip: 'pl2303', name: 'Prolific PL2303GC' },
  { vendorId: PROLIFIC, productId: 0x23b3, chip: 'pl2303', name: 'Prolific PL2303GB' },
  { vendorId: PROLIFIC, productId: 0x23c3, chip: 'pl2303', name: 'Prolific PL2303GT' },
  { vendorId: PROLIFIC, productId: 0x23d3, chip: 'pl2303', name: 'Prolific PL2303GL' },
  { vendorId: PROLIFIC, productId: 0x23e3, chip: 'pl2303', name: 'Prolific PL2303GE' },
  { vendorId: PROLIFIC, productId: 0x23f3, chip: 'pl2303', name: 'Prolific PL2303GS' },
]);

/** USB class codes (usb.org defined class codes). */
export const USB_CLASS_CDC = 0x02;
export const USB_CLASS_CDC_DATA = 0x0a;
/** CDC subclass "Abstract Control Model" (USB CDC PSTN 1.2 §3.2). */
export const CDC_SUBCLASS_ACM = 0x02;

/** Filters for `navigator.usb.requestDevice`: every known chip, and any CDC-ACM device. */
export function usbFilters(): USBDeviceFilter[] {
  const seen = new Set<string>();
  const filters: USBDeviceFilter[] = [];
  for (const k of KNOWN_USB_SERIALS) {
    const key = `${k.vendorId}:${k.productId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    filters.push({ vendorId: k.vendorId, productId: k.productId });
  }
  filters.push({ classCode: USB_CLASS_CDC, subclassCode: CDC_SUBCLASS_ACM });
  return filters;
}

export function knownUsbSerial(vendorId: number, productId: number): KnownUsbSerial | undefined {
  return KNOWN_USB_SERIALS.find((k) => k.vendorId === vendorId && k.productId === productId);
}

/**
 * The chip behind a device. A known VID/PID wins; otherwise a device with a CDC communications interface
 * (class 2, subclass 2) or a CDC data interface (class 10) is CDC-ACM. Undefined: not a serial adapter
 * MeterScope can drive.
 */
export function identifyChip(
  d: Pick<USBDevice, 'vendorId' | 'productId'> & { configuration?: USBConfiguration | null; configurations?: USBConfiguration[] },
): UsbSerialChip | undefined {
  const known = knownUsbSerial(d.vendorId, d.productId);
  if (known) return known.chip;
  const configs = d.configuration ? [d.configuration] : (d.configurations ?? []);
  for (const c of configs) {
    for (const itf of c.interfaces) {
      for (const alt of itf.alternates.length > 0 ? itf.alternates : [itf.alternate]) {
        if (alt.interfaceClass === USB_CLASS_CDC && alt.interfaceSubclass === CDC_SUBCLASS_ACM) return 'cdc-acm';
        if (alt.interfaceClass === USB_CLASS_CDC_DATA) return 'cdc-acm';
      }
    }
  }
  return undefined;
}

/** A name for Settings and the trace: the table's, else the device's own product string. */
export function describeUsbDevice(d: Pick<UsbDeviceLike, 'vendorId' | 'productId' | 'productName'>): string {
  const known = knownUsbSerial(d.vendorId, d.productId);
  const id = `${hex4(d.vendorId)}:${hex4(d.productId)}`;
  return known ? `${known.name} (${id})` : `${d.productName ?? 'USB serial'} (${id})`;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
