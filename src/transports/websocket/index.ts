export * from './bridge-link';
export * from './device-opener';
