/** The virtual IEC 62056-21 meter (tests, benchmarks, demo). */
export * from './virtual-meter';
export * from './profiles';
export { EASYMETER_Q3DA_TELEGRAM, DSMR5_ISKRA_TELEGRAM } from './fixture-telegrams';
