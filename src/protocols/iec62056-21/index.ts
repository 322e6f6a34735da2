/** IEC 62056-21 client: public API. */
export * from './baud';
export * from './messages';
export * from './datasets';
export * from './load-profile';
export * from './mapping';
export { Framer, type Frame, type FrameKind } from './framer';
export type { IecSessionOptions, IecLog, IecProgress } from './options';
export { readout, type IecReadout, type IecReadoutTiming } from './readout';
export { openProgrammingSession, type IecProgrammingSession, type ProgrammingOptions, type ProgrammingRead, type ReadCommand, type WriteCommand } from './programming';
export { signOnModeE, type ModeEResult } from './mode-e';
export { listenModeD, type ModeDOptions, type ModeDTelegram } from './mode-d';
export { WAKE_UP_TRAIN_MS, WAKE_UP_SILENCE_MS } from './sign-on';
export { iecOptionsFromConfig, isModeDDevice, type IecDeviceConfig } from './config';
export { decodeTelegram, encodeTelegram, findTelegram, type Telegram } from '../dsmr/telegram';
