export { Engine, DEFAULT_KEEP_SESSION_MAX_IDLE_MS, type EngineOptions } from './engine';
export type { DeviceDriver, DriverContext, DriverSignal, DevicePhase } from './driver';
export type { DeviceState, DeviceStatus, EngineEvent, EngineLogEvent, EngineLogKind, EngineStatus } from './types';
export { buildDriverSignals, signalAddress, obisAddress } from './signals';
export { linkKey, portTag } from './ports';
export { PushRunner, isPushDevice } from './push/push-runner';
export { describeStats as describePushStats, type PushStats } from './push/push-stats';
