import { LitElement, css, html, nothing } from 'lit';
import type { StoredConfig } from '../../store';
import { focusResult, prepareAnnouncer } from '../components/announcer';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { pageReadFeedback, withReadFeedback } from '../read-feedback';
import { getStore } from '../store-client';
import type { LiveRow } from '../components/live-table';
import { BusyTicker, deviceStyles, renderDevices } from './read-devices';
import { configSignals, liveRows } from './read-model';
import './read-port-card';
import { outcomeSpeech, type ReadOutcome } from './read-outcome';
import { summaryStyles } from './read-summary-styles';

export const DEMO_CONFIG_NAME = 'Demo meter';

/** The sections below the first screen (see ReadPage.firstUpdated). */
type Lower = typeof import('./read-lower');
const loadLower = (): Promise<Lower> => import('./read-lower');

/** How the last "Read now" ended, kept for this tab (the summary card outlives a walk to History). */
let lastOutcome: ReadOutcome | undefined;

/**
 * Told when a "Read now" ends (bubbles out of the page, composed): the place for a phone's
 * end-of-read signal or anything else that wants to know. `detail` is the outcome.
 */
export const READ_FINISHED = 'read-finished';

/**
 * Read a meter: pick where it is (demo, saved configuration, serial port, bridge), read once or
 * poll, watch each device's state and the progress of long reads, see the values, export them.
 */
export class ReadPage extends LitElement {
  static override properties = {
    configs: { state: true },
    selected: { state: true },
    device: { state: true },
    message: { state: true },
    working: { state: true },
    reading: { state: true },
    lower: { state: true },
  };

  static override styles = [
    pageStyles,
    deviceStyles,
    summaryStyles,
    css`
      .demo {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
      .demo p {
        margin: 0;
      }
      .summary {
        font-weight: 600;
      }
      .connect-lead {
        margin: 0 0 0.5rem;
      }
      .saved-config {
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: 0.5rem;
      }
      .saved-config > div {
        flex: 1 1 12rem;
        min-width: 0;
      }
      .saved-config .actions {
        margin: 0;
      }
      .read-actions button.primary {
        min-height: 52px;
        padding-inline: 1.5rem;
        font-size: 1.1rem;
      }
      /*
       * Two lines kept for the load's and the read's outcome even while empty: text arriving at the
       * end of an action must not push the cards below down on a phone (layout shift).
       */
      .read-message,
      .load-message {
        margin: 0.5rem 0 0;
        line-height: 1.5;
        min-height: 3em;
      }
      .read-bar {
        display: contents;
      }
      .device-name {
        margin: 0.25rem 0 0;
        font-size: 0.9rem;
        overflow-wrap: anywhere;
      }
      /* The result card is scrolled to when a read ends: clear of the fixed read bar and bottom nav. */
      .result {
        scroll-margin: 1rem 0 calc(140px + env(safe-area-inset-bottom, 0px));
      }
      /*
       * A phone held in one hand: "Read now" and "Cancel read" sit in a bar at the bottom of the
       * screen, above the navigation, where the thumb is, on every scroll position of the page; the
       * port choice above is on the same first screen. Matches the shell's bottom-nav breakpoint.
       */
      @media (max-width: 767px) {
        :host {
          padding-bottom: 76px;
        }
        .read-bar {
          display: flex;
          gap: 0.5rem;
          position: fixed;
          left: 0;
          right: 0;
          /* Above the shell's bottom navigation (56 px links and a 1 px border). */
          bottom: calc(var(--ms-bottom-nav-height, 57px) + env(safe-area-inset-bottom, 0px));
          z-index: 4;
          padding: 0.5rem 1rem;
          background: var(--ms-surface);
          border-top: 1px solid var(--ms-border);
        }
        .read-bar button.primary {
          flex: 2 1 0;
        }
        .read-bar button.danger {
          flex: 1 1 0;
        }
        .read-actions > button {
          flex: 1 1 0;
          padding-inline: 0.5rem;
        }
      }
    `,
  ];

  declare configs: StoredConfig[];
  declare selected: string;
  declare device: string;
  declare message: string;
  declare working: boolean;
  declare reading: boolean;
  /** The sections below the first screen, once their module is loaded (see firstUpdated). */
  declare lower: Lower | undefined;
  private readonly ticker = new BusyTicker(() => this.requestUpdate());
  private cancelled = false;

  constructor() {
    super();
    this.configs = [];
    this.selected = engineMonitor.loaded?.name ?? '';
    this.device = '';
    this.message = '';
    this.working = false;
    this.reading = false;
    this.lower = undefined;
    new EngineWatch(this);
  }

