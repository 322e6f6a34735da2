import { LitElement, css, html, nothing } from 'lit';
import { NO_LABELS, type ReadingLabels } from '../../export/reading-labels';
import type { EventRecord, MeterStore, ReadingFilter, StorageEstimateInfo, StoredReading } from '../../store';
import { focusResult, prepareAnnouncer } from '../components/announcer';
import '../components/export-buttons';
import type { ExportSource } from '../components/export-buttons';
import { errorText, formatBytes, formatReadingValue, formatTime } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { EMPTY_FORM, TIME_FORMAT, describeFilter, exportName, toFilter, type HistoryForm } from './history-filter';
import { exportContext, readingsExport, storedReadings } from './read-exports';

const LIMIT = 200;

/**
 * Stored readouts: filter by device, signal and time; delete the selection; export it as CSV or
 * JSON (streamed from IndexedDB, so a large selection never sits in memory at once); and see how
 * much this browser stores and whether it may evict it.
 */
export class HistoryPage extends LitElement {
  static override properties = {
    form: { state: true },
    readings: { state: true },
    total: { state: true },
    applied: { state: true },
    message: { state: true },
    storage: { state: true },
    known: { state: true },
    labels: { state: true },
    interrupted: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      .filters {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr));
        gap: 0 1rem;
      }
      .storage {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 1rem;
      }
      .storage p {
        margin: 0;
      }
      .bad {
        color: var(--ms-error);
        font-weight: 600;
      }
      .format-hint {
        margin: 0.25rem 0 0;
        font-size: 0.9rem;
      }
      input[aria-invalid='true'] {
        border: 2px solid var(--ms-error);
      }
      #sel-title:focus,
      #storage-title:focus {
        outline: 3px solid var(--ms-focus);
        outline-offset: 2px;
      }
      /* A number never breaks across lines: 123 456.78 kWh split in two is misread. */
      .num {
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  declare form: HistoryForm;
  declare readings: StoredReading[] | undefined;
  /** How many readings the applied filter selects (all of them, not just the shown newest). */
  declare total: number | undefined;
  declare applied: ReadingFilter;
  declare message: string;
  declare storage: StorageEstimateInfo | undefined;
  /** Device and signal aliases seen in the shown readings, for the inputs' suggestions. */
  declare known: { devices: string[]; signals: string[] };
  /** Device and signal names and meter identities, from the configurations (the same as in exports). */
  declare labels: ReadingLabels;
  /** Reads cut off by a reload or a closed tab (the worker records them at its next start). */
  declare interrupted: EventRecord[];

  private store: MeterStore | undefined;

  constructor() {
    super();
    this.form = { ...EMPTY_FORM, ...formFromHash() };
    this.readings = undefined;
    this.total = undefined;
    this.applied = {};
    this.message = '';
    this.storage = undefined;
    this.known = { devices: [], signals: [] };
    this.labels = NO_LABELS;
    this.interrupted = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    prepareAnnouncer();
    void this.query();
  }

  private set(key: keyof HistoryForm, value: string): void {
    this.form = { ...this.form, [key]: value };
  }

  private async query(): Promise<void> {
    const f = toFilter(this.form);
    if (!f.ok) {
      this.message = f.message;
      return;
    }
    try {
      const store = (this.store ??= await getStore());
      const [rows, total, storage] = await Promise.all([
        store.queryReadings({ ...f.filter, limit: LIMIT, newestFirst: true }),
        store.countReadings(f.filter),
        store.estimate().catch(() => undefined),
      ]);
      this.readings = rows;
      this.total = total;
      this.applied = f.filter;
      this.storage = storage;
      this.message = '';
      const devices = new Set(this.known.devices);
      const signals = new Set(this.known.signals);
      for (const r of rows) {
        devices.add(r.device_alias);
        signals.add(r.signal_alias);
      }
      this.known = { devices: [...devices].sort(), signals: [...signals].sort() };
      this.labels = (await exportContext(rows)).labels;
      const events = await store.queryEvents({ ...(f.filter.device_alias ? { device_alias: f.filter.device_alias } : {}), newestFirst: true, limit: 200 });
      this.interrupted = events.filter((e) => e.kind === 'interrupted').slice(0, 10);
    } catch (e) {
      this.readings = [];
      this.total = 0;
      this.message = `Readings could not be read: ${errorText(e)}`;
    }
  }

  private async deleteSelection(): Promise<void> {
    const n = this.total ?? 0;
    const what = describeFilter(this.applied);
    if (n === 0 || !confirm(`Delete ${n} stored reading(s) (${what})? This cannot be undone; export them first if you need them.`)) return;
    try {
      const store = (this.store ??= await getStore());
      const deleted = await store.deleteReadings(this.applied);
      await this.query();
      this.message = `Deleted ${deleted} reading(s).`;
      // The Delete button disabled itself (nothing left to delete): focus the selection it emptied.
      await this.updateComplete;
      focusResult(this.renderRoot.querySelector<HTMLElement>('#sel-title'), this.message);
    } catch (e) {
      this.message = `Nothing deleted: ${errorText(e)}`;
    }
  }

  private async persist(): Promise<void> {
    try {
      const store = (this.store ??= await getStore());
      const granted = await store.requestPersistence();
      this.storage = await store.estimate();
      this.message = granted ? 'The browser granted persistent storage.' : 'The browser did not grant persistent storage (it may, once the app is installed).';
      // When granted, the button is gone: focus the storage heading rather than <body>.
      await this.updateComplete;
      focusResult(this.renderRoot.querySelector<HTMLElement>('#storage-title'), this.message);
    } catch (e) {
      this.message = `Request failed: ${errorText(e)}`;
    }
  }

  /** Streams are made on click from the applied filter: the export is exactly the selection shown. */
  private exportSource(): ExportSource | undefined {
    const store = this.store;
    if (!store) return undefined;
    const filter = { ...this.applied };
    return readingsExport(exportName(filter), storedReadings(filter));
  }

  private renderStorage() {
    const s = this.storage;
    if (!s) return html`<p class="muted">Measuring storage…</p>`;
    return html`<div class="storage">
      <p>Stored in this browser: <strong class="usage">${formatBytes(s.usage)}</strong> of ${formatBytes(s.quota)}.</p>
      <p class=${s.persisted ? 'persisted' : 'persisted bad'}>${s.persisted
          ? 'Persistent: the browser will not evict this data.'
          : 'Not persistent: the browser may evict data under storage pressure.'}</p>
      ${s.persisted ? nothing : html`<button type="button" @click=${() => void this.persist()}>Request persistent storage</button>`}
    </div>`;
  }

  /**
   * A date and time as one text field: one Tab stop (datetime-local with seconds costs up to nine),
   * ISO order whatever the locale, marked invalid as typed; the filter says why on Show.
   */
  private timeField(key: 'from' | 'to', label: string) {
    const text = this.form[key];
    const bad = text.trim() !== '' && !toFilter({ ...EMPTY_FORM, [key]: text }).ok;
    return html`<div>
      <label for=${key}>${label}</label>
      <input id=${key} type="text" autocomplete="off" spellcheck="false" placeholder=${TIME_FORMAT} aria-describedby="time-format"
        aria-invalid=${bad ? 'true' : 'false'} .value=${text} @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value)} />
    </div>`;
  }

  override render() {
    const rows = this.readings;
    const total = this.total ?? 0;
    return html`
      <h1>History</h1>
      <section class="card" aria-labelledby="storage-title">
        <h2 id="storage-title" tabindex="-1">Storage</h2>
        ${this.renderStorage()}
      </section>
      <form
        class="card"
        role="search"
        aria-label="Filter readings"
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.query();
        }}
      >
        <div class="filters">
          <div>
            <label for="device">Device alias (empty for all)</label>
            <input id="device" type="text" list="known-devices" autocomplete="off" .value=${this.form.device} @input=${(e: Event) => this.set('device', (e.target as HTMLInputElement).value)} />
          </div>
          <div>
            <label for="signal">Signal alias (empty for all)</label>
            <input id="signal" type="text" list="known-signals" autocomplete="off" .value=${this.form.signal} @input=${(e: Event) => this.set('signal', (e.target as HTMLInputElement).value)} />
          </div>
          ${this.timeField('from', 'From')} ${this.timeField('to', 'To')}
        </div>
        <p id="time-format" class="muted format-hint">Local time as ${TIME_FORMAT} (seconds optional); empty for open.</p>
        <datalist id="known-devices">${this.known.devices.map((d) => html`<option value=${d}></option>`)}</datalist>
        <datalist id="known-signals">${this.known.signals.map((d) => html`<option value=${d}></option>`)}</datalist>
        <div class="actions">
          <button type="submit" class="primary">Show</button>
          <button
            type="button"
            @click=${() => {
              this.form = { ...EMPTY_FORM };
              void this.query();
            }}
          >
            Clear filters
          </button>
        </div>
      </form>
      ${this.message ? html`<p role="status" class="message">${this.message}</p>` : nothing}
      ${this.interrupted.length === 0
        ? nothing
        : html`<section class="card interrupted" aria-labelledby="int-title">
            <h2 id="int-title">Interrupted reads</h2>
            <ul>
              ${this.interrupted.map(
                (e) => html`<li><time datetime=${new Date(e.ts).toISOString()}>${formatTime(e.ts)}</time>${e.device_alias ? html` <strong>${e.device_alias}</strong>` : ''}: ${e.message}</li>`,
              )}
            </ul>
          </section>`}
      ${rows === undefined
        ? html`<p>Loading…</p>`
        : html`<section class="card" aria-labelledby="sel-title">
            <h2 id="sel-title" tabindex="-1">${total} reading${total === 1 ? '' : 's'}: ${describeFilter(this.applied)}</h2>
            ${total > rows.length ? html`<p class="muted">Showing the newest ${rows.length}; export or delete takes all ${total}.</p>` : nothing}
            <ms-export-buttons label="This selection" .source=${this.exportSource()} ?disabled=${total === 0}></ms-export-buttons>
            <div class="actions">
              <button type="button" class="danger" ?disabled=${total === 0} @click=${() => void this.deleteSelection()}>
                Delete ${total === 0 ? '' : `${total} `}reading${total === 1 ? '' : 's'}
              </button>
            </div>
          </section>
          ${rows.length === 0
            ? html`<p class="card empty">
                ${Object.keys(this.applied).length ? 'No stored reading matches these filters.' : 'No readings stored yet. Readings appear here once the engine reads meters.'}
              </p>`
            : html`<div class="table-wrap card">
                <table class="stack">
                  <caption class="visually-hidden">Stored readings, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th><th scope="col">Device</th><th scope="col">Signal</th>
                      <th scope="col">Value</th><th scope="col">Quality</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map((r) => {
                      const l = this.labels.of(r);
                      // The same format as on Read: the locale's, with the meter's decimals.
                      const value = r.value === null ? '' : formatReadingValue(r.value, r.decimals);
                      return html`<tr>
                        <td data-label="Time">${formatTime(r.ts)}</td>
                        <td data-label="Device">
                          <span>${l.device_name ?? r.device_alias}${l.device_name ? html`<br /><code class="muted">${r.device_alias}</code>` : ''}${l.meter_id
                              ? html`<br /><span class="muted meter-id">Meter ${l.meter_id}</span>`
                              : ''}</span>
                        </td>
                        <td data-label="Signal">
                          <span>${l.signal_name ?? r.signal_alias}${l.signal_name ? html`<br /><code class="muted">${r.signal_alias}</code>` : ''}${r.address
                              ? html`<br /><code class="muted">${r.address}</code>`
                              : ''}</span>
                        </td>
                        <td data-label="Value" class="value"><span class="num">${value}</span> ${r.unit ?? ''}</td>
                        <td data-label="Quality">${r.quality}${r.error ? ` (${r.error})` : ''}</td>
                      </tr>`;
                    })}
                  </tbody>
                </table>
              </div>`}`}
    `;
  }
}

/** `#/history?device=x&signal=y`: other pages link to one device's history. */
function formFromHash(): Partial<HistoryForm> {
  const q = location.hash.split('?')[1];
  if (!q) return {};
  const p = new URLSearchParams(q);
  const out: Partial<HistoryForm> = {};
  const d = p.get('device');
  const s = p.get('signal');
  if (d) out.device = d;
  if (s) out.signal = s;
  return out;
}

customElements.define('ms-history-page', HistoryPage);
