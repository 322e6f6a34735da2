/**
 * The chart part of the Profiles page: what to show (energy per interval, average demand, the
 * registers), which columns, the chart itself, and what the chart cannot say by itself (interval
 * length, missing intervals, status flags) in words.
 */
import { html, nothing } from 'lit';
import '../components/chart';
import { chartColumns, defaultPicks, periodText, profileChart, siText, type ChartMode, type ProfileChart } from './profiles-chart';
import type { ProfileTableData } from './profiles-model';

export interface ChartChoice {
  mode: ChartMode;
  /** Picked column indexes; undefined = the mode's default. */
  picks: number[] | undefined;
}

const MODES: [ChartMode, string][] = [
  ['energy', 'Energy per interval'],
  ['demand', 'Average demand'],
  ['register', 'Register values'],
];

const FLAGGED_SHOWN = 20;

/** A one-line description of the chart for screen readers (the table below carries every value). */
export function profileChartSummary(name: string, c: ProfileChart, fmt: (ms: number) => string): string {
  const xs = c.x;
  if (xs.length === 0 || c.series.length === 0) return `${name}: nothing to chart.`;
  const parts = c.series.map((s) => {
    const nums = s.values.filter((v): v is number => v !== null);
    return `${s.label} from ${siText(Math.min(...nums), s.unit)} to ${siText(Math.max(...nums), s.unit)}`;
  });
  const gaps = c.missing ? `, ${c.missing} interval(s) missing` : '';
  return `Chart of ${name}: ${xs.length} points from ${fmt(xs[0]! * 1000)} to ${fmt(xs[xs.length - 1]! * 1000)}${gaps}; ${parts.join('; ')}.`;
}

let memo: { t: ProfileTableData; key: string; chart: ProfileChart } | undefined;

/** The same chart object while nothing it depends on changed: the page re-renders every second during a read, the chart need not. */
function memoChart(t: ProfileTableData, mode: ChartMode, picks: readonly number[]): ProfileChart {
  const key = `${mode}|${picks.join(',')}`;
  if (memo && memo.t === t && memo.key === key) return memo.chart;
  const chart = profileChart(t, mode, picks);
  memo = { t, key, chart };
  return chart;
}

export function renderProfileChart(t: ProfileTableData, choice: ChartChoice, fmt: (ms: number) => string, onChange: (c: ChartChoice) => void) {
  const cols = chartColumns(t).filter((c) => c.role !== 'status');
  // An event log or a table without energy or power columns has nothing per interval: its values as they are.
  const metered = cols.some((c) => c.role !== 'other');
  const mode: ChartMode = metered ? choice.mode : 'register';
  const picks = choice.picks ?? defaultPicks(chartColumns(t), mode);
  const chart = memoChart(t, mode, picks);
  const toggle = (index: number, on: boolean) => {
    const next = on ? [...picks, index].sort((a, b) => a - b) : picks.filter((i) => i !== index);
    onChange({ mode: choice.mode, picks: next });
  };
  return html`
    ${metered || cols.length > 1 ? html`<fieldset class="chart-options">
      <legend>Chart</legend>
      ${metered
        ? html`<div class="choices" role="radiogroup" aria-label="Show">
            ${MODES.map(
              ([m, label]) => html`<label class="choice"><input type="radio" name="chart-mode" value=${m} .checked=${mode === m}
                  @change=${() => onChange({ mode: m, picks: undefined })} /> ${label}</label>`,
            )}
          </div>`
        : nothing}
      ${cols.length > 1
        ? html`<div class="choices" role="group" aria-label="Columns">
            ${cols.map(
              (c) => html`<label class="choice"><input type="checkbox" .checked=${picks.includes(c.index)}
                  @change=${(e: Event) => toggle(c.index, (e.target as HTMLInputElement).checked)} /> ${c.label}${c.unit ? ` [${c.unit}]` : ''}</label>`,
            )}
          </div>`
        : nothing}
    </fieldset>` : nothing}
    ${chart.series.length > 0
      ? html`<ms-chart .data=${chart} summary=${profileChartSummary(t.name, chart, fmt)}></ms-chart>`
      : html`<p class="muted">Nothing to chart for this choice: ${mode === 'register' ? 'no numeric columns with times' : 'no energy or power columns'}. See the table.</p>`}
    ${renderNotes(chart, fmt)}
  `;
}

function renderNotes(c: ProfileChart, fmt: (ms: number) => string) {
  if (c.x.length === 0) return nothing;
  const notes = [`Interval ${periodText(c.periodS)}`];
  if (c.mode === 'energy') notes.push('bars end at each interval’s time stamp');
  if (c.missing) notes.push(`${c.missing} interval(s) missing (gaps)`);
  if (c.decreases) notes.push(`${c.decreases} interval(s) where a register went down: no value shown`);
  if (c.flagged.length) notes.push(`${c.flagged.length} interval(s) with status flags`);
  return html`<p class="muted chart-notes">${notes.join(' · ')}.</p>
    ${c.flagged.length
      ? html`<details class="flagged">
          <summary>Intervals with status flags (${c.flagged.length})</summary>
          <ul>
            ${c.flagged.slice(0, FLAGGED_SHOWN).map((f) => html`<li>${fmt(f.ts)}: ${f.flags.join(', ')}</li>`)}
            ${c.flagged.length > FLAGGED_SHOWN ? html`<li>… and ${c.flagged.length - FLAGGED_SHOWN} more in the table.</li>` : nothing}
          </ul>
          <p class="muted">Status bits as commonly used (power down, clock adjusted, data not valid, clock invalid, critical error); the meter’s documentation has the last word.</p>
        </details>`
      : nothing}`;
}
