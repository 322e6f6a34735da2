/** COSEM object model helpers: one import for the DLMS client, the simulator and the UI. */
export * from './obis';
export * from './units';
export * from './classes';
export * from './datetime';
export * from './scaler';
export {
  toPlainValue,
  toPlainAttributeValue,
  toHex,
  octetsToText,
  isPrintableAscii,
  dateTimeValueToEpochMs,
  convertNumberType,
  NUMBER_TYPES,
  type PlainValue,
  type PlainOptions,
  type NumberType,
  type SignalValue,
} from './values';
export * from './object-list';
export * from './profile';
export * from './signal';
export { describeObis } from './dictionary';
