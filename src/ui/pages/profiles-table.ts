import { css, html, nothing } from 'lit';
import type { ReadingValue } from '../../core/reading';
import { formatReadingValue, formatTime } from '../format';
import { isStatusColumn, statusText } from './profiles-chart';
import type { ProfileTableData } from './profiles-model';
import { pageLabel, pageView } from './profiles-paging';

function cell(v: ReadingValue | undefined, isTime: boolean | undefined, status: boolean): string {
  if (isTime && typeof v === 'number' && Number.isFinite(v)) return formatTime(v);
  // The profile status byte in words: "128 · power down".
  if (status) return statusText(v) ?? formatReadingValue(v ?? null);
  return formatReadingValue(v ?? null);
}

/**
 * The table scrolls in a box of its own (both ways on a phone) so that its header row and time
 * column stay in sight: a page-level sticky header cannot work inside a horizontally scrolling
 * wrapper, and 50 rows in a box are one page of the pager, not a 34-screen page.
 */
export const profileTableStyles = css`
  .profile-wrap {
    max-height: min(70vh, 40rem);
    overflow: auto;
    border: 1px solid var(--ms-border);
    border-radius: 0.5rem;
  }
  .profile-wrap:focus-visible {
    outline: 3px solid var(--ms-focus);
    outline-offset: 2px;
  }
  table.profile th {
    position: sticky;
    top: 0;
    z-index: 2;
    background: var(--ms-surface);
    vertical-align: bottom;
    min-width: 5.5rem;
    max-width: 11rem;
    line-height: 1.3;
    box-shadow: inset 0 -1px 0 var(--ms-border-strong);
  }
  table.profile td {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  /* The time column stays at the left edge while the values scroll under it. */
  table.profile th:first-child,
  table.profile td:first-child {
    position: sticky;
    left: 0;
    background: var(--ms-surface);
  }
  table.profile th:first-child {
    z-index: 3;
  }
  table.profile td:first-child {
    z-index: 1;
    box-shadow: inset -1px 0 0 var(--ms-border);
  }
  table.profile .num {
    text-align: right;
  }
  .pager {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    margin-top: 0.5rem;
  }
  .pager p {
    margin: 0;
  }
`;

/** Numeric columns are right-aligned (header too), so digits line up under each other. */
function numericColumns(t: ProfileTableData, status: readonly boolean[]): boolean[] {
  return t.columns.map((c, i) => !c.isTime && !status[i] && t.rows.some((r) => typeof r[i] === 'number') && t.rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number'));
}

/**
 * The profile as a table: every value, the accessible counterpart of the chart, a page of rows at a
 * time (`page`, clamped; `onPage` asks for another).
 */
export function renderProfileTable(t: ProfileTableData, page: number, onPage: (page: number) => void) {
  const view = pageView(t.rows.length, page);
  const shown = t.rows.slice(view.start, view.end);
  const status = t.columns.map(isStatusColumn);
  const numeric = numericColumns(t, status);
  const label = pageLabel(view);
  return html`<div class="profile-wrap" tabindex="0" role="region" aria-label="${t.name}, ${label}">
      <table class="profile">
        <caption class="visually-hidden">${t.name}: ${t.rows.length} rows</caption>
        <thead>
          <tr>
            ${t.columns.map(
              (c, i) => html`<th scope="col" class=${numeric[i] ? 'num' : ''}>${c.name}${c.unit ? html` <span class="muted">[${c.unit}]</span>` : nothing}</th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (r) => html`<tr>
              ${t.columns.map((c, i) => html`<td class=${numeric[i] ? 'num' : ''}>${cell(r[i], c.isTime, status[i]!)}</td>`)}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${view.pages > 1
      ? html`<nav class="pager" aria-label="Pages of ${t.name}">
          <button type="button" class="prev" ?disabled=${!view.hasPrev} @click=${() => onPage(view.page - 1)}>Previous</button>
          <p class="page-label" aria-live="polite">${label}</p>
          <button type="button" class="next" ?disabled=${!view.hasNext} @click=${() => onPage(view.page + 1)}>Next</button>
        </nav>`
      : html`<p class="page-label muted">${label}</p>`}`;
}
