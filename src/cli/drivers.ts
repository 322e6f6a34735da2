/** The protocol drivers the CLI's engine uses: the one place that names them. */
import { createDriverFactory } from '../engine/drivers';
import { FileInvocationCounterStore, defaultCounterFile } from './counter-file';

/** Drivers whose DLMS invocation counters persist in a file between runs. */
export const createDriver = createDriverFactory({ counterStore: new FileInvocationCounterStore(defaultCounterFile()) });
