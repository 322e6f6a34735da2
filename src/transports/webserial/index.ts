// The fakes (fake-serial-port.ts, simulated-serial.ts) are deliberately not re-exported: production code
// imports this index, tests and the e2e seam import the fakes directly (dynamically), so the simulators
// stay out of the app's worker bundle.
export * from './serial-api';
export * from './webserial-link';
export * from './port-directory';
export * from './device-opener';
export { RxBuffer } from './rx-buffer';
