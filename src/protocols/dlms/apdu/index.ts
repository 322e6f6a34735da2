/** Public face of the xDLMS APDU codecs. */
export { decodeApdu, encodeApdu } from './apdu';
export * from './types';
export * from './invoke-id';
export * from './results';
export {
  STATE_ERROR_NAMES,
  EXCEPTION_SERVICE_ERROR_NAMES,
  CONFIRMED_SERVICE_NAMES,
  SERVICE_ERROR_NAMES,
  exceptionResponseToMeterError,
  confirmedServiceErrorToMeterError,
  describeConfirmedServiceError,
  readConfirmedServiceError,
  writeConfirmedServiceError,
} from './service-errors';
export {
  readAttributeDescriptor,
  writeAttributeDescriptor,
  readMethodDescriptor,
  writeMethodDescriptor,
  readSelectiveAccess,
  writeSelectiveAccess,
  readGetDataResult,
  writeGetDataResult,
} from './common';
