/**
 * Listening to a meter's customer port (HAN, P1): DLMS/COSEM pushes over HDLC, wired M-Bus or raw,
 * plain or ciphered. Pure: bytes in, events out; no timers, no I/O.
 */
export * from './types';
export { PushListener } from './listener';
