import { LitElement, css, html } from 'lit';
import type { StorageEstimateInfo } from '../../store';
import { getEngine } from '../engine-client';
import { errorText, formatBytes } from '../format';
import { pageStyles } from '../shared-styles';
import { SETTING, getStore } from '../store-client';
import { currentTheme, isThemePreference, saveTheme, type ThemePreference } from '../theme';
import './settings-csv';
import { PROBE_FACTORY, loadProbe, saveProbe, type ProbeDefaults } from './settings-probe';
import './settings-probes';

const THEMES: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export class SettingsPage extends LitElement {
  static override properties = {
    theme: { state: true },
    bridgeUrl: { state: true },
    bridgeToken: { state: true },
    bridgeMessage: { state: true },
    storage: { state: true },
    storageMessage: { state: true },
    engineMessage: { state: true },
    probe: { state: true },
    probeMessage: { state: true },
    readingCount: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .choice {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        min-height: 44px;
        font-weight: 400;
        margin: 0;
      }
      .choice input {
        width: 1.25rem;
        height: 1.25rem;
        margin: 0;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 1rem;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .help {
        margin: 0 0 0.5rem;
        font-size: 0.9rem;
      }
    `,
  ];

  declare theme: ThemePreference;
  declare bridgeUrl: string;
  declare bridgeToken: string;
  declare bridgeMessage: string;
  declare storage: StorageEstimateInfo | undefined;
  declare storageMessage: string;
  declare engineMessage: string;
  declare probe: ProbeDefaults;
  declare probeMessage: string;
  declare readingCount: number | undefined;

  constructor() {
    super();
    this.theme = currentTheme();
    this.bridgeUrl = '';
    this.bridgeToken = '';
    this.bridgeMessage = '';
    this.storage = undefined;
    this.storageMessage = '';
    this.engineMessage = '';
    this.probe = { ...PROBE_FACTORY };
    this.probeMessage = '';
    this.readingCount = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadSettings();
  }

  private async loadSettings(): Promise<void> {
    try {
      const store = await getStore();
      const [theme, url, token, storage, probe, count] = await Promise.all([
        store.getSetting(SETTING.theme),
        store.getSetting<string>(SETTING.bridgeUrl),
        store.getSetting<string>(SETTING.bridgeToken),
        store.estimate(),
        loadProbe(store),
        store.countReadings().catch(() => undefined),
      ]);
      this.probe = probe;
      this.readingCount = count;
      // The stored choice wins over what the page showed first (the first-paint cache may be stale).
      if (isThemePreference(theme)) this.theme = theme;
      this.bridgeUrl = typeof url === 'string' ? url : '';
      this.bridgeToken = typeof token === 'string' ? token : '';
      this.storage = storage;
    } catch (e) {
      this.storageMessage = `Storage is not available: ${errorText(e)}`;
    }
  }

  private async setTheme(pref: ThemePreference): Promise<void> {
    this.theme = pref;
    try {
      await saveTheme(pref);
    } catch (e) {
      this.storageMessage = `The theme applies now but was not saved: ${errorText(e)}`;
    }
  }

  private async saveBridge(e: Event): Promise<void> {
    e.preventDefault();
    const url = this.bridgeUrl.trim();
    if (url && !/^wss?:\/\/[^\s]+$/i.test(url)) {
      this.bridgeMessage = 'The bridge address must start with ws:// or wss://, e.g. ws://127.0.0.1:8765.';
      return;
    }
    try {
      const store = await getStore();
      await store.setSetting(SETTING.bridgeUrl, url);
      await store.setSetting(SETTING.bridgeToken, this.bridgeToken);
      this.bridgeMessage = 'Bridge settings saved.';
    } catch (err) {
      this.bridgeMessage = `Not saved: ${errorText(err)}`;
    }
  }

  private async saveProbeOptions(e: Event): Promise<void> {
    e.preventDefault();
    try {
      await saveProbe(await getStore(), this.probe);
      this.probeMessage = 'Probe options saved. New serial devices in the editor start with them.';
    } catch (err) {
      this.probeMessage = `Not saved: ${errorText(err)}`;
    }
  }

  private renderProbe() {
    const flag = (id: 'dtr' | 'rts', label: string, help: string) => html`<label class="choice">
        <input
          type="checkbox"
          id=${`probe-${id}`}
          .checked=${this.probe[id] === 1}
          aria-describedby=${`probe-${id}-help`}
          @change=${(e: Event) => (this.probe = { ...this.probe, [id]: (e.target as HTMLInputElement).checked ? 1 : 0 })}
        />
        ${label}
      </label>
      <p class="muted help" id=${`probe-${id}-help`}>${help}</p>`;
    return html`<form @submit=${this.saveProbeOptions}>
      ${flag('dtr', 'Raise DTR when the port opens', 'Some optical heads take their power from DTR or RTS; without it they stay dark.')}
      ${flag('rts', 'Raise RTS when the port opens', 'Turn off for RS-485 adapters that use RTS to switch direction.')}
      <label for="probe-echo">Echo of the probe</label>
      <select
        id="probe-echo"
        aria-describedby="probe-echo-help"
        @change=${(e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          this.probe = { ...this.probe, echo: v === 'auto' ? 'auto' : v === '1' ? 1 : 0 };
        }}
      >
        <option value="auto" ?selected=${this.probe.echo === 'auto'}>Detect (auto)</option>
        <option value="1" ?selected=${this.probe.echo === 1}>The probe echoes what is sent: strip it</option>
        <option value="0" ?selected=${this.probe.echo === 0}>No echo</option>
      </select>
      <p class="muted help" id="probe-echo-help">
        These are the defaults for new serial devices in the editor (fields dtr, rts and echo); each device can still
        set its own.
      </p>
      <div class="actions"><button class="primary" type="submit">Save probe options</button></div>
      <p role="status" class="probe-message">${this.probeMessage}</p>
    </form>`;
  }

  private async persist(): Promise<void> {
    try {
      const store = await getStore();
      const granted = await store.requestPersistence();
      this.storage = await store.estimate();
      this.storageMessage = granted
        ? 'The browser granted persistent storage.'
        : 'The browser did not grant persistent storage (it may decide later, e.g. once the app is installed).';
    } catch (e) {
      this.storageMessage = `Request failed: ${errorText(e)}`;
    }
  }

  private async pingEngine(): Promise<void> {
    const t0 = performance.now();
    try {
      const answer = await getEngine().ping();
      this.engineMessage = `Engine answered "${answer}" in ${Math.round(performance.now() - t0)} ms.`;
    } catch (e) {
      this.engineMessage = `The engine did not answer: ${errorText(e)}`;
    }
  }

  override render() {
    const s = this.storage;
    return html`
      <h1>Settings</h1>

      <section class="card" aria-labelledby="theme-title">
        <h2 id="theme-title">Appearance</h2>
        <fieldset>
          <legend>Theme</legend>
          ${THEMES.map(
            (t) => html`<label class="choice">
              <input
                type="radio"
                name="theme"
                value=${t.value}
                .checked=${this.theme === t.value}
                @change=${() => void this.setTheme(t.value)}
              />
              ${t.label}
            </label>`,
          )}
        </fieldset>
      </section>

      <section class="card" aria-labelledby="bridge-title">
        <h2 id="bridge-title">WebSocket bridge</h2>
        <p class="muted">Meters on a LAN are reached through the MeterScope bridge. The token is the one it prints at start.</p>
        <form @submit=${this.saveBridge}>
          <label for="bridge-url">Bridge address</label>
          <input
            id="bridge-url"
            type="url"
            inputmode="url"
            placeholder="ws://127.0.0.1:8765"
            autocomplete="off"
            .value=${this.bridgeUrl}
            @input=${(e: Event) => (this.bridgeUrl = (e.target as HTMLInputElement).value)}
          />
          <label for="bridge-token">Bridge token</label>
          <input
            id="bridge-token"
            type="password"
            autocomplete="off"
            spellcheck="false"
            .value=${this.bridgeToken}
            @input=${(e: Event) => (this.bridgeToken = (e.target as HTMLInputElement).value)}
          />
          <div class="actions"><button class="primary" type="submit">Save bridge settings</button></div>
          <p role="status">${this.bridgeMessage}</p>
        </form>
      </section>

      <section class="card" aria-labelledby="probe-title">
        <h2 id="probe-title">Optical probe</h2>
        ${this.renderProbe()}
        <ms-probe-settings></ms-probe-settings>
      </section>

      <section class="card" aria-labelledby="csv-title">
        <h2 id="csv-title">CSV files</h2>
        <ms-csv-settings></ms-csv-settings>
      </section>

      <section class="card" aria-labelledby="storage-title">
        <h2 id="storage-title">Storage</h2>
        ${s
          ? html`<dl>
              <dt>Used</dt>
              <dd class="usage">${formatBytes(s.usage)}</dd>
              <dt>Available to this app</dt>
              <dd>${formatBytes(s.quota)}</dd>
              <dt>Stored readings</dt>
              <dd class="reading-count">${this.readingCount === undefined ? 'unknown' : this.readingCount}</dd>
              <dt>Persistent</dt>
              <dd class="persisted">${s.persisted ? 'yes: the browser will not evict this data' : 'no: the browser may evict data under storage pressure'}</dd>
            </dl>`
          : html`<p>Measuring…</p>`}
        <div class="actions">
          <button @click=${() => void this.persist()}>Request persistent storage</button>
          <a class="button" href="#/history">Stored readings on History</a>
        </div>
        <p role="status">${this.storageMessage}</p>
      </section>

      <section class="card" aria-labelledby="engine-title">
        <h2 id="engine-title">Engine</h2>
        <p class="muted">The protocol engine runs in a background worker so the page stays responsive.</p>
        <div class="actions"><button @click=${() => void this.pingEngine()}>Check engine</button></div>
        <p role="status" class="engine-answer">${this.engineMessage}</p>
      </section>
    `;
  }
}

customElements.define('ms-settings-page', SettingsPage);
