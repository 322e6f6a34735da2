export { openMeterStore, DEFAULT_TRACE_CAP, PERSIST_SETTING } from './meter-store';
export type { MeterStore, OpenMeterStoreOptions, StorageManagerLike } from './meter-store';
export type * from './records';
export { SCHEMA_VERSION, UPGRADE_STEPS, STORE, INDEX } from './schema';
export type { UpgradeStep } from './schema';
export { isQuotaError, toStorageError } from './storage-errors';
