import { readData, writeData } from '../axdr/data';
import { DATE_TIME_LENGTH } from '../axdr/datetime';
import type { AxdrReader } from '../axdr/reader';
import type { AxdrWriter } from '../axdr/writer';
import { checkU32, readAttributeDescriptor, readPresence, writeAttributeDescriptor } from './common';
import { ApduTag, type DataNotification, type EventNotification, type GeneralBlockTransfer } from './types';

/** Unsolicited and transfer APDUs: data-notification, event-notification-request, general-block-transfer. */

export function readDataNotification(r: AxdrReader): DataNotification {
  const longInvokeIdAndPriority = r.u32('long-invoke-id-and-priority');
  let dateTimeTagged = false;
  // Kaifa and early Kamstrup HAN meters send "09 0C <12 bytes>": a Data tag where the standard has a
  // bare length. 0x09 is never a valid length here (0 or 12), so reading it as a tag is unambiguous.
  if (r.remaining >= 2 && r.bytes[r.pos] === 0x09 && r.bytes[r.pos + 1] === DATE_TIME_LENGTH) {
    r.pos++;
    dateTimeTagged = true;
  }
  const dt = r.octets('date-time');
  const body = readData(r);
  const out: DataNotification = { type: 'data-notification', longInvokeIdAndPriority, body };
  if (dt.length > 0) out.dateTime = dt;
  if (dateTimeTagged) out.dateTimeTagged = true;
  return out;
}

export function writeDataNotification(w: AxdrWriter, a: DataNotification): void {
  w.u8(ApduTag['data-notification']).u32(checkU32(a.longInvokeIdAndPriority, 'long-invoke-id-and-priority'));
  const dt = a.dateTime ?? new Uint8Array(0);
  if (a.dateTimeTagged && dt.length > 0) w.u8(0x09);
  w.octets(dt);
  writeData(w, a.body);
}

export function readEventNotification(r: AxdrReader): EventNotification {
  const time = readPresence(r, 'time') ? r.octets('time') : undefined;
  const attribute = readAttributeDescriptor(r);
  const value = readData(r);
  return time ? { type: 'event-notification-request', time, attribute, value } : { type: 'event-notification-request', attribute, value };
}

export function writeEventNotification(w: AxdrWriter, a: EventNotification): void {
  w.u8(ApduTag['event-notification-request']);
  if (a.time) w.u8(1).octets(a.time);
  else w.u8(0);
  writeAttributeDescriptor(w, a.attribute);
  writeData(w, a.value);
}

export function readGeneralBlockTransfer(r: AxdrReader): GeneralBlockTransfer {
  const control = r.u8('block-control');
  const blockNumber = r.u16('block-number');
  const blockNumberAck = r.u16('block-number-ack');
  const blockData = r.octets('block-data');
  return {
    type: 'general-block-transfer',
    lastBlock: (control & 0x80) !== 0,
    streaming: (control & 0x40) !== 0,
    window: control & 0x3f,
    blockNumber,
    blockNumberAck,
    blockData,
  };
}

export function writeGeneralBlockTransfer(w: AxdrWriter, a: GeneralBlockTransfer): void {
  const control = (a.lastBlock ? 0x80 : 0) | (a.streaming ? 0x40 : 0) | (a.window & 0x3f);
  w.u8(ApduTag['general-block-transfer']).u8(control).u16(a.blockNumber & 0xffff).u16(a.blockNumberAck & 0xffff).octets(a.blockData);
}
