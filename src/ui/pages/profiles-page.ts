import { LitElement, css, html, nothing } from 'lit';
import { describeObis } from '../../protocols/cosem/dictionary';
import type { ProfileSummary } from '../../store';
import { focusResult, prepareAnnouncer } from '../components/announcer';
import '../components/export-buttons';
import '../components/progress-bar';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { profileSource } from './profiles-export';
import { renderProfileChart, type ChartChoice } from './profiles-chart-view';
import {
  checkRange,
  fromLocalInput,
  profileChoices,
  resultToTable,
  toFieldText,
  withoutRepeatedTime,
  DATE_TIME_FORMAT,
  type ProfileTableData,
} from './profiles-model';
import { profileTableStyles, renderProfileTable } from './profiles-table';
import { BusyTicker, renderDeviceProgress } from './read-devices';
import { addressWords } from './read-model';

const HOUR = 3_600_000;
const CUSTOM = 'custom';

/** The profile last shown, kept for this tab so a walk to another page and back loses nothing. */
let lastShown: ProfileTableData | undefined;

/** Read a load profile or event log by date range; chart, table, stored copies, export. */
export class ProfilesPage extends LitElement {
  static override properties = {
    device: { state: true },
    choice: { state: true },
    custom: { state: true },
    from: { state: true },
    to: { state: true },
    reading: { state: true },
    message: { state: true },
    table: { state: true },
    page: { state: true },
    stored: { state: true },
    chart: { state: true },
  };

  static override styles = [
    pageStyles,
    profileTableStyles,
    css`
      .range {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 14rem), 1fr));
        gap: 0 1rem;
        max-width: 40rem;
      }
      ul.stored {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      ul.stored li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        border-bottom: 1px solid var(--ms-border);
        padding-bottom: 0.5rem;
      }
      ul.stored .actions {
        margin: 0;
      }
      .format-hint {
        margin: 0.25rem 0 0;
        font-size: 0.9rem;
      }
      input[aria-invalid='true'] {
        border: 2px solid var(--ms-error);
      }
      details.flagged > summary {
        display: list-item;
        min-height: 44px;
        box-sizing: border-box;
        padding: 0.6rem 0;
        cursor: pointer;
      }
      .shown-title:focus,
      .profile-message:focus {
        outline: 3px solid var(--ms-focus);
        outline-offset: 2px;
      }
      fieldset.chart-options {
        border: 1px solid var(--ms-border);
        border-radius: 0.5rem;
        margin: 0 0 0.75rem;
        padding: 0.25rem 0.75rem 0.5rem;
      }
      .choices {
        display: flex;
        flex-wrap: wrap;
        gap: 0 1.25rem;
      }
      label.choice {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        min-height: 44px;
        font-weight: normal;
      }
    `,
  ];

  declare device: string;
  declare choice: string;
  declare custom: string;
  declare from: string;
  declare to: string;
  declare reading: boolean;
  declare message: string;
  declare table: ProfileTableData | undefined;
  /** Page of the table shown (50 rows a page, profiles-paging.ts). */
  declare page: number;
  declare stored: ProfileSummary[] | undefined;
  declare chart: ChartChoice;
  private readonly ticker = new BusyTicker(() => this.requestUpdate());
  private cancelled = false;

  constructor() {
    super();
    const now = Date.now();
    this.device = '';
    this.choice = '';
    this.custom = '';
    this.from = toFieldText(now - 24 * HOUR);
    this.to = toFieldText(now);
    this.reading = false;
    this.message = '';
    this.table = lastShown;
    this.page = 0;
    this.stored = undefined;
    this.chart = { mode: 'energy', picks: undefined };
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    prepareAnnouncer();
    void engineMonitor.refresh().catch(() => undefined);
    void this.listStored();
  }

  override disconnectedCallback(): void {
    this.ticker.stop();
    super.disconnectedCallback();
  }

  override updated(): void {
    this.ticker.update(this.reading);
  }

  private devices() {
    return (engineMonitor.status?.devices ?? []).filter((d) => d.state !== 'disabled');
  }

  private current() {
    const list = this.devices();
    return list.find((d) => d.device_alias === this.device) ?? list[0];
  }

  private address(protocol: string): string {
    if (this.choice === CUSTOM) return this.custom.trim();
    const choices = profileChoices(protocol);
    return choices.find((c) => c.address === this.choice)?.address ?? choices[0]!.address;
  }

  private async listStored(): Promise<void> {
    try {
      const list = await (await getStore()).listProfiles();
      this.stored = list.sort((a, b) => b.readAt - a.readAt);
    } catch (e) {
      this.stored = [];
      this.message = `Stored profiles could not be listed: ${errorText(e)}`;
    }
  }

  private setRange(hours: number): void {
    const now = Date.now();
    this.from = toFieldText(now - hours * HOUR);
    this.to = toFieldText(now);
  }

