/** The protocol drivers the CLI's engine uses: the one place that names them. */
import { createDriverFactory } from '../engine/drivers';
import { FileInvocationCounterStore, defaultCounterFile } from './counter-file';
import { FileKnowledgeStore, defaultKnowledgeFile } from './knowledge-file';

/** Drivers whose DLMS invocation counters and meter knowledge persist in the state directory between runs. */
export const createDriver = createDriverFactory({
  counterStore: new FileInvocationCounterStore(defaultCounterFile()),
  knowledgeStore: new FileKnowledgeStore(defaultKnowledgeFile()),
});
