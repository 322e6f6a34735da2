import { html, nothing } from 'lit';
import type { ReadingValue } from '../../core/reading';
import { formatTime } from '../format';
import { isStatusColumn, statusText } from './profiles-chart';
import type { ProfileTableData } from './profiles-model';
import { formatValue } from './read-model';

function cell(v: ReadingValue | undefined, isTime: boolean | undefined, status: boolean): string {
  if (isTime && typeof v === 'number' && Number.isFinite(v)) return formatTime(v);
  // The profile status byte in words: "128 · power down".
  if (status) return statusText(v) ?? formatValue(v ?? null);
  return formatValue(v ?? null);
}

/** The profile as a table: every value, the accessible counterpart of the chart. Long tables show `limit` rows. */
export function renderProfileTable(t: ProfileTableData, limit: number, showAll: () => void) {
  const shown = t.rows.slice(0, limit);
  const status = t.columns.map(isStatusColumn);
  return html`<div class="table-wrap">
      <table class="stack profile">
        <caption class="visually-hidden">${t.name}: ${t.rows.length} rows</caption>
        <thead>
          <tr>
            ${t.columns.map((c) => html`<th scope="col">${c.name}${c.unit ? html` <span class="muted">[${c.unit}]</span>` : nothing}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (r) => html`<tr>
              ${t.columns.map((c, i) => html`<td data-label=${c.unit ? `${c.name} [${c.unit}]` : c.name}>${cell(r[i], c.isTime, status[i]!)}</td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${t.rows.length > limit
      ? html`<div class="actions"><button @click=${showAll}>Show all ${t.rows.length} rows</button></div>`
      : nothing}`;
}
