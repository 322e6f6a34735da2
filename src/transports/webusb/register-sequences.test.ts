/**
 * Every driver's control transfers, checked by the strict fake chips against the sequences the reference
 * drivers send. The expected values are written out by hand from the references, not computed with the
 * drivers' own helpers:
 * - FTDI: Linux drivers/usb/serial/ftdi_sio.c (ftdi_open reset, write_latency_timer, ftdi_set_termios:
 *   SET_DATA, change_speed, SET_FLOW_CTRL; update_mctrl) and AN232B-05 divisors: 300 Bd = 0x2710,
 *   9600 Bd = 0x4138 (312.5: fraction code 1 in bit 14), 115200 Bd = 0x001a. wIndex = 0 on FT232R, 1 on FT-X.
 * - CP210x: Linux cp210x.c (cp210x_open: IFC_ENABLE; cp210x_set_termios: SET_BAUDRATE, SET_LINE_CTL;
 *   dtr_rts: SET_MHS 0x0303) and AN571.
 * - CH34x: Linux ch341.c (ch341_configure: READ_VERSION, SERIAL_INIT; ch341_detect_quirks: READ_REG 0x05;
 *   ch341_set_baudrate_lcr: 0x1312 <- divisor | 0x80, 0x2518 <- LCR; flow control 0x2727 <- 0;
 *   ch341_set_handshake: ~MCR). Divisors from ch341_get_divisor: 300 = 0xd900, 9600 = 0xb202,
 *   115200 = 0xcc03; LCR 7E1 = 0xda, 8N1 = 0xc3.
 * - PL2303: Linux pl2303.c (pl2303_startup's vendor sequence, pl2303_open's pipe resets, pl2303_set_termios:
 *   SET_LINE_REQUEST, flow control read-modify-write; SET_CONTROL_REQUEST), HX vs HXN requests.
 * - CDC-ACM: USB PSTN 1.2 §6.3.10 SET_LINE_CODING, §6.3.12 SET_CONTROL_LINE_STATE (as Linux cdc-acm.c and
 *   the web-serial-polyfill package send them).
 */
import { describe, expect, it } from 'vitest';
import type { LineSettings } from '../../core/link';
import { VirtualClock } from '../../core/virtual-clock';
import { createFakeUsbSerial, type ControlRecord, type FakeUsbDevice } from './fakes';
import type { UsbSerialChip } from './known-devices';
import { openWebUsbLink } from './webusb-link';

