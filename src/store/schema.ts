/**
 * The IndexedDB schema as a list of upgrade steps. Step i moves the database from version i to i + 1,
 * so the version is simply the number of steps. To change the schema, append a step; never edit a
 * step that has shipped, because existing databases have already run it.
 */

export const STORE = {
  configs: 'configs',
  readings: 'readings',
  profiles: 'profiles',
  events: 'events',
  traces: 'traces',
  settings: 'settings',
  /** What the DLMS reader learnt per meter (classes, scalers, list behaviour), keyed by the meter key. */
  meterKnowledge: 'meter_knowledge',
} as const;

export const INDEX = {
  readingsByDevice: 'by_device',
  readingsByDeviceTs: 'by_device_ts',
  readingsByDeviceSignalTs: 'by_device_signal_ts',
  readingsByTs: 'by_ts',
  profilesByDevice: 'by_device',
  profilesByReadAt: 'by_readAt',
  eventsByTs: 'by_ts',
  eventsByDeviceTs: 'by_device_ts',
  tracesByTs: 'by_ts',
} as const;

/** Runs inside the versionchange transaction; it must only use `db` and `tx` synchronously. */
export type UpgradeStep = (db: IDBDatabase, tx: IDBTransaction) => void;

const v1: UpgradeStep = (db) => {
  db.createObjectStore(STORE.configs, { keyPath: 'name' });

  const readings = db.createObjectStore(STORE.readings, { keyPath: 'id', autoIncrement: true });
  readings.createIndex(INDEX.readingsByDevice, 'device_alias');
  // [device, ts] is not in the first sketch of the design, but without it "newest readings of one
  // device" would have to sort in memory.
  readings.createIndex(INDEX.readingsByDeviceTs, ['device_alias', 'ts']);
  readings.createIndex(INDEX.readingsByDeviceSignalTs, ['device_alias', 'signal_alias', 'ts']);
  readings.createIndex(INDEX.readingsByTs, 'ts');

  const profiles = db.createObjectStore(STORE.profiles, { keyPath: 'id', autoIncrement: true });
  profiles.createIndex(INDEX.profilesByDevice, 'device_alias');
  profiles.createIndex(INDEX.profilesByReadAt, 'readAt');

  const events = db.createObjectStore(STORE.events, { keyPath: 'id', autoIncrement: true });
  events.createIndex(INDEX.eventsByTs, 'ts');
  events.createIndex(INDEX.eventsByDeviceTs, ['device_alias', 'ts']);

  const traces = db.createObjectStore(STORE.traces, { keyPath: 'id', autoIncrement: true });
  traces.createIndex(INDEX.tracesByTs, 'ts');

  // Out-of-line keys: a setting's key is its name, the value is whatever was stored.
  db.createObjectStore(STORE.settings);
};

const v2: UpgradeStep = (db) => {
  // Out-of-line keys: the meter key (port / address), the value the reader's serialised knowledge.
  db.createObjectStore(STORE.meterKnowledge);
};

export const UPGRADE_STEPS: readonly UpgradeStep[] = [v1, v2];

export const SCHEMA_VERSION = UPGRADE_STEPS.length;

/** Apply every step between the stored version and the target one, in order. */
export function runUpgradeSteps(
  steps: readonly UpgradeStep[],
  db: IDBDatabase,
  tx: IDBTransaction,
  oldVersion: number,
  newVersion: number,
): void {
  for (let v = oldVersion; v < newVersion; v++) {
    const step = steps[v];
    if (!step) throw new Error(`No upgrade step from schema version ${v} to ${v + 1}`);
    step(db, tx);
  }
}
