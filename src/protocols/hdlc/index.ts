/** HDLC (IEC 62056-46) for DLMS/COSEM: codecs, frame extraction, client and server sessions. */
export { crc16x25 } from './crc';
export {
  type HdlcAddress,
  type HdlcAddressSize,
  type ServerAddressParts,
  defaultSerialFormula,
  clientAddress,
  decodeAddress,
  encodeAddress,
  formatAddress,
  sameAddress,
  sameServerInAnySize,
  serverAddressInSize,
  serverAddress,
  serverAddressFromSerial,
  splitServerAddress,
} from './address';
export { type HdlcControl, type HdlcFrame, type HdlcFrameInput, type HdlcFrameType, FLAG, MAX_FRAME_LENGTH, decodeControl, decodeFrame, describeFrame, encodeControl, encodeFrame } from './frame';
export { HdlcFrameExtractor } from './extractor';
export { type HdlcParameters, DEFAULT_HDLC_PARAMETERS, MAX_INFO_FIELD, clampParameters, decodeParameters, encodeParameters } from './params';
export { LLC_REQUEST, LLC_RESPONSE, addLlc, stripLlc } from './llc';
export { SendWindow } from './sequence';
export { HdlcClient, type HdlcClientOptions } from './client-session';
export { HdlcServer, type HdlcServerOptions, type HdlcRequestContext } from './server-session';
export type { DlmsTransport, TransportStats } from '../transport';
