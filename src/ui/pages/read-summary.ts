/**
 * The result of a read, right under "Read now": one line (27 values read in 3.0 s · 0 errors), the
 * first few values, and Export for this read. On a phone it is what the technician sees after the
 * read without scrolling; the page moves focus here when a read ends, so a screen reader is at the
 * result too.
 */
import { html, nothing } from 'lit';
import type { Reading } from '../../core/reading';
import '../components/export-buttons';
import type { LiveRow } from '../components/live-table';
import { sessionSource } from './read-exports';
import { KEY_VALUES, keyRows, outcomeLine, type ReadOutcome } from './read-outcome';

export { outcomeLine, outcomeSpeech, type ReadOutcome } from './read-outcome';

export { summaryStyles } from './read-summary-styles';

/**
 * The card itself. `onAll` moves to the full list of values (a button, not an in-page link: the
 * app routes on the hash).
 */
export function renderSummary(
  outcome: ReadOutcome | undefined,
  rows: readonly LiveRow[],
  session: readonly Reading[],
  reading: boolean,
  onAll: () => void,
) {
  // While reading, the values of the last read would pass for new ones: they wait for the outcome.
  const shown = reading ? [] : keyRows(rows);
  // The card keeps its size from the moment a meter is loaded to the end of a read (CLS on a phone):
  // until values are read, the rows they will fill stand there with their names and a dash.
  const slots: LiveRow[] = shown.length ? shown : rows.slice(0, KEY_VALUES);
  const values = `${session.length} value${session.length === 1 ? '' : 's'}`;
  const line = reading
    ? `Reading… ${values} so far`
    : outcome
      ? outcomeLine(outcome)
      : session.length
        ? `${values} read while polling`
        : rows.length
          ? 'No read yet: press "Read now".'
          : 'No read yet: load a meter above.';
  return html`<section class="card result" tabindex="-1" aria-labelledby="result-title">
    <h2 id="result-title">Result</h2>
    <p class="outcome">${line}</p>
    ${slots.length
      ? html`<ul class="key-values" aria-label="First values">
          ${slots.map(
            (r) => html`<li data-key=${r.key}>
              <span class="kv-name">${r.name}</span>
              ${!shown.length
                ? html`<span class="kv-value pending"><span aria-hidden="true">—</span><span class="visually-hidden">not read yet</span></span>`
                : r.quality === 'good'
                  ? html`<span class="kv-value">${r.value}${r.unit ? ` ${r.unit}` : ''}</span>`
                  : html`<span class="kv-value bad">✗ ${r.error ?? 'bad'}</span>`}
            </li>`,
          )}
        </ul>`
      : nothing}
    <ms-export-buttons label="This read (${session.length} readings)" .source=${sessionSource(session)} ?disabled=${session.length === 0}></ms-export-buttons>
    ${rows.length > slots.length
      ? html`<div class="actions"><button type="button" class="all-values" @click=${onAll}>All ${rows.length} values</button></div>`
      : nothing}
  </section>`;
}
