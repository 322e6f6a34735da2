/** DLMS/COSEM TCP wrapper: codec, stream extractor, client and server sessions. */
export { WRAPPER_HEADER_LENGTH, WRAPPER_MAX_APDU, WRAPPER_VERSION, type WrapperFrame, WrapperExtractor, decodeWrapper, encodeWrapper, wrapperPorts } from './codec';
export { WrapperClient, type WrapperClientOptions } from './client-session';
export { WrapperServer, type WrapperServerOptions, type WrapperRequestContext } from './server-session';