type Setting = '300 7E1' | '9600 7E1' | '9600 8N1' | '115200 8N1';
const LINES: Record<Setting, LineSettings> = {
  '300 7E1': { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 },
  '9600 7E1': { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 },
  '9600 8N1': { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  '115200 8N1': { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
};
const SETTINGS = Object.keys(LINES) as Setting[];

const vOut = (request: number, value: number, index: number): ControlRecord => ({ direction: 'out', requestType: 'vendor', recipient: 'device', request, value, index, status: 'ok' });
const vIn = (request: number, value: number, index: number, length: number, status: 'ok' | 'stall' = 'ok'): ControlRecord => ({ direction: 'in', requestType: 'vendor', recipient: 'device', request, value, index, length, status });
const iOut = (request: number, value: number, data?: number[]): ControlRecord => ({ direction: 'out', requestType: 'vendor', recipient: 'interface', request, value, index: 0, ...(data ? { data } : {}), status: 'ok' });
const cOut = (request: number, value: number, data?: number[]): ControlRecord => ({ direction: 'out', requestType: 'class', recipient: 'interface', request, value, index: 0, ...(data ? { data } : {}), status: 'ok' });

/** SET_LINE_CODING / SET_LINE_REQUEST data stage (PSTN table 17). */
const CODING: Record<Setting, number[]> = {
  '300 7E1': [0x2c, 0x01, 0x00, 0x00, 0, 2, 7],
  '9600 7E1': [0x80, 0x25, 0x00, 0x00, 0, 2, 7],
  '9600 8N1': [0x80, 0x25, 0x00, 0x00, 0, 0, 8],
  '115200 8N1': [0x00, 0xc2, 0x01, 0x00, 0, 0, 8],
};

const FTDI_DIVISOR: Record<Setting, number> = { '300 7E1': 0x2710, '9600 7E1': 0x4138, '9600 8N1': 0x4138, '115200 8N1': 0x001a };
const FTDI_DATA: Record<Setting, number> = { '300 7E1': 0x0207, '9600 7E1': 0x0207, '9600 8N1': 0x0008, '115200 8N1': 0x0008 };

/**
 * H types (ftdi_2232h_baud_base_to_divisor): 120 MHz / 10 in eighths with bit 17 set, at 1200 Bd and up;
 * 9600 Bd = 1250 = 0x04e2, 115200 Bd = 104.125 = 0x0068 | code 3 << 14 = 0xc068; 300 Bd as the BM types.
 * The bits above 15 go to wIndex's high byte: (0x2 << 8) | channel.
 */
const FTDI_H_BAUD: Record<Setting, [number, number]> = { '300 7E1': [0x2710, 0x0001], '9600 7E1': [0x04e2, 0x0201], '9600 8N1': [0x04e2, 0x0201], '115200 8N1': [0xc068, 0x0201] };

function ftdi(s: Setting, channel: number, h = false): ControlRecord[] {
  return [
    vOut(0x00, 0x0000, channel), // RESET_SIO
    vOut(0x09, 16, channel), // latency timer 16 ms
    vOut(0x04, FTDI_DATA[s], channel), // SET_DATA
    h ? vOut(0x03, ...FTDI_H_BAUD[s]) : vOut(0x03, FTDI_DIVISOR[s], channel), // SET_BAUD_RATE (divisor bit 16 = 0 for these rates)
    vOut(0x02, 0x0000, channel), // SET_FLOW_CTRL: none
    vOut(0x01, 0x0303, channel), // MODEM_CTRL: DTR and RTS high
  ];
}

const CP210X_LINE_CTL: Record<Setting, number> = { '300 7E1': 0x0720, '9600 7E1': 0x0720, '9600 8N1': 0x0800, '115200 8N1': 0x0800 };
function cp210x(s: Setting): ControlRecord[] {
  return [
    iOut(0x00, 0x0001), // IFC_ENABLE: UART_ENABLE
    iOut(0x1e, 0, CODING[s].slice(0, 4)), // SET_BAUDRATE (LE32)
    iOut(0x03, CP210X_LINE_CTL[s]), // SET_LINE_CTL
    iOut(0x07, 0x0303), // SET_MHS: DTR, RTS with their write-enable bits
  ];
}

const CH341_DIVISOR: Record<Setting, number> = { '300 7E1': 0xd980, '9600 7E1': 0xb282, '9600 8N1': 0xb282, '115200 8N1': 0xcc83 };
const CH341_LCR: Record<Setting, number> = { '300 7E1': 0xda, '9600 7E1': 0xda, '9600 8N1': 0xc3, '115200 8N1': 0xc3 };
function ch34x(s: Setting): ControlRecord[] {
  return [
    vIn(0x5f, 0, 0, 2), // READ_VERSION
    vOut(0xa1, 0, 0), // SERIAL_INIT
    vIn(0x95, 0x0005, 0, 2), // READ_REG break (quirk probe)
    vOut(0x9a, 0x1312, CH341_DIVISOR[s]), // prescaler/divisor, bit 7: no packet buffering
    vOut(0x9a, 0x2518, CH341_LCR[s]), // LCR (version >= 0x30)
    vOut(0x9a, 0x2727, 0), // flow control none
    vOut(0xa4, 0xff9f, 0), // MODEM_CTRL: ~(DTR 0x20 | RTS 0x40)
  ];
}

function pl2303Hx(s: Setting): ControlRecord[] {
  return [
    vIn(0x01, 0x8484, 0, 1),
    vOut(0x01, 0x0404, 0),
    vIn(0x01, 0x8484, 0, 1),
    vIn(0x01, 0x8383, 0, 1),
    vIn(0x01, 0x8484, 0, 1),
    vOut(0x01, 0x0404, 1),
    vIn(0x01, 0x8484, 0, 1),
    vIn(0x01, 0x8383, 0, 1),
    vOut(0x01, 0x0000, 1),
    vOut(0x01, 0x0001, 0),
    vOut(0x01, 0x0002, 0x44),
    vOut(0x01, 0x0008, 0), // reset upstream pipes
    vOut(0x01, 0x0009, 0),
    cOut(0x20, 0, CODING[s]), // SET_LINE_REQUEST
    vIn(0x01, 0x0080, 0, 1), // flow control register read (reg 0 | 0x80)
    vOut(0x01, 0x0000, 0x01), // ... written back with bits 4..7 clear (it held 1 from the startup write)
    cOut(0x22, 0x0003), // SET_CONTROL_REQUEST: DTR, RTS
  ];
}

function pl2303Hxn(s: Setting): ControlRecord[] {
  return [
    vOut(0x80, 0x0007, 0x03), // HXN reset register: upstream | downstream pipe
    cOut(0x20, 0, CODING[s]),
    vIn(0x81, 0x000a, 0, 1), // HXN flow control register
    vOut(0x80, 0x000a, 0x1c), // ... flow control none
    cOut(0x22, 0x0003),
  ];
}

function cdc(s: Setting): ControlRecord[] {
  return [cOut(0x20, 0, CODING[s]), cOut(0x22, 0x0003)];
}

const CASES: { chip: UsbSerialChip; variant?: string; expected: (s: Setting) => ControlRecord[] }[] = [
  { chip: 'ftdi', variant: 'FT232R', expected: (s) => ftdi(s, 0) },
  { chip: 'ftdi', variant: 'FT230X', expected: (s) => ftdi(s, 1) },
  { chip: 'ftdi', variant: 'FT232H', expected: (s) => ftdi(s, 1, true) },
  { chip: 'cp210x', expected: cp210x },
  { chip: 'ch34x', expected: ch34x },
  { chip: 'pl2303', variant: 'HX', expected: pl2303Hx },
  { chip: 'pl2303', variant: 'TA', expected: (s) => [vIn(0x01, 0x8080, 0, 1), ...pl2303Hx(s)] },
  { chip: 'pl2303', variant: 'HXN', expected: pl2303Hxn },
  { chip: 'pl2303', variant: 'HXN-GT', expected: (s) => [vIn(0x01, 0x8080, 0, 1, 'stall'), ...pl2303Hxn(s)] },
  { chip: 'cdc-acm', expected: cdc },
];

async function openAt(chip: UsbSerialChip, variant: string | undefined, line: LineSettings): Promise<{ device: FakeUsbDevice; close: () => Promise<void> }> {
  const clock = new VirtualClock();
  const device = createFakeUsbSerial(chip, () => undefined, { clock, ...(variant ? { variant } : {}) });
  const link = await clock.run(openWebUsbLink(device, line, { clock }));
  return { device, close: () => clock.run(link.close()) };
}

describe('WebUSB drivers send the reference drivers’ control transfers', () => {
  for (const c of CASES) {
    for (const s of SETTINGS) {
      it(`${c.chip}${c.variant ? ` ${c.variant}` : ''} at ${s}`, async () => {
        const { device, close } = await openAt(c.chip, c.variant, LINES[s]);
        expect(device.controlLog).toEqual(c.expected(s));
        // Only the detection probe of a G-type PL2303 may STALL.
        expect(device.unexpected.map((u) => u.value)).toEqual(c.variant === 'HXN-GT' ? [0x8080] : []);
        // The chip now runs at exactly what was asked (the fake decoded its registers).
        expect(device.model.uart()).toEqual(LINES[s]);
        expect([device.model.dtr, device.model.rts]).toEqual([true, true]);
        await close();
      });
    }
  }

  it('a baud switch reprograms only the line (no reopen, no reset)', async () => {
    const clock = new VirtualClock();
    const device = createFakeUsbSerial('ftdi', () => undefined, { clock });
    const link = await clock.run(openWebUsbLink(device, LINES['300 7E1'], { clock }));
    const before = device.controlLog.length;
    await clock.run(link.setLine(LINES['9600 7E1']));
    expect(device.controlLog.slice(before)).toEqual([vOut(0x04, 0x0207, 0), vOut(0x03, 0x4138, 0), vOut(0x02, 0, 0)]);
    await clock.run(link.close());
  });
});
