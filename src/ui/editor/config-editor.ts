import { LitElement, html, nothing } from 'lit';
import type { Reading } from '../../core/reading';
import { downloadText, safeFileName } from '../download';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText } from '../format';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { loadProbe, type ProbeDefaults } from '../pages/settings-probe';
import {
  PROTOCOLS,
  addDevice,
  addSignal,
  countErrors,
  deviceErrors,
  docIssues,
  docText,
  duplicateDevice,
  duplicateSignal,
  emptyDoc,
  isEnabled,
  orphanSignals,
  protocolOf,
  removeDevice,
  renameDeviceAlias,
  setField,
  signalErrors,
  signalKeyField,
  signalProtocol,
  signalsOf,
  toDoc,
  type ConfigDoc,
  type FieldErrors,
  type Item,
  type Protocol,
} from './config-doc';
import { editorStyles } from './editor-styles';
import { renderDeviceForm, renderSignalForm } from './item-forms';

/** Unsaved editor work survives a reload or a closed tab: kept as a draft in IndexedDB. */
const DRAFT_KEY = 'editor.draft';
const DRAFT_DELAY_MS = 400;

interface Draft {
  name: string;
  doc: ConfigDoc;
  dirty: boolean;
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' && v !== '' ? v : fallback);

/**
 * The configuration editor: devices and signals as forms, every field of DESIGN §3 with its default
 * and allowed values, errors at the field as you type (the config module's validator, the same one
 * the import and the engine use), duplicate / enable / delete, save, export, and "Load and read"
 * once the document is valid.
 *
 * Events: `saved` (detail: name) after a save, so the page can refresh its list.
 */
export class ConfigEditor extends LitElement {
  static override properties = {
    includeSecrets: { type: Boolean },
    doc: { state: true },
    name: { state: true },
    dirty: { state: true },
    openDevice: { state: true },
    newProtocol: { state: true },
    message: { state: true },
    reading: { state: true },
    results: { state: true },
    readMessage: { state: true },
  };

  static override styles = [pageStyles, editorStyles];

  /** Set by the Meters page: exports keep passwords and keys only when the user ticked it. */
  declare includeSecrets: boolean;
  declare doc: ConfigDoc;
  declare name: string;
  declare dirty: boolean;
  /** Index of the device whose form is open (-1: none). */
  declare openDevice: number;
  declare newProtocol: Protocol;
  declare message: string;
  /** Set while a read runs: which device ('' = all). */
  declare reading: string | undefined;
  declare results: Reading[] | undefined;
  declare readMessage: string;

  private readonly openSignals = new Set<number>();
  private probe: ProbeDefaults | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private restored = false;

  constructor() {
    super();
    this.includeSecrets = false;
    this.doc = emptyDoc();
    this.name = '';
    this.dirty = false;
    this.openDevice = -1;
    this.newProtocol = 'DLMS';
    this.message = '';
    this.reading = undefined;
    this.results = undefined;
    this.readMessage = '';
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.restoreDraft();
  }

  override disconnectedCallback(): void {
    // Leaving the page must not lose the last keystrokes.
    if (this.draftTimer) {
      clearTimeout(this.draftTimer);
      this.draftTimer = undefined;
      void this.saveDraft();
    }
    super.disconnectedCallback();
  }

  private async restoreDraft(): Promise<void> {
    try {
      const store = await getStore();
      const [draft, probe] = await Promise.all([store.getSetting<Draft>(DRAFT_KEY), loadProbe(store)]);
      this.probe = probe;
      // open() may have run while the store opened: what the user just did wins over the draft.
      if (this.restored || !draft) return;
      const d = toDoc(draft.doc);
      if (!d.ok) return;
      this.doc = d.doc;
      this.name = typeof draft.name === 'string' ? draft.name : '';
      this.dirty = draft.dirty === true;
    } catch {
      // No IndexedDB: the editor still works, it just cannot keep a draft.
    } finally {
      this.restored = true;
    }
  }

