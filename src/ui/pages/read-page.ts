import { LitElement, html } from 'lit';
import type { StoredConfig } from '../../store';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { notWiredNote, renderEngineStatus } from './engine-status-view';

/** Load a saved configuration into the engine and start or stop it. */
export class ReadPage extends LitElement {
  static override properties = {
    configs: { state: true },
    selected: { state: true },
    message: { state: true },
    working: { state: true },
  };

  static override styles = pageStyles;

  declare configs: StoredConfig[];
  declare selected: string;
  declare message: string;
  declare working: boolean;

  constructor() {
    super();
    this.configs = [];
    this.selected = '';
    this.message = '';
    this.working = false;
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void engineMonitor.refresh().catch(() => undefined);
    void getStore()
      .then((s) => s.listConfigs())
      .then((list) => {
        this.configs = list.sort((a, b) => a.name.localeCompare(b.name));
        if (!this.selected && list[0]) this.selected = list[0].name;
      })
      .catch((e: unknown) => (this.message = `Saved configurations could not be read: ${errorText(e)}`));
  }

  private async run(what: string, fn: () => Promise<string>): Promise<void> {
    this.working = true;
    try {
      this.message = await fn();
    } catch (e) {
      this.message = `${what} failed: ${errorText(e)}`;
    } finally {
      this.working = false;
      await engineMonitor.refresh().catch(() => undefined);
    }
  }

  private load(): Promise<void> {
    return this.run('Loading', async () => {
      const c = this.configs.find((x) => x.name === this.selected);
      if (!c) return 'Choose a saved configuration first (save one on the Meters page).';
      const result = await getEngine().loadConfig(JSON.parse(c.raw));
      return result.ok
        ? `Loaded "${c.name}": ${result.deviceCount} device(s), ${result.signalCount} signal(s).`
        : `Refused: "${c.name}" has ${result.errors.length} error(s); check it on the Meters page.`;
    });
  }

  private readonly startEngine = async (): Promise<string> => {
    const s = await getEngine().start();
    const idle = s.devices.filter((d) => d.state === 'idle').length;
    return `Started: ${idle} enabled device(s) reported idle.`;
  };

  private readonly stopEngine = async (): Promise<string> => {
    await getEngine().stop();
    return 'Stopped.';
  };

  override render() {
    const status = engineMonitor.status;
    const state = status?.state ?? 'empty';
    return html`
      <h1>Read</h1>
      ${notWiredNote}
      <section class="card" aria-labelledby="cfg-title">
        <h2 id="cfg-title">Configuration</h2>
        ${this.configs.length === 0
          ? html`<p class="muted">No saved configuration yet. Import one on the <a href="#/meters">Meters</a> page.</p>`
          : html`<label for="cfg">Saved configuration</label>
              <select id="cfg" .value=${this.selected} @change=${(e: Event) => (this.selected = (e.target as HTMLSelectElement).value)}>
                ${this.configs.map((c) => html`<option value=${c.name} ?selected=${c.name === this.selected}>${c.name}</option>`)}
              </select>`}
        <div class="actions">
          <button @click=${() => void this.load()} ?disabled=${this.working || this.configs.length === 0}>Load into engine</button>
          <button
            class="primary"
            @click=${() => void this.run('Start', this.startEngine)}
            ?disabled=${this.working || state !== 'loaded'}
          >
            Start
          </button>
          <button
            @click=${() => void this.run('Stop', this.stopEngine)}
            ?disabled=${this.working || state !== 'running'}
          >
            Stop
          </button>
        </div>
        <p role="status">${this.message}</p>
      </section>
      <section class="card" aria-labelledby="status-title">
        <h2 id="status-title">Engine status</h2>
        ${renderEngineStatus(status, engineMonitor.error)}
      </section>
    `;
  }
}

customElements.define('ms-read-page', ReadPage);
