import { LitElement, html } from 'lit';
import type { StoredReading } from '../../store';
import { errorText, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';

const LIMIT = 200;

/** The newest stored readings, optionally for one device. */
export class HistoryPage extends LitElement {
  static override properties = {
    readings: { state: true },
    device: { state: true },
    message: { state: true },
  };

  static override styles = pageStyles;

  declare readings: StoredReading[] | undefined;
  declare device: string;
  declare message: string;

  constructor() {
    super();
    this.readings = undefined;
    this.device = '';
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.query();
  }

  private async query(): Promise<void> {
    try {
      const store = await getStore();
      const device = this.device.trim();
      this.readings = await store.queryReadings({
        ...(device ? { device_alias: device } : {}),
        limit: LIMIT,
        newestFirst: true,
      });
      this.message = '';
    } catch (e) {
      this.readings = [];
      this.message = `Readings could not be read: ${errorText(e)}`;
    }
  }

  override render() {
    const rows = this.readings;
    return html`
      <h1>History</h1>
      <p class="muted">Readings stored in this browser, newest first (at most ${LIMIT}).</p>
      <form
        class="card"
        role="search"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.query();
        }}
      >
        <label for="device">Device alias (empty for all)</label>
        <input id="device" type="text" autocomplete="off" .value=${this.device} @input=${(e: Event) => (this.device = (e.target as HTMLInputElement).value)} />
        <div class="actions"><button type="submit">Show</button></div>
      </form>
      ${this.message ? html`<p role="alert">${this.message}</p>` : ''}
      ${rows === undefined
        ? html`<p>Loading…</p>`
        : rows.length === 0
          ? html`<p class="card empty">No readings stored yet. Readings appear here once the engine reads meters.</p>`
          : html`<div class="table-wrap card">
              <table class="stack">
                <caption class="visually-hidden">Stored readings</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th><th scope="col">Device</th><th scope="col">Signal</th>
                    <th scope="col">Value</th><th scope="col">Quality</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (r) => html`<tr>
                      <td data-label="Time">${formatTime(r.ts)}</td>
                      <td data-label="Device">${r.device_alias}</td>
                      <td data-label="Signal">
                        <span>${r.signal_alias}${r.address ? html`<br /><code class="muted">${r.address}</code>` : ''}</span>
                      </td>
                      <td data-label="Value">${r.value === null ? '' : String(r.value)} ${r.unit ?? ''}</td>
                      <td data-label="Quality">${r.quality}${r.error ? ` (${r.error})` : ''}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`}
    `;
  }
}

customElements.define('ms-history-page', HistoryPage);