  private scheduleDraft(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      this.draftTimer = undefined;
      void this.saveDraft();
    }, DRAFT_DELAY_MS);
  }

  private async saveDraft(): Promise<void> {
    try {
      const draft: Draft = { name: this.name, doc: this.doc, dirty: this.dirty };
      await (await getStore()).setSetting(DRAFT_KEY, structuredClone(draft));
    } catch {
      // Best effort; the document is still on screen.
    }
  }

  /** Something in the document changed: re-validate (render does), remember, keep a draft. */
  private changed(): void {
    this.dirty = true;
    this.results = undefined;
    this.doc = { ...this.doc };
    this.scheduleDraft();
  }

  /** True when there is unsaved work the user would lose by replacing the document. */
  get hasUnsavedWork(): boolean {
    return this.dirty && (this.doc.devices.length > 0 || this.doc.signals.length > 0);
  }

  /**
   * Open a document in the editor (from an import, a saved configuration or the demo). Returns a
   * reason when the form cannot show it (the import box still lists its errors).
   */
  open(parsed: unknown, name: string, options: { dirty?: boolean } = {}): string | undefined {
    const d = toDoc(parsed);
    if (!d.ok) return d.reason;
    this.restored = true;
    this.doc = d.doc;
    this.name = name;
    this.dirty = options.dirty ?? false;
    this.openSignals.clear();
    this.results = undefined;
    this.readMessage = '';
    // Open the first device with errors, so the mistake is on screen right away.
    const firstBad = this.doc.devices.findIndex((_, i) => countErrors(deviceErrors(this.doc, i)) > 0);
    this.openDevice = firstBad >= 0 ? firstBad : this.doc.devices.length === 1 ? 0 : -1;
    this.message = `Opened "${name}" in the editor.`;
    this.scheduleDraft();
    return undefined;
  }

  // ---------------------------------------------------------------- actions

  private newDevice(): void {
    const i = addDevice(this.doc, this.newProtocol, this.probe ? { probe: this.probe } : {});
    this.openDevice = i;
    this.message = `Added a ${this.newProtocol} device; fill in its fields below.`;
    this.changed();
    void this.focusLater(`#d${i}-name`);
  }

  private async focusLater(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private async loadDemo(): Promise<void> {
    if (this.hasUnsavedWork && !confirm('Replace the configuration in the editor with the demo? Unsaved changes are lost.')) return;
    try {
      const demo = await getEngine().demoConfig();
      this.open(demo, 'demo');
      this.message = 'Opened the built-in demo: four simulated meters on DEMO ports. Use "Load and read", or Read on one meter.';
    } catch (e) {
      this.message = `The demo could not be loaded: ${errorText(e)}`;
    }
  }

  private newDocument(): void {
    if (this.hasUnsavedWork && !confirm('Start a new, empty configuration? Unsaved changes are lost.')) return;
    this.open(emptyDoc(), '');
    this.message = 'New, empty configuration. Add a device to begin.';
  }

  private setDeviceField(i: number, name: string, value: unknown): void {
    const dev = this.doc.devices[i];
    if (!dev) return;
    if (name === 'device_alias') renameDeviceAlias(this.doc, i, value);
    else setField(dev, name, value);
    this.changed();
  }

  private toggleDevice(i: number, on: boolean): void {
    const dev = this.doc.devices[i];
    if (!dev) return;
    // Enabled is the default, so "on" removes the key instead of writing enable: 1.
    setField(dev, 'enable', on ? (dev.enable === undefined ? undefined : 1) : 0);
    this.changed();
  }

  private duplicate(i: number): void {
    const j = duplicateDevice(this.doc, i);
    this.openDevice = j;
    this.openSignals.clear();
    this.message = `Duplicated as "${str(this.doc.devices[j]?.device_alias)}" with its signals.`;
    this.changed();
  }

  private deleteDevice(i: number): void {
    const dev = this.doc.devices[i];
    const alias = str(dev?.device_alias, `device ${i + 1}`);
    const n = signalsOf(this.doc, dev?.device_alias).length;
    if (!confirm(`Delete the device "${alias}"${n ? ` and its ${n} signal(s)` : ''} from this configuration?`)) return;
    removeDevice(this.doc, i);
    this.openDevice = -1;
    this.openSignals.clear();
    this.message = `Deleted "${alias}".`;
    this.changed();
  }

  private newSignal(deviceIndex: number): void {
    const alias = this.doc.devices[deviceIndex]?.device_alias;
    if (typeof alias !== 'string') return;
    const j = addSignal(this.doc, alias);
    this.openSignals.add(j);
    this.changed();
    const key = signalKeyField(protocolOf(this.doc.devices[deviceIndex]));
    void this.focusLater(`#s${j}-${key ?? 'signal_name'}`);
  }

  private setSignalField(j: number, name: string, value: unknown): void {
    const s = this.doc.signals[j];
    if (!s) return;
    setField(s, name, value);
    this.changed();
  }

  private deleteSignal(j: number): void {
    const s = this.doc.signals[j];
    if (!s || !confirm(`Delete the signal "${str(s.signal_alias, str(s.signal_name, `signal ${j + 1}`))}"?`)) return;
    this.doc.signals.splice(j, 1);
    this.openSignals.clear();
    this.changed();
  }

  private dupSignal(j: number): void {
    const k = duplicateSignal(this.doc, j);
    this.openSignals.clear();
    this.openSignals.add(k);
    this.changed();
  }

  private async exportJson(): Promise<void> {
    const file = safeFileName(this.name.trim() || 'meterscope-config', 'json');
    if (this.includeSecrets) {
      downloadText(file, docText(this.doc));
      this.message = 'Exported the configuration as JSON, with its passwords and keys.';
      return;
    }
    try {
      downloadText(file, await (await getEngine()).exportConfig(this.doc, { includeSecrets: false }));
      this.message = 'Exported the configuration as JSON, without passwords and keys.';
    } catch (e) {
      this.message = `Not exported: ${errorText(e)}`;
    }
  }

  private async save(): Promise<void> {
    const name = this.name.trim();
    if (!name) {
      this.message = 'Give the configuration a name before saving.';
      void this.focusLater('#cfg-name');
      return;
    }
    try {
      const store = await getStore();
      // Saved even with errors: a half-finished configuration is work the technician must not lose.
      await store.saveConfig(name, docText(this.doc));
      this.dirty = false;
      const n = docIssues(this.doc).length;
      this.message = n === 0 ? `Saved "${name}".` : `Saved "${name}" with ${n} error(s) still to fix; it cannot be read until they are.`;
      this.scheduleDraft();
      this.dispatchEvent(new CustomEvent('saved', { detail: name, bubbles: true, composed: true }));
    } catch (e) {
      this.message = `Not saved: ${errorText(e)}`;
    }
  }

  /** Load the document into the engine and read every enabled signal once (of one device, or all). */
  private async read(alias?: string): Promise<void> {
    if (docIssues(this.doc).length > 0 || this.reading !== undefined) return;
    this.reading = alias ?? '';
    this.results = undefined;
    this.readMessage = alias ? `Reading ${alias}…` : 'Reading every enabled device…';
    try {
      const name = this.name.trim() || 'editor';
      const loaded = await engineMonitor.loadConfiguration(name, docText(this.doc));
      if (!loaded.ok) {
        this.readMessage = `The engine refused the configuration: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
        return;
      }
      engineMonitor.beginSession();
      const readings = await getEngine().readOnce(alias);
      engineMonitor.addToSession(readings);
      this.results = readings;
      const bad = readings.filter((r) => r.quality !== 'good').length;
      this.readMessage =
        readings.length === 0
          ? 'Nothing was read: no enabled signal.'
          : `Read ${readings.length} value(s)${bad ? `, ${bad} bad` : ', all good'}. They are stored in History.`;
    } catch (e) {
      this.readMessage = `Read failed: ${errorText(e)}`;
    } finally {
      this.reading = undefined;
    }
  }

  private async cancelRead(): Promise<void> {
    try {
      await getEngine().cancel();
      this.readMessage = 'Cancelled.';
    } catch (e) {
      this.readMessage = `Cancel failed: ${errorText(e)}`;
    }
  }

  // ---------------------------------------------------------------- rendering

  private renderSignal(j: number, device: Item) {
    const s = this.doc.signals[j]!;
    const errors = signalErrors(this.doc, j);
    const n = countErrors(errors);
    const key = signalKeyField(signalProtocol(s, device));
    const label = str(s.signal_alias, `signal ${j + 1}`);
    return html`<li class=${n ? 'has-errors' : ''} data-signal=${label}>
      <details
        ?open=${this.openSignals.has(j)}
        @toggle=${(e: Event) => {
          if ((e.target as HTMLDetailsElement).open) this.openSignals.add(j);
          else this.openSignals.delete(j);
        }}
      >
        <summary>
          <strong>${str(s.signal_name, '(no name)')}</strong>
          <code>${label}</code>
          ${key && s[key] !== undefined ? html`<code class="muted">${String(s[key])}</code>` : nothing}
          ${isEnabled(s) ? nothing : html`<span class="badge">disabled</span>`}
          ${n ? html`<span class="badge err">${n} error${n === 1 ? '' : 's'}</span>` : nothing}
        </summary>
        <div class="body">
          ${renderSignalForm(s, device, {
            doc: this.doc,
            prefix: `s${j}`,
            errors,
            set: (name, v) => this.setSignalField(j, name, v),
            remove: (name) => this.setSignalField(j, name, undefined),
          })}
          <div class="actions">
            <button type="button" @click=${() => this.dupSignal(j)} aria-label=${`Duplicate signal ${label}`}>Duplicate</button>
            <button type="button" class="danger" @click=${() => this.deleteSignal(j)} aria-label=${`Delete signal ${label}`}>Delete</button>
          </div>
        </div>
      </details>
    </li>`;
  }

  private renderDevice(i: number, canRead: boolean) {
    const dev = this.doc.devices[i]!;
    const errors: FieldErrors = deviceErrors(this.doc, i);
    const signals = signalsOf(this.doc, dev.device_alias);
    const signalErrorCount = signals.reduce((sum, j) => sum + countErrors(signalErrors(this.doc, j)), 0);
    const n = countErrors(errors) + signalErrorCount;
    const alias = str(dev.device_alias, `device ${i + 1}`);
    const open = this.openDevice === i;
    const formId = `d${i}-form`;
    const state = engineMonitor.status?.devices.find((d) => d.device_alias === dev.device_alias);
    const port = dev.ip !== undefined ? `${String(dev.ip)}:${String(dev.port ?? '')}` : str(dev.device, 'no port');
    return html`<li class="device ${n ? 'has-errors' : ''}" data-device=${alias}>
      <div class="device-head">
        <div class="device-title">
          <strong>${str(dev.name, '(no name)')}</strong>
          <code>${alias}</code> · ${str(dev.protocol, 'no protocol')} · ${port} · ${signals.length} signal${signals.length === 1 ? '' : 's'}
          ${n ? html` <span class="badge err">${n} error${n === 1 ? '' : 's'}</span>` : nothing}
          ${state && (this.reading !== undefined || this.results !== undefined)
            ? html` <span class="badge state ${state.state === 'link-lost' ? 'err' : ''}">${state.state}${state.detail ? `: ${state.detail}` : ''}</span>`
            : nothing}
        </div>
        <div class="actions">
          <label class="switch"
            ><input
              type="checkbox"
              .checked=${isEnabled(dev)}
              @change=${(e: Event) => this.toggleDevice(i, (e.target as HTMLInputElement).checked)}
              aria-label=${`Enabled: ${alias}`}
            />Enabled</label
          >
          <button
            type="button"
            aria-expanded=${open ? 'true' : 'false'}
            aria-controls=${formId}
            aria-label=${`${open ? 'Close' : 'Edit'} ${alias}`}
            @click=${() => (this.openDevice = open ? -1 : i)}
          >
            ${open ? 'Close' : 'Edit'}
          </button>
          <button type="button" @click=${() => this.duplicate(i)} aria-label=${`Duplicate ${alias}`}>Duplicate</button>
          <button type="button" class="danger" @click=${() => this.deleteDevice(i)} aria-label=${`Delete ${alias}`}>Delete</button>
          <button
            type="button"
            @click=${() => void this.read(alias)}
            ?disabled=${!canRead || !isEnabled(dev)}
            aria-label=${`Read ${alias}`}
            aria-describedby="read-why"
          >
            Read
          </button>
        </div>
      </div>
      ${open
        ? html`<div class="form" id=${formId}>
            ${renderDeviceForm(dev, {
              doc: this.doc,
              prefix: `d${i}`,
              errors,
              set: (name, v) => this.setDeviceField(i, name, v),
              remove: (name) => this.setDeviceField(i, name, undefined),
            })}
            <h3 id=${`d${i}-signals`}>Signals of ${alias}</h3>
            ${signals.length === 0 ? html`<p class="muted">No signals yet: add what to read from this meter.</p>` : nothing}
            <ul class="signals" aria-labelledby=${`d${i}-signals`}>
              ${signals.map((j) => this.renderSignal(j, dev))}
            </ul>
            <div class="actions">
              <button type="button" @click=${() => this.newSignal(i)} ?disabled=${typeof dev.device_alias !== 'string' || dev.device_alias === ''}>
                Add signal
              </button>
            </div>
          </div>`
        : nothing}
    </li>`;
  }

  private renderOrphans() {
    const orphans = orphanSignals(this.doc);
    if (orphans.length === 0) return nothing;
    return html`<h3 id="orphans-title">Signals without a device</h3>
      <p class="muted">Their device_alias names no device. Fix the alias or delete them.</p>
      <ul class="signals" aria-labelledby="orphans-title">
        ${orphans.map((j) => this.renderSignal(j, {}))}
      </ul>`;
  }

  private renderResults() {
    const r = this.results;
    if (!r || r.length === 0) return nothing;
    return html`<div class="table-wrap">
      <table class="stack read-results">
        <caption class="visually-hidden">Values read</caption>
        <thead>
          <tr><th scope="col">Device</th><th scope="col">Signal</th><th scope="col">Value</th><th scope="col">Quality</th></tr>
        </thead>
        <tbody>
          ${r.map(
            (x) => html`<tr>
              <td data-label="Device">${x.device_alias}</td>
              <td data-label="Signal"><span>${x.signal_alias}${x.address ? html`<br /><code class="muted">${x.address}</code>` : nothing}</span></td>
              <td data-label="Value">${x.value === null ? '' : String(x.value)} ${x.unit ?? ''}</td>
              <td data-label="Quality" class=${x.quality === 'good' ? '' : 'bad-q'}>${x.quality}${x.error ? ` (${x.error})` : ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  override render() {
    const issues = docIssues(this.doc);
    const devices = this.doc.devices;
    const valid = issues.length === 0 && devices.length > 0;
    const busy = this.reading !== undefined;
    const canRead = valid && !busy;
    const why = busy
      ? 'A read is running.'
      : devices.length === 0
        ? 'Add a device (or open the demo) to read.'
        : issues.length > 0
          ? `Fix the ${issues.length} error${issues.length === 1 ? '' : 's'} first; reading starts only with a valid configuration.`
          : 'Ready: the configuration is valid.';
    return html`
      <datalist id="port-names">
        <option value="DEMO-DLMS"></option>
        <option value="DEMO-IEC"></option>
        <option value="DEMO-GAMA"></option>
        <option value="DEMO-EPQS"></option>
        <option value="PORT1"></option>
      </datalist>
      <div class="toolbar">
        <div>
          <label for="cfg-name">Configuration name</label>
          <input
            id="cfg-name"
            type="text"
            autocomplete="off"
            .value=${this.name}
            @input=${(e: Event) => {
              this.name = (e.target as HTMLInputElement).value;
              this.scheduleDraft();
            }}
          />
        </div>
        <button type="button" class="primary" @click=${() => void this.save()}>Save configuration</button>
        <button type="button" @click=${() => void this.exportJson()} ?disabled=${devices.length === 0 && this.doc.signals.length === 0}>Export JSON</button>
      </div>
      <div class="toolbar">
        <div>
          <label for="new-protocol">Protocol of a new device</label>
          <select id="new-protocol" @change=${(e: Event) => (this.newProtocol = (e.target as HTMLSelectElement).value as Protocol)}>
            ${PROTOCOLS.map((p) => html`<option value=${p} ?selected=${p === this.newProtocol}>${p}</option>`)}
          </select>
        </div>
        <button type="button" @click=${() => this.newDevice()}>Add device</button>
        <button type="button" @click=${() => void this.loadDemo()}>Open demo</button>
        <button type="button" @click=${() => this.newDocument()}>New configuration</button>
      </div>
      <p class="summary ${issues.length ? 'bad' : ''}" role="status" aria-live="polite">
        ${devices.length === 0 && this.doc.signals.length === 0
          ? 'The editor is empty.'
          : issues.length === 0
            ? `Valid: ${devices.length} device(s), ${this.doc.signals.length} signal(s)${this.dirty ? ' · not saved yet' : ''}.`
            : `${issues.length} error${issues.length === 1 ? '' : 's'} to fix${this.dirty ? ' · not saved yet' : ''}.`}
      </p>
      <p class="message" role="status">${this.message}</p>
      ${issues.some((i) => !/^(devices|signals)\[\d+\]/.test(i.path))
        ? html`<ul class="item-errors">
            ${issues.filter((i) => !/^(devices|signals)\[\d+\]/.test(i.path)).map((i) => html`<li>${i.path || 'configuration'}: ${i.message}</li>`)}
          </ul>`
        : nothing}
      <ul class="devices" aria-label="Devices">
        ${devices.map((_, i) => this.renderDevice(i, canRead))}
      </ul>
      ${this.renderOrphans()}
      <div class="read-box">
        <div class="actions">
          <button type="button" class="primary" @click=${() => void this.read()} ?disabled=${!canRead} aria-describedby="read-why">
            Load and read
          </button>
          ${busy ? html`<button type="button" @click=${() => void this.cancelRead()}>Cancel read</button>` : nothing}
        </div>
        <p id="read-why" class="muted">${why}</p>
        <p class="read-message" role="status" aria-live="polite">
        ${this.readMessage}${this.results?.length ? html` <a href="#/history">Open History</a> · <a href="#/trace">Trace</a>` : nothing}
      </p>
        ${this.renderResults()}
      </div>
    `;
  }
}

customElements.define('ms-config-editor', ConfigEditor);