  private async read(): Promise<void> {
    const dev = this.current();
    if (!dev) return;
    const address = this.address(dev.protocol);
    const from = fromLocalInput(this.from);
    // The end minute is inclusive: a row stamped 14:05:30 belongs to "until 14:05".
    const to = fromLocalInput(this.to) + 59_999;
    const problem = checkRange(from, to) ?? (address ? undefined : 'Enter the profile address (OBIS code or P.01 / P.98).');
    if (problem) {
      this.message = problem;
      await this.focusOutcome(false);
      return;
    }
    this.reading = true;
    this.cancelled = false;
    this.message = `Reading ${address} from ${dev.device_alias}…`;
    const started = Date.now();
    try {
      const result = await getEngine().readProfile(dev.device_alias, { address, from, to });
      this.show(resultToTable(result, Date.now(), (a) => addressWords(a, describeObis)));
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      this.message = `${result.name}: ${result.rows.length} row(s) in ${secs} s${result.storedId !== undefined ? ', stored' : ''}.`;
      await this.listStored();
      this.reading = false;
      await this.focusOutcome(true);
    } catch (e) {
      this.message = this.cancelled ? 'Cancelled.' : `The profile could not be read: ${errorText(e)}`;
      this.reading = false;
      await this.focusOutcome(false);
    } finally {
      this.reading = false;
      await engineMonitor.refresh().catch(() => undefined);
    }
  }

  /**
   * "Read profile" disabled itself while reading: focus goes to what came of it (the table's heading,
   * or the message when nothing came) and the message is said, so a screen reader keeps its place.
   */
  private async focusOutcome(shown: boolean): Promise<void> {
    await this.updateComplete;
    const heading = shown ? this.renderRoot.querySelector<HTMLElement>('.shown-title') : null;
    focusResult(heading ?? this.renderRoot.querySelector<HTMLElement>('.profile-message'), this.message);
  }

  /** Another page of the table; when the pressed button is now disabled (first or last page), focus the other. */
  private async turnPage(page: number): Promise<void> {
    this.page = page;
    await this.updateComplete;
    const active = this.shadowRoot?.activeElement;
    if (active instanceof HTMLButtonElement && active.disabled) {
      this.renderRoot.querySelector<HTMLButtonElement>(active.classList.contains('next') ? '.pager .prev' : '.pager .next')?.focus();
    }
  }

  private cancel(): void {
    this.cancelled = true;
    void getEngine()
      .cancel()
      .catch((e: unknown) => (this.message = `Cancel failed: ${errorText(e)}`));
  }

  private show(t: ProfileTableData): void {
    lastShown = t;
    this.table = t;
    this.page = 0;
    // Another profile has other columns: start again from the mode's default picks.
    this.chart = { mode: this.chart.mode, picks: undefined };
  }

  private async open(id: number): Promise<void> {
    try {
      const rec = await (await getStore()).getProfile(id);
      if (!rec) throw new Error('it is no longer stored');
      this.show(withoutRepeatedTime(rec));
      this.message = `Opened ${rec.name} read ${formatTime(rec.readAt)}.`;
      await this.focusOutcome(true);
    } catch (e) {
      this.message = `The profile could not be opened: ${errorText(e)}`;
    }
  }

  private async deleteStored(p: ProfileSummary): Promise<void> {
    if (!confirm(`Delete the stored "${p.name}" of ${p.device_alias} read ${formatTime(p.readAt)}?`)) return;
    try {
      await (await getStore()).deleteProfile(p.id);
      if (this.table?.id === p.id) this.table = lastShown = undefined;
      this.message = `Deleted ${p.name}.`;
      await this.listStored();
      // The pressed button went with its row.
      await this.updateComplete;
      focusResult(this.renderRoot.querySelector<HTMLElement>('#stored-title'), this.message);
    } catch (e) {
      this.message = `Not deleted: ${errorText(e)}`;
    }
  }

