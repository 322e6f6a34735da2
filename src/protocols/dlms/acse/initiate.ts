import { ProtocolError } from '../../../core/errors';
import { AxdrReader } from '../axdr/reader';
import { AxdrWriter } from '../axdr/writer';
import { checkU16, checkU8, readPresence } from '../apdu/common';
import { CONFORMANCE_TLV_SIZE, decodeConformance, encodeConformance } from './conformance';

/**
 * xDLMS InitiateRequest (tag 0x01) and InitiateResponse (tag 0x08), the A-XDR payloads of the
 * AARQ/AARE user-information. DLMS version is 6 in practice.
 */
export interface InitiateRequest {
  /** Dedicated key for ciphering within this association; absent when not used. */
  dedicatedKey?: Uint8Array;
  /** response-allowed (DEFAULT TRUE): undefined encodes the default (a 00 byte). */
  responseAllowed?: boolean;
  proposedQualityOfService?: number;
  proposedDlmsVersion: number;
  proposedConformance: number;
  clientMaxReceivePduSize: number;
}

export interface InitiateResponse {
  negotiatedQualityOfService?: number;
  negotiatedDlmsVersion: number;
  negotiatedConformance: number;
  serverMaxReceivePduSize: number;
  /** VAA name: 0x0007 for LN associations, the association's base name (0xFA00) for SN. */
  vaaName: number;
}

export const INITIATE_REQUEST_TAG = 0x01;
export const INITIATE_RESPONSE_TAG = 0x08;

function readConformanceAt(r: AxdrReader): number {
  r.need(CONFORMANCE_TLV_SIZE, 'conformance');
  const v = decodeConformance(r.bytes, r.pos);
  r.pos += CONFORMANCE_TLV_SIZE;
  return v;
}

export function encodeInitiateRequest(req: InitiateRequest): Uint8Array {
  const w = new AxdrWriter(32);
  w.u8(INITIATE_REQUEST_TAG);
  if (req.dedicatedKey) w.u8(1).octets(req.dedicatedKey);
  else w.u8(0);
  if (req.responseAllowed === undefined) w.u8(0);
  else w.u8(1).u8(req.responseAllowed ? 1 : 0);
  if (req.proposedQualityOfService === undefined) w.u8(0);
  else w.u8(1).u8(req.proposedQualityOfService);
  w.u8(checkU8(req.proposedDlmsVersion, 'dlms-version'));
  w.bytes(encodeConformance(req.proposedConformance));
  w.u16(checkU16(req.clientMaxReceivePduSize, 'client-max-receive-pdu-size'));
  return w.toBytes();
}

export function decodeInitiateRequest(bytes: Uint8Array): InitiateRequest {
  const r = new AxdrReader(bytes);
  const tag = r.u8('InitiateRequest tag');
  if (tag !== INITIATE_REQUEST_TAG) throw new ProtocolError('FRAMING', `InitiateRequest tag expected (0x01), got 0x${tag.toString(16)}.`);
  const out: InitiateRequest = { proposedDlmsVersion: 0, proposedConformance: 0, clientMaxReceivePduSize: 0 };
  if (readPresence(r, 'dedicated-key')) out.dedicatedKey = r.octets('dedicated-key');
  if (readPresence(r, 'response-allowed')) out.responseAllowed = r.u8('response-allowed') !== 0;
  if (readPresence(r, 'proposed-quality-of-service')) out.proposedQualityOfService = r.i8('quality-of-service');
  out.proposedDlmsVersion = r.u8('dlms-version');
  out.proposedConformance = readConformanceAt(r);
  out.clientMaxReceivePduSize = r.u16('client-max-receive-pdu-size');
  r.expectEnd('InitiateRequest');
  return out;
}

export function encodeInitiateResponse(res: InitiateResponse): Uint8Array {
  const w = new AxdrWriter(16);
  w.u8(INITIATE_RESPONSE_TAG);
  if (res.negotiatedQualityOfService === undefined) w.u8(0);
  else w.u8(1).u8(res.negotiatedQualityOfService);
  w.u8(checkU8(res.negotiatedDlmsVersion, 'dlms-version'));
  w.bytes(encodeConformance(res.negotiatedConformance));
  w.u16(checkU16(res.serverMaxReceivePduSize, 'server-max-receive-pdu-size'));
  w.u16(checkU16(res.vaaName, 'vaa-name'));
  return w.toBytes();
}

export function decodeInitiateResponse(bytes: Uint8Array): InitiateResponse {
  const r = new AxdrReader(bytes);
  const tag = r.u8('InitiateResponse tag');
  if (tag !== INITIATE_RESPONSE_TAG) throw new ProtocolError('FRAMING', `InitiateResponse tag expected (0x08), got 0x${tag.toString(16)}.`);
  const out: InitiateResponse = { negotiatedDlmsVersion: 0, negotiatedConformance: 0, serverMaxReceivePduSize: 0, vaaName: 0 };
  if (readPresence(r, 'negotiated-quality-of-service')) out.negotiatedQualityOfService = r.i8('quality-of-service');
  out.negotiatedDlmsVersion = r.u8('dlms-version');
  out.negotiatedConformance = readConformanceAt(r);
  out.serverMaxReceivePduSize = r.u16('server-max-receive-pdu-size');
  out.vaaName = r.u16('vaa-name');
  r.expectEnd('InitiateResponse');
  return out;
}
