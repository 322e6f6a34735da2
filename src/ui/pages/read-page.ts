import { LitElement, css, html, nothing } from 'lit';
import { describeObis } from '../../protocols/cosem/dictionary';
import type { StoredConfig } from '../../store';
import '../components/export-buttons';
import '../components/live-table';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { BusyTicker, deviceStyles, renderDevices } from './read-devices';
import { sessionSource, storedSource } from './read-exports';
import { configSignals, liveRows } from './read-model';
import './read-port-card';

export const DEMO_CONFIG_NAME = 'Demo meter';

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
  };

  static override styles = [
    pageStyles,
    deviceStyles,
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
    `,
  ];

  declare configs: StoredConfig[];
  declare selected: string;
  declare device: string;
  declare message: string;
  declare working: boolean;
  declare reading: boolean;
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
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
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
    });
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
    });
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
          readings = await getEngine().readOnce(this.device || undefined);
        } catch (e) {
          // After Cancel the read rejects: that is the answer the user asked for, not a failure.
          if (this.cancelled) return `Cancelled. ${engineMonitor.session.length} value(s) read before that are kept.`;
          throw e;
        }
        engineMonitor.addToSession(readings);
        const bad = readings.filter((r) => r.quality === 'bad').length;
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        return `Read ${readings.length} value(s) in ${secs} s${bad ? `, ${bad} bad` : ''}. They are stored.`;
      },
      'readMessage',
    );
    this.reading = false;
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
    try {
      await getEngine().cancel();
      if (!this.reading) this.readMessage = 'Cancelled. Values already read are kept.';
    } catch (e) {
      this.readMessage = `Cancel failed: ${errorText(e)}`;
    }
    await engineMonitor.refresh().catch(() => undefined);
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
        ? html`<p class="muted">No saved configuration yet. Import one on the <a href="#/meters">Meters</a> page.</p>`
        : html`<label for="cfg">Saved configuration</label>
            <select id="cfg" .value=${this.selected} @change=${(e: Event) => (this.selected = (e.target as HTMLSelectElement).value)}>
              ${this.configs.map((c) => html`<option value=${c.name} ?selected=${c.name === this.selected}>${c.name}</option>`)}
            </select>
            <div class="actions">
              <button @click=${() => void this.load()} ?disabled=${this.working || state === 'running'}>Load into engine</button>
            </div>`}
      <p role="status" class="load-message">${this.message || restored}</p>
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
      <div class="actions">
        <button class="primary" @click=${() => void this.readNow()} ?disabled=${!loaded || this.working || state === 'running'}>Read now</button>
        <button @click=${() => void this.run('Start', this.startPolling, 'readMessage')} ?disabled=${this.working || state !== 'loaded'}>
          Start polling
        </button>
        <button @click=${() => void this.run('Stop', this.stopPolling, 'readMessage')} ?disabled=${state !== 'running'}>Stop polling</button>
        <button class="danger" @click=${() => void this.cancel()} ?disabled=${!busy && state !== 'running'}>Cancel read</button>
      </div>
      <p role="status" class="read-message">${this.readMessage}</p>
      ${engineMonitor.storageWarning ? html`<p role="alert" class="errors">${engineMonitor.storageWarning}</p>` : nothing}
      ${renderDevices(status, engineMonitor.error, {
        progress: engineMonitor.progress,
        busySince: engineMonitor.busySince,
        now: Date.now(),
      })}
    </section>`;
  }

  private renderValues() {
    const signals = configSignals(engineMonitor.loaded?.raw);
    const rows = liveRows(signals, engineMonitor.latest, describeObis, formatTime);
    const good = rows.filter((r) => r.quality === 'good').length;
    const bad = rows.filter((r) => r.quality === 'bad').length;
    const session = engineMonitor.session;
    return html`<section class="card" aria-labelledby="values-title">
        <h2 id="values-title">Values</h2>
        ${rows.length === 0
          ? html`<p class="muted">No values yet.</p>`
          : html`<p class="summary" aria-live="polite">${rows.length} signal(s): ${good} good, ${bad} bad, ${rows.length - good - bad} waiting.</p>
              <ms-live-table .rows=${rows} caption="Latest value of each signal"></ms-live-table>`}
      </section>
      <section class="card" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <ms-export-buttons label="This read (${session.length} readings)" .source=${sessionSource(session)} ?disabled=${session.length === 0}></ms-export-buttons>
        <ms-export-buttons label="Everything stored" .source=${storedSource}></ms-export-buttons>
      </section>`;
  }

  override render() {
    const state = engineMonitor.status?.state ?? 'empty';
    return html`
      <h1>Read</h1>
      ${this.renderMeterCard(state)} ${this.renderReadCard(state)} ${this.renderValues()}
    `;
  }
}

customElements.define('ms-read-page', ReadPage);