  /**
   * The first screen (port card, Read now) renders and paints on its own; the sections below it
   * (result, live values, devices, values, export) follow in a task of their own, so the page's
   * first render is not one long task at start-up. They are added below what is on screen, so
   * nothing visible moves.
   */
  override firstUpdated(): void {
    requestAnimationFrame(() =>
      setTimeout(() => {
        loadLower().then(
          (m) => (this.lower = m),
          (e: unknown) => (this.message = `Part of this page could not be loaded: ${errorText(e)}`),
        );
      }, 0),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    prepareAnnouncer();
    void engineMonitor.refresh().catch(() => undefined);
    void this.listConfigs();
  }

  override disconnectedCallback(): void {
    this.ticker.stop();
    super.disconnectedCallback();
  }

  override updated(): void {
    this.ticker.update(engineMonitor.busy || this.reading);
  }

  private async listConfigs(): Promise<void> {
    try {
      const list = await (await getStore()).listConfigs();
      this.configs = list.sort((a, b) => a.name.localeCompare(b.name));
      if (!this.selected && list[0]) this.selected = this.configs[0]!.name;
    } catch (e) {
      this.message = `Saved configurations could not be read: ${errorText(e)}`;
    }
  }

  override willUpdate(): void {
    // The configuration the worker restored after a reload is the one to offer.
    if (!this.selected && engineMonitor.loaded) this.selected = engineMonitor.loaded.name;
  }

  /** The read summary lives in the engine mirror, so it is still there after a walk to another page. */
  private get readMessage(): string {
    return engineMonitor.readSummary;
  }

  private set readMessage(text: string) {
    engineMonitor.setReadSummary(text);
  }

  private async run(what: string, fn: () => Promise<string>, target: 'message' | 'readMessage' = 'message'): Promise<void> {
    this.working = true;
    try {
      this[target] = await fn();
    } catch (e) {
      this[target] = `${what} failed: ${errorText(e)}`;
    } finally {
      this.working = false;
      await engineMonitor.refresh().catch(() => undefined);
    }
  }

  /** The built-in demo: fetched from the worker, saved as "Demo meter" (so Meters lists it), loaded. */
  private useDemo(): Promise<void> {
    return this.run('Loading the demo meter', async () => {
      const doc = await getEngine().demoConfig();
      const raw = JSON.stringify(doc, null, 2);
      try {
        await (await getStore()).saveConfig(DEMO_CONFIG_NAME, raw);
      } catch (e) {
        // Not fatal: the demo still reads, it is just not listed on the Meters page.
        this.readMessage = `The demo configuration could not be saved: ${errorText(e)}`;
      }
      const result = await engineMonitor.loadConfiguration(DEMO_CONFIG_NAME, raw);
      this.selected = DEMO_CONFIG_NAME;
      this.device = '';
      await this.listConfigs();
      return result.ok
        ? `Loaded the demo meter: ${result.deviceCount} device(s), ${result.signalCount} signal(s). Press "Read now".`
        : `The demo configuration was refused (${result.errors.length} error(s)).`;
    }).then(() => this.afterLoad());
  }

  /**
   * After a configuration loads, the next step is "Read now": focus goes there (the button just
   * pressed disabled itself, so focus would otherwise fall to <body>), and the outcome is said.
   */
  private async afterLoad(): Promise<void> {
    await this.updateComplete;
    const read = this.renderRoot.querySelector<HTMLButtonElement>('button.read-now');
    const target = read && !read.disabled ? read : this.renderRoot.querySelector<HTMLElement>('.load-message');
    focusResult(target, this.message);
  }

  private load(): Promise<void> {
    return this.run('Loading', async () => {
      const c = this.configs.find((x) => x.name === this.selected);
      if (!c) return 'Choose a saved configuration first (save one on the Meters page).';
      const result = await engineMonitor.loadConfiguration(c.name, c.raw);
      this.device = '';
      return result.ok
        ? `Loaded "${c.name}": ${result.deviceCount} device(s), ${result.signalCount} signal(s).`
        : `Refused: "${c.name}" has ${result.errors.length} error(s); check it on the Meters page.`;
    }).then(() => this.afterLoad());
  }

  private async readNow(): Promise<void> {
    engineMonitor.beginSession();
    this.reading = true;
    this.cancelled = false;
    const started = Date.now();
    await this.run(
      'Reading',
      async () => {
        let readings;
        try {
          // Screen kept on while reading; a vibration or tone at the end (src/ui/read-feedback.ts).
          readings = await withReadFeedback(pageReadFeedback(), () => getEngine().readOnce(this.device || undefined), {
            failed: (rs) => rs.some((r) => r.quality === 'bad'),
            cancelled: () => this.cancelled,
          });
        } catch (e) {
          // After Cancel the read rejects: that is the answer the user asked for, not a failure.
          if (this.cancelled) {
            const text = `Cancelled. ${engineMonitor.session.length} value(s) read before that are kept.`;
            lastOutcome = { count: engineMonitor.session.length, bad: 0, ms: Date.now() - started, problem: text };
            return text;
          }
          lastOutcome = { count: 0, bad: 0, ms: Date.now() - started, problem: `Reading failed: ${errorText(e)}` };
          throw e;
        }
        engineMonitor.addToSession(readings);
        const bad = readings.filter((r) => r.quality === 'bad').length;
        lastOutcome = { count: readings.length, bad, ms: Date.now() - started };
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        return `Read ${readings.length} value(s) in ${secs} s${bad ? `, ${bad} bad` : ''}. They are stored.`;
      },
      'readMessage',
    );
    this.reading = false;
    await this.showOutcome();
  }

  /** Focus the result card (Read now disabled itself), say the outcome, tell whoever listens. */
  private async showOutcome(): Promise<void> {
    const outcome = lastOutcome;
    if (!outcome) return;
    await this.updateComplete;
    const { describeObis } = await loadLower();
    const rows = liveRows(configSignals(engineMonitor.loaded?.raw), engineMonitor.latest, describeObis, formatTime);
    focusResult(this.renderRoot.querySelector<HTMLElement>('section.result'), outcomeSpeech(outcome, rows));
    this.dispatchEvent(new CustomEvent<ReadOutcome>(READ_FINISHED, { detail: outcome, bubbles: true, composed: true }));
  }

  private readonly startPolling = async (): Promise<string> => {
    engineMonitor.beginSession();
    const s = await getEngine().start();
    const n = s.devices.filter((d) => d.state !== 'disabled').length;
    return `Polling ${n} device(s) at their scan rate. Values appear below as they arrive.`;
  };

  private readonly stopPolling = async (): Promise<string> => {
    await getEngine().stop();
    return 'Stopped.';
  };

  private async cancel(): Promise<void> {
    this.cancelled = true;
    const reading = this.reading;
    try {
      await getEngine().cancel();
      if (!this.reading) this.readMessage = 'Cancelled. Values already read are kept.';
    } catch (e) {
      this.readMessage = `Cancel failed: ${errorText(e)}`;
    }
    await engineMonitor.refresh().catch(() => undefined);
    // A cancelled "Read now" moves focus to its result (readNow does); polling cancelled: to Read now.
    if (!reading) await this.focusAfter('button.read-now');
  }

  /** After an action whose button disabled itself: focus the next useful control and say the outcome. */
  private async focusAfter(selector: string): Promise<void> {
    await this.updateComplete;
    const next = this.renderRoot.querySelector<HTMLButtonElement>(selector);
    focusResult(next && !next.disabled ? next : this.renderRoot.querySelector<HTMLElement>('.read-message'), this.readMessage);
  }

  private renderMeterCard(state: string) {
    const restored = engineMonitor.restored && engineMonitor.loaded ? `Loaded "${engineMonitor.loaded.name}" again, as on your last visit.` : '';
    return html`<section class="card" aria-labelledby="meter-title">
      <h2 id="meter-title">Connect a meter</h2>
      <p class="muted connect-lead">Plug in the optical probe and choose its serial port, or try the demo meter: no hardware needed.</p>
      <ms-read-port>
        <button slot="demo" @click=${() => void this.useDemo()} ?disabled=${this.working}>Use the demo meter</button>
      </ms-read-port>
      ${this.configs.length === 0
        ? html`<p class="muted">No saved configuration yet.</p>
            <div class="actions"><a class="button" href="#/meters">Import one on Meters</a></div>`
        : html`<div class="saved-config">
            <div>
              <label for="cfg">Saved configuration</label>
              <select id="cfg" .value=${this.selected} @change=${(e: Event) => (this.selected = (e.target as HTMLSelectElement).value)}>
                ${this.configs.map((c) => html`<option value=${c.name} ?selected=${c.name === this.selected}>${c.name}</option>`)}
              </select>
            </div>
            <div class="actions">
              <button @click=${() => void this.load()} ?disabled=${this.working || state === 'running'}>Load into engine</button>
            </div>
          </div>`}
      <p role="status" class="load-message" tabindex="-1">${this.message || restored}</p>
    </section>`;
  }

  private renderReadCard(state: string) {
    const status = engineMonitor.status;
    const devices = status?.devices ?? [];
    const loaded = state !== 'empty';
    const busy = engineMonitor.busy || this.reading;
    return html`<section class="card" aria-labelledby="read-title">
      <h2 id="read-title">Read</h2>
      ${loaded && devices.length > 1
        ? html`<label for="device">Device</label>
            <select id="device" .value=${this.device} @change=${(e: Event) => (this.device = (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${this.device === ''}>All devices</option>
              ${devices.map(
                (d) => html`<option value=${d.device_alias} ?selected=${d.device_alias === this.device}>${d.device_alias} — ${d.name}</option>`,
              )}
            </select>`
        : nothing}
      ${loaded && devices.length > 1 && this.device
        ? html`<p class="muted device-name">${devices.find((d) => d.device_alias === this.device)?.name ?? ''}</p>`
        : nothing}
      <div class="actions read-actions">
        <div class="read-bar" role="group" aria-label="Read">
          <button class="primary read-now" @click=${() => void this.readNow()} ?disabled=${!loaded || this.working || state === 'running'}>Read now</button>
          <button class="danger" @click=${() => void this.cancel()} ?disabled=${!busy && state !== 'running'}>Cancel read</button>
        </div>
        <button class="start-polling" @click=${() => void this.run('Start', this.startPolling, 'readMessage').then(() => this.focusAfter('button.stop-polling'))}
          ?disabled=${this.working || state !== 'loaded'}>
          Start polling
        </button>
        <button class="stop-polling" @click=${() => void this.run('Stop', this.stopPolling, 'readMessage').then(() => this.focusAfter('button.start-polling'))}
          ?disabled=${state !== 'running'}>Stop polling</button>
      </div>
      <p role="status" class="read-message" tabindex="-1">${this.readMessage}</p>
      ${engineMonitor.storageWarning ? html`<p role="alert" class="errors">${engineMonitor.storageWarning}</p>` : nothing}
    </section>`;
  }

  private renderDevicesCard() {
    return html`<section class="card" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices</h2>
      ${renderDevices(engineMonitor.status, engineMonitor.error, {
        progress: engineMonitor.progress,
        busySince: engineMonitor.busySince,
        now: Date.now(),
      })}
    </section>`;
  }

  /**
   * Sections per kind of device beside the polled ones (a push port that talks first, e.g. DEMO-HAN,
   * shows its live values here). Each kind adds its own section; none for polled devices only.
   */
  private renderLiveSections(m: Lower) {
    // Pushing meters (DLMS mode PUSH): live values, power sparkline, missing and bad frame counts.
    return html`<ms-push-live .describe=${m.describeObis}></ms-push-live>`;
  }

  private showAllValues(): void {
    const heading = this.renderRoot.querySelector<HTMLElement>('#values-title');
    heading?.focus();
  }

  private renderValues(rows: LiveRow[], m: Lower) {
    const good = rows.filter((r) => r.quality === 'good').length;
    const bad = rows.filter((r) => r.quality === 'bad').length;
    return html`<section class="card" aria-labelledby="values-title">
        <h2 id="values-title" tabindex="-1">Values</h2>
        ${rows.length === 0
          ? html`<p class="muted">No values yet.</p>`
          : html`<p class="summary">${rows.length} signal(s): ${good} good, ${bad} bad, ${rows.length - good - bad} waiting.</p>
              <ms-live-table .rows=${rows} caption="Latest value of each signal"></ms-live-table>`}
      </section>
      <section class="card" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <ms-export-buttons label="Everything stored" .source=${m.storedSource}></ms-export-buttons>
      </section>`;
  }

  override render() {
    const state = engineMonitor.status?.state ?? 'empty';
    return html`
      <h1>Read</h1>
      ${this.renderMeterCard(state)} ${this.renderReadCard(state)}
      ${this.lower ? this.renderLower(this.lower) : nothing}
    `;
  }

  private renderLower(m: Lower) {
    const rows = liveRows(configSignals(engineMonitor.loaded?.raw), engineMonitor.latest, m.describeObis, formatTime);
    return html`
      ${m.renderSummary(lastOutcome, rows, engineMonitor.session, this.reading, () => this.showAllValues())}
      ${this.renderLiveSections(m)} ${this.renderDevicesCard()} ${this.renderValues(rows, m)}
    `;
  }
}

customElements.define('ms-read-page', ReadPage);
