/** DLMS/COSEM security: suites 0..2 (AES-GCM, ECDSA, ECDH + KDF), ciphered APDUs, HLS mechanisms 2..7. */
export * from './bytes';
export * from './gcm';
export * from './ciphered-apdu';
export * from './protect';
export * from './hls';
export * from './ecdsa';
export * from './kdf';
