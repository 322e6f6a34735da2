/** Public face of the ACSE codecs (AARQ/AARE/RLRQ/RLRE with the xDLMS initiate payloads). */
export * from './aarq';
export * from './build';
export * from './aare';
export * from './release';
export * from './initiate';
export * from './conformance';
export * from './names';
export * from './user-information';
export { decodeOid, encodeOid, readTlv, type Tlv } from './ber';