  private renderForm() {
    const devices = this.devices();
    const dev = this.current();
    if (!dev) {
      return html`<p>No meter is loaded. On the Read page, use the demo meter or load a configuration.</p>
        <div class="actions"><a class="button" href="#/read">Go to Read</a></div>`;
    }
    const choices = profileChoices(dev.protocol);
    const choice = this.choice === CUSTOM || choices.some((c) => c.address === this.choice) ? this.choice : choices[0]!.address;
    return html`
      <label for="device">Device</label>
      <select id="device" @change=${(e: Event) => (this.device = (e.target as HTMLSelectElement).value)}>
        ${devices.map((d) => html`<option value=${d.device_alias} ?selected=${d === dev}>${d.device_alias} — ${d.name} (${d.protocol})</option>`)}
      </select>
      <label for="profile">Profile</label>
      <select id="profile" @change=${(e: Event) => (this.choice = (e.target as HTMLSelectElement).value)}>
        ${choices.map((c) => html`<option value=${c.address} ?selected=${c.address === choice}>${c.label}</option>`)}
        <option value=${CUSTOM} ?selected=${choice === CUSTOM}>Other address…</option>
      </select>
      ${choice === CUSTOM
        ? html`<label for="custom">Profile address (OBIS, or P.01 / P.98)</label>
            <input id="custom" type="text" autocomplete="off" spellcheck="false" .value=${this.custom}
              @input=${(e: Event) => (this.custom = (e.target as HTMLInputElement).value)} />`
        : nothing}
      <div class="range">
        ${this.timeField('from', 'From', this.from, (v) => (this.from = v))} ${this.timeField('to', 'To', this.to, (v) => (this.to = v))}
      </div>
      <p id="time-format" class="muted format-hint">Local time as ${DATE_TIME_FORMAT}, e.g. ${toFieldText(Date.now())}.</p>
      <div class="actions" role="group" aria-label="Quick ranges">
        <button type="button" @click=${() => this.setRange(24)}>Last 24 hours</button>
        <button type="button" @click=${() => this.setRange(7 * 24)}>Last 7 days</button>
        <button type="button" @click=${() => this.setRange(30 * 24)}>Last 30 days</button>
      </div>
      <div class="actions">
        <button class="primary" ?disabled=${this.reading} @click=${() => void this.read()}>Read profile</button>
        <button class="danger" ?disabled=${!this.reading} @click=${() => this.cancel()}>Cancel read</button>
      </div>
      ${renderDeviceProgress(dev, this.reading, { progress: engineMonitor.progress, busySince: engineMonitor.busySince, now: Date.now() })}
    `;
  }

  /**
   * A date and time as one text field: one Tab stop (a datetime-local costs up to eight), typed or
   * pasted in ISO order whatever the locale, checked as typed; the quick ranges cover the usual case.
   */
  private timeField(id: string, label: string, value: string, set: (v: string) => void) {
    const bad = value.trim() !== '' && !Number.isFinite(fromLocalInput(value));
    return html`<div>
      <label for=${id}>${label}</label>
      <input id=${id} type="text" autocomplete="off" spellcheck="false" placeholder=${DATE_TIME_FORMAT}
        aria-describedby="time-format" aria-invalid=${bad ? 'true' : 'false'} .value=${value}
        @input=${(e: Event) => set((e.target as HTMLInputElement).value)} />
    </div>`;
  }

  private renderTable(t: ProfileTableData) {
    return html`<section class="card" aria-labelledby="shown-title">
      <h2 id="shown-title" class="shown-title" tabindex="-1">${t.name} — ${t.device_alias}</h2>
      <p class="muted">Read ${formatTime(t.readAt)}, ${t.rows.length} row(s)${t.id !== undefined ? ', stored in this browser' : ''}.</p>
      ${renderProfileChart(t, this.chart, formatTime, (c) => (this.chart = c))}
      <ms-export-buttons label="${t.name} (${t.rows.length} rows)" .source=${profileSource(t)}></ms-export-buttons>
      ${t.rows.length === 0 ? html`<p>The meter returned no rows for this range.</p>` : renderProfileTable(t, this.page, (p) => void this.turnPage(p))}
    </section>`;
  }

  private renderStored() {
    const list = this.stored;
    return html`<section class="card" aria-labelledby="stored-title">
      <h2 id="stored-title">Stored profiles</h2>
      ${list === undefined
        ? html`<p>Loading…</p>`
        : list.length === 0
          ? html`<p class="muted">None yet: every profile read is stored here.</p>`
          : html`<ul class="stored">
              ${list.map(
                (p) => html`<li>
                  <span><strong>${p.name}</strong> · ${p.device_alias}<br /><span class="muted">${formatTime(p.readAt)}, ${p.rowCount} row(s)</span></span>
                  <span class="actions">
                    <button aria-label="Open ${p.name} of ${p.device_alias} read ${formatTime(p.readAt)}" @click=${() => void this.open(p.id)}>Open</button>
                    <button class="danger" aria-label="Delete ${p.name} of ${p.device_alias} read ${formatTime(p.readAt)}" @click=${() => void this.deleteStored(p)}>Delete</button>
                  </span>
                </li>`,
              )}
            </ul>`}
    </section>`;
  }

  override render() {
    return html`
      <h1>Profiles</h1>
      <section class="card" aria-labelledby="read-title">
        <h2 id="read-title">Read a load profile or event log</h2>
        ${engineMonitor.error ? html`<p role="alert">The engine worker is not available: ${engineMonitor.error}</p>` : this.renderForm()}
        <p role="status" class="profile-message" tabindex="-1">${this.message}</p>
      </section>
      ${this.table ? this.renderTable(this.table) : nothing} ${this.renderStored()}
    `;
  }
}

customElements.define('ms-profiles-page', ProfilesPage);
