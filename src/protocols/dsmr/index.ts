/** DSMR P1 telegrams: decoder with CRC-16/ARC check. Listening on a link: iec62056-21 `listenModeD`. */
export * from './crc16';
export * from './telegram';
