/** The protocol drivers the CLI's engine uses: the one place that names them. */
import { createDriverFactory } from '../engine/drivers';
import { FileInvocationCounterStore, defaultCounterFile } from './counter-file';
import { FileKnowledgeStore, defaultKnowledgeFile } from './knowledge-file';

/** DLMS invocation counters in the state directory: the drivers' own, and the last one each pushing meter used. */
export const counterStore = new FileInvocationCounterStore(defaultCounterFile());

/** Drivers whose DLMS invocation counters and meter knowledge persist in the state directory between runs. */
export const createDriver = createDriverFactory({
  counterStore,
  knowledgeStore: new FileKnowledgeStore(defaultKnowledgeFile()),
});
