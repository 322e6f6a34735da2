/**
 * The result of a read, right under "Read now": one line (27 values read in 3.0 s · 0 errors), the
 * first few values, and Export for this read. On a phone it is what the technician sees after the
 * read without scrolling; the page moves focus here when a read ends, so a screen reader is at the
 * result too.
 */
import { css, html, nothing } from 'lit';
import type { Reading } from '../../core/reading';
import '../components/export-buttons';
import type { LiveRow } from '../components/live-table';
import { sessionSource } from './read-exports';
import { keyRows, outcomeLine, type ReadOutcome } from './read-outcome';

export { outcomeLine, outcomeSpeech, type ReadOutcome } from './read-outcome';

export const summaryStyles = css`
  .result:focus {
    outline: 3px solid var(--ms-focus);
    outline-offset: 2px;
  }
  .result h2 {
    margin: 0 0 0.25rem;
  }
  .outcome {
    margin: 0;
    font-weight: 600;
  }
  ul.key-values {
    list-style: none;
    margin: 0.5rem 0 0;
    padding: 0;
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
    gap: 0.25rem 1rem;
  }
  ul.key-values li {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: 0.75rem;
    padding: 0.35rem 0;
    border-bottom: 1px solid var(--ms-border);
    min-width: 0;
  }
  .kv-name {
    min-width: 0;
    overflow-wrap: anywhere;
    line-height: 1.35;
  }
  .kv-value {
    font-weight: 700;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  .kv-value.bad {
    color: var(--ms-error);
  }
`;

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
  if (!outcome && session.length === 0 && !reading) return nothing;
  // While reading, the values of the last read would pass for new ones: they wait for the outcome.
  const shown = reading ? [] : keyRows(rows);
  const values = `${session.length} value${session.length === 1 ? '' : 's'}`;
  const line = reading ? `Reading… ${values} so far` : outcome ? outcomeLine(outcome) : `${values} read while polling`;
  return html`<section class="card result" tabindex="-1" aria-labelledby="result-title">
    <h2 id="result-title">Result</h2>
    <p class="outcome">${line}</p>
    ${shown.length
      ? html`<ul class="key-values" aria-label="First values">
          ${shown.map(
            (r) => html`<li data-key=${r.key}>
              <span class="kv-name">${r.name}</span>
              ${r.quality === 'good'
                ? html`<span class="kv-value">${r.value}${r.unit ? ` ${r.unit}` : ''}</span>`
                : html`<span class="kv-value bad">✗ ${r.error ?? 'bad'}</span>`}
            </li>`,
          )}
        </ul>`
      : nothing}
    <ms-export-buttons label="This read (${session.length} readings)" .source=${sessionSource(session)} ?disabled=${session.length === 0}></ms-export-buttons>
    ${rows.length > shown.length
      ? html`<div class="actions"><button type="button" class="all-values" @click=${onAll}>All ${rows.length} values</button></div>`
      : nothing}
  </section>`;
}
