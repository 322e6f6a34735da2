/**
 * What the Read page shows below its first screen: the result card, live values of pushing meters,
 * the values table, Export, and the OBIS names they print. Loaded by the page after its first screen
 * (port card, Read now) painted, so that screen is not held up by a start-up task of this size.
 */
import '../components/export-buttons';
import '../components/live-table';
import '../components/push-live';

export { describeObis } from '../../protocols/cosem/dictionary';
export { storedSource } from './read-exports';
export { renderSummary } from './read-summary';
