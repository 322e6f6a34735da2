/** DLMS/COSEM application layer: A-XDR data, xDLMS APDUs, ACSE. */
export * from './axdr';
export * from './apdu';
export * from './acse';
export { fromHex, toHex } from './hex';
