import { ProtocolError } from '../core/errors';
import type { DlmsData } from '../protocols/dlms/axdr/types';
import { parseCosemDateTimeBytes } from '../protocols/cosem/datetime';
import { decodeCaptureObjects } from '../protocols/cosem/profile';
import { decodeScalerUnit } from '../protocols/cosem/scaler';
import { unitInfo } from '../protocols/cosem/units';

/**
 * Our decode of a value, written the way the recording client prints it, so an oracle test can put the
 * two side by side. Only facts are compared: where that client's printout carries noise (it prints a
 * fraction of a second that is not in the bytes: `19:58:22.6544` for hundredths 0x00), the comparison
 * stops at what the bytes say (see docs/interop.md, "Where the two stacks disagree").
 */

/** The recording client's names of the interface classes the recorded server has (class id by name). */
export const PEER_CLASS_IDS: Readonly<Record<string, number>> = {
  Data: 1,
  Register: 3,
  DemandRegister: 5,
  RegisterActivation: 6,
  ProfileGeneric: 7,
  Clock: 8,
  ScriptTable: 9,
  AssociationLogicalName: 15,
  SAPAssignment: 17,
  ImageTransfer: 18,
  IECLocalPortSetup: 19,
  ActivityCalendar: 20,
  RegisterMonitor: 21,
  ActionSchedule: 22,
  IECHDLCSetup: 23,
  ModemConfiguration: 27,
  AutoAnswer: 28,
  AutoConnect: 29,
  PushSetup: 40,
  TCPUDPSetup: 41,
  IP4Setup: 42,
  MACAddressSetup: 43,
  PPPSetup: 44,
  GPRSSetup: 45,
  IP6Setup: 48,
  SecuritySetup: 64,
  DisconnectControl: 70,
  Limiter: 71,
  MBusPortSetup: 76,
  MBusDiagnostic: 77,
  G3PlcMacLayerCounters: 90,
  G3PlcMacSetup: 91,
  G3Plc6LoWPAN: 92,
  NtpSetup: 100,
  Account: 111,
  ArrayManager: 123,
  LTEMonitoring: 151,
};

const pad = (n: number | undefined, width = 2) => (n === undefined ? '*'.repeat(width) : String(n).padStart(width, '0'));

/** A 12-byte COSEM date-time as `MM/DD/YYYY hh:mm:ss`, the part of the client's print the bytes decide. */
export function dateTimeToSecond(bytes: Uint8Array): string {
  const dt = parseCosemDateTimeBytes(bytes);
  return `${pad(dt.month)}/${pad(dt.day)}/${pad(dt.year, 4)} ${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}`;
}

/** The printed date-time cut to the second (the client appends a fraction the bytes do not carry). */
export function printedDateTimeToSecond(printed: string): string {
  const m = /^(\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d)/.exec(printed.trim());
  if (!m) throw new ProtocolError('PROTOCOL', `"${printed}" is not a printed date-time.`);
  return m[1];
}

/** Upper-case hex with spaces, as the client prints octet strings it does not read as text. */
export function spacedHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** `Scaler: 0.010000 Unit: Active energy` from a scaler_unit structure: the scale factor and quantity. */
export function scalerUnitFacts(d: DlmsData): { factor: number; quantity: string } {
  const su = decodeScalerUnit(d);
  return { factor: 10 ** su.scaler, quantity: unitInfo(su.unit)?.quantity ?? `unit ${su.unit}` };
}

export function printedScalerUnitFacts(printed: string): { factor: number; quantity: string } {
  const m = /^Scaler: (\S+) Unit: (.+)$/.exec(printed.trim());
  if (!m) throw new ProtocolError('PROTOCOL', `"${printed}" is not a printed scaler and unit.`);
  return { factor: Number(m[1]), quantity: m[2].toLowerCase() };
}

/** `[Clock 0.0.1.0.0.255, Data 0.0.96.11.0.255]`: capture objects as class name and logical name. */
export function captureObjectsPrinted(d: DlmsData): string {
  const byId = new Map(Object.entries(PEER_CLASS_IDS).map(([name, id]) => [id, name]));
  return `[${decodeCaptureObjects(d)
    .map((c) => `${byId.get(c.classId) ?? `class ${c.classId}`} ${c.obis}`)
    .join(', ')}]`;
}

/** Profile rows `MM/DD/YYYY hh:mm:ss | value`, one per row, for rows of a date-time and an integer. */
export function profileRowsPrinted(d: DlmsData): string[] {
  if (d.type !== 'array') throw new ProtocolError('PROTOCOL', `A profile buffer is an array, not ${d.type}.`);
  return d.items.map((row, i) => {
    if (row.type !== 'structure') throw new ProtocolError('PROTOCOL', `Profile row ${i} is ${row.type}, not a structure.`);
    return row.items
      .map((cell) => {
        if (cell.type === 'octet-string' && cell.value.length === 12) return dateTimeToSecond(cell.value);
        if ('value' in cell && (typeof cell.value === 'number' || typeof cell.value === 'bigint')) return String(cell.value);
        throw new ProtocolError('PROTOCOL', `Profile row ${i} holds a ${cell.type} this comparison does not print.`);
      })
      .join(' | ');
  });
}

/** A printed profile buffer (`[`, rows, `]`) cut to the second per row. */
export function printedProfileRows(printed: string): string[] {
  return printed
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== '[' && l !== ']')
    .map((l) => {
      const [time, ...rest] = l.split(' | ');
      return [printedDateTimeToSecond(time), ...rest].join(' | ');
    });
}
