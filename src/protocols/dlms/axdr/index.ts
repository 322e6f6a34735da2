/** Public face of the A-XDR codec. */
export * from './types';
export * from './data';
export * from './datetime';
export * from './length';
export { AxdrReader } from './reader';
export { AxdrWriter } from './writer';
