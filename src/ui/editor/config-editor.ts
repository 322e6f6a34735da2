import { LitElement, html, nothing } from 'lit';
import type { Reading } from '../../core/reading';
import type { WorkspaceApi } from '../../worker/workspace-api';
import { downloadText, safeFileName } from '../download';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText } from '../format';
import { disclosureStyles, pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { loadProbe, type ProbeDefaults } from '../pages/settings-probe';
import { PROTOCOLS, type Protocol } from './config-doc';
import { EditorModel, type OpenResult } from './editor-model';
import { editorStyles } from './editor-styles';
import { itemCommands, newDevice } from './item-commands';
import { renderDevice, renderOrphans, type ItemActions, type ItemContext } from './item-views';
import { DEVICE_PAGE, clampPage, pageOf, renderPager } from './pager';
import { renderReadResults } from './read-results';

const DRAFT_DELAY_MS = 400;

const str = (v: unknown, fallback = '') => (typeof v === 'string' && v !== '' ? v : fallback);

/**
 * The editor's document, one per tab: it outlives the element, so leaving the Meters page and coming
 * back keeps the work (and a 30,000-signal site is not fetched from the worker again).
 */
const model = new EditorModel(() => getEngine() as unknown as WorkspaceApi /* Comlink's Remote of the same methods */);

/**
 * The configuration editor: devices and signals as forms, every field of DESIGN §3 with its default
 * and allowed values, errors at the field as you type (the config module's validator, run in the
 * engine worker on the whole document, the same one the import and the engine use), duplicate /
 * enable / delete, save, export, and "Load and read" once the document is valid. Devices and signals
 * are shown a page at a time, so a large site never becomes one huge template tree.
 *
 * Events: `saved` (detail: name) after a save, so the page can refresh its list.
 */
export class ConfigEditor extends LitElement {
  static override properties = {
    includeSecrets: { type: Boolean },
    openDevice: { state: true },
    devicePage: { state: true },
    signalPage: { state: true },
    orphanPage: { state: true },
    newProtocol: { state: true },
    message: { state: true },
    reading: { state: true },
    results: { state: true },
    readMessage: { state: true },
  };

  static override styles = [pageStyles, disclosureStyles, editorStyles];

  /** Set by the Meters page: exports keep passwords and keys only when the user ticked it. */
  declare includeSecrets: boolean;
  /** Index of the device whose form is open (-1: none). */
  declare openDevice: number;
  declare devicePage: number;
  /** Page of the open device's signals, and of the signals without a device. */
  declare signalPage: number;
  declare orphanPage: number;
  declare newProtocol: Protocol;
  declare message: string;
  /** Set while a read runs: which device ('' = all). */
  declare reading: string | undefined;
  declare results: Reading[] | undefined;
  declare readMessage: string;

  readonly model = model;
  readonly openSignals = new Set<number>();
  probe: ProbeDefaults | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onModel = () => this.requestUpdate();

  constructor() {
    super();
    this.includeSecrets = false;
    this.openDevice = -1;
    this.devicePage = 0;
    this.signalPage = 0;
    this.orphanPage = 0;
    this.newProtocol = 'DLMS';
    this.message = '';
    this.reading = undefined;
    this.results = undefined;
    this.readMessage = '';
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    model.addEventListener('change', this.onModel);
    void model.restoreDraft();
    void getStore()
      .then(loadProbe)
      .then((p) => (this.probe = p))
      .catch(() => undefined);
  }

  override disconnectedCallback(): void {
    model.removeEventListener('change', this.onModel);
    // Leaving the page must not lose the last keystrokes.
    if (this.draftTimer) {
      clearTimeout(this.draftTimer);
      this.draftTimer = undefined;
      void this.saveDraft();
    }
    super.disconnectedCallback();
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
      await getEngine().saveWorkspaceDraft(model.name, model.dirty);
    } catch {
      // Best effort; the document is still on screen.
    }
  }

  /** True when there is unsaved work the user would lose by replacing the document. */
  get hasUnsavedWork(): boolean {
    return model.dirty && model.hasWork;
  }

  /** True while a document is being checked or opened: a newer one abandons it. */
  get busy(): boolean {
    return model.loading !== undefined;
  }

  /**
   * Open configuration text in the editor (an import, a saved configuration, the demo): parsed and
   * validated in the engine worker, then shown a page at a time. `reason` says why the form cannot
   * show it (the import box still lists its errors).
   */
  async openText(text: string | Blob, name: string, options: { dirty?: boolean } = {}): Promise<OpenResult> {
    const r = await model.openText(text, name, options);
    if (r.status !== 'done' || !r.opened) return r;
    this.openSignals.clear();
    this.results = undefined;
    this.readMessage = '';
    this.signalPage = 0;
    this.orphanPage = 0;
    // Open the first device with errors, so the mistake is on screen right away.
    const firstBad = model.issues.firstBadDevice(model.devices);
    this.openDevice = firstBad >= 0 ? firstBad : model.devices.length === 1 ? 0 : -1;
    this.devicePage = pageOf(Math.max(0, this.openDevice), DEVICE_PAGE);
    this.message = `Opened "${name}" in the editor.`;
    this.scheduleDraft();
    return r;
  }

  // ---------------------------------------------------------------- actions

  /** Every change goes through the model (here and in the worker); results of a read are then stale. */
  edit(...args: Parameters<EditorModel['edit']>): Promise<number> {
    const created = model.edit(...args);
    this.results = undefined;
    this.scheduleDraft();
    return created;
  }

  showDevice(i: number): void {
    this.openDevice = i;
    this.openSignals.clear();
    this.signalPage = 0;
    if (i >= 0) this.devicePage = pageOf(i, DEVICE_PAGE);
  }

  /** After an import or open: keyboard and screen-reader users land on the result line, not on <body>. */
  async focusResult(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('p.summary')?.focus({ preventScroll: true });
  }

  async focusLater(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private async loadDemo(): Promise<void> {
    if (this.hasUnsavedWork && !confirm('Replace the configuration in the editor with the demo? Unsaved changes are lost.')) return;
    try {
      const demo = await getEngine().demoConfig();
      const r = await this.openText(JSON.stringify(demo), 'demo');
      if (r.status === 'done' && r.opened) this.message = 'Opened the built-in demo: five simulated meters on DEMO ports. Use "Load and read", or Read on one meter.';
    } catch (e) {
      this.message = `The demo could not be loaded: ${errorText(e)}`;
    }
  }

  private async newDocument(): Promise<void> {
    if (this.hasUnsavedWork && !confirm('Start a new, empty configuration? Unsaved changes are lost.')) return;
    const r = await this.openText('{"devices": [], "signals": []}', '');
    if (r.status === 'done' && r.opened) this.message = 'New, empty configuration. Add a device to begin.';
  }

  private readonly actions: ItemActions = itemCommands(this);

  private async exportJson(): Promise<void> {
    const file = safeFileName(model.name.trim() || 'meterscope-config', 'json');
    try {
      downloadText(file, await getEngine().workspaceText({ includeSecrets: this.includeSecrets }));
      this.message = this.includeSecrets
        ? 'Exported the configuration as JSON, with its passwords and keys.'
        : 'Exported the configuration as JSON, without passwords and keys.';
    } catch (e) {
      this.message = `Not exported: ${errorText(e)}`;
    }
  }

  private async save(): Promise<void> {
    const name = model.name.trim();
    if (!name) {
      this.message = 'Give the configuration a name before saving.';
      void this.focusLater('#cfg-name');
      return;
    }
    try {
      // Saved even with errors: a half-finished configuration is work the technician must not lose.
      const { errors } = await getEngine().saveWorkspace(name);
      model.markSaved();
      this.message = errors === 0 ? `Saved "${name}".` : `Saved "${name}" with ${errors} error(s) still to fix; it cannot be read until they are.`;
      this.scheduleDraft();
      this.dispatchEvent(new CustomEvent('saved', { detail: name, bubbles: true, composed: true }));
    } catch (e) {
      this.message = `Not saved: ${errorText(e)}`;
    }
  }

  read(alias?: string): void {
    void this.readNow(alias);
  }

  /** Load the document into the engine and read every enabled signal once (of one device, or all). */
  private async readNow(alias?: string): Promise<void> {
    if (model.issues.total > 0 || model.checking || this.reading !== undefined) return;
    this.reading = alias ?? '';
    this.results = undefined;
    this.readMessage = alias ? `Reading ${alias}…` : 'Reading every enabled device…';
    try {
      const name = model.name.trim() || 'editor';
      // The engine needs the passwords and keys to sign on; this text never leaves the browser.
      const text = await getEngine().workspaceText({ includeSecrets: true });
      const loaded = await engineMonitor.loadConfiguration(name, text);
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

  private summary(): string {
    const { devices, signalCount, issues } = model;
    const unsaved = model.dirty ? ' · not saved yet' : '';
    if (model.loading) return model.loading;
    if (!model.hasWork) return 'The editor is empty.';
    if (model.checking) return `Checking ${devices.length} device(s), ${signalCount} signal(s)…${unsaved}`;
    if (issues.total === 0) return `Valid: ${devices.length} device(s), ${signalCount} signal(s)${unsaved}.`;
    return `${issues.total} error${issues.total === 1 ? '' : 's'} to fix${unsaved}.`;
  }

  override render() {
    const { devices, issues } = model;
    const valid = issues.total === 0 && !model.checking && !model.loading && devices.length > 0;
    const busy = this.reading !== undefined;
    const canRead = valid && !busy;
    const why = busy
      ? 'A read is running.'
      : devices.length === 0
        ? 'Add a device (or open the demo) to read.'
        : model.checking || model.loading
          ? 'Checking the configuration…'
          : issues.total > 0
            ? `Fix the ${issues.total} error${issues.total === 1 ? '' : 's'} first; reading starts only with a valid configuration.`
            : 'Ready: the configuration is valid.';
    const page = clampPage(this.devicePage, devices.length, DEVICE_PAGE);
    const ctx: ItemContext = {
      model,
      openDevice: this.openDevice,
      openSignals: this.openSignals,
      signalPage: this.signalPage,
      orphanPage: this.orphanPage,
      canRead,
      stateOf: (alias) =>
        this.reading !== undefined || this.results !== undefined ? engineMonitor.status?.devices.find((d) => d.device_alias === alias) : undefined,
      actions: this.actions,
    };
    const shown: number[] = [];
    for (let i = page * DEVICE_PAGE; i < Math.min(devices.length, (page + 1) * DEVICE_PAGE); i++) shown.push(i);
    return html`
      <datalist id="port-names">
        <option value="DEMO-DLMS"></option>
        <option value="DEMO-IEC"></option>
        <option value="DEMO-GAMA"></option>
        <option value="DEMO-EPQS"></option>
        <option value="DEMO-P1"></option>
        <option value="PORT1"></option>
      </datalist>
      <div class="toolbar">
        <div>
          <label for="cfg-name">Configuration name</label>
          <input
            id="cfg-name"
            type="text"
            autocomplete="off"
            .value=${model.name}
            @input=${(e: Event) => {
              model.setName((e.target as HTMLInputElement).value);
              this.scheduleDraft();
            }}
          />
        </div>
        <button type="button" class="primary" @click=${() => void this.save()} ?disabled=${this.busy}>Save configuration</button>
        <button type="button" @click=${() => void this.exportJson()} ?disabled=${this.busy || !model.hasWork}>Export JSON</button>
      </div>
      <div class="toolbar">
        <div>
          <label for="new-protocol">Protocol of a new device</label>
          <select id="new-protocol" @change=${(e: Event) => (this.newProtocol = (e.target as HTMLSelectElement).value as Protocol)}>
            ${PROTOCOLS.map((p) => html`<option value=${p} ?selected=${p === this.newProtocol}>${p}</option>`)}
          </select>
        </div>
        <button type="button" @click=${() => void newDevice(this)} ?disabled=${this.busy}>Add device</button>
        <button type="button" @click=${() => void this.loadDemo()}>Open demo</button>
        <button type="button" @click=${() => void this.newDocument()}>New configuration</button>
      </div>
      <p class="summary ${issues.total && !model.checking ? 'bad' : ''}" role="status" aria-live="polite" tabindex="-1">${this.summary()}</p>
      <p class="message" role="status">${this.message}</p>
      ${issues.general.length > 0
        ? html`<ul class="item-errors">
            ${issues.general.map((i) => html`<li>${i.path || 'configuration'}: ${i.message}</li>`)}
          </ul>`
        : nothing}
      ${renderPager({ id: 'devices', what: 'devices', total: devices.length, size: DEVICE_PAGE, page, onPage: (p) => (this.devicePage = p) })}
      <ul class="devices" aria-label="Devices">
        ${shown.map((i) => renderDevice(ctx, i))}
      </ul>
      ${renderOrphans(ctx)}
      <div class="read-box">
        <div class="actions">
          <button type="button" class="primary" @click=${() => this.read()} ?disabled=${!canRead} aria-describedby="read-why">Load and read</button>
          ${busy ? html`<button type="button" @click=${() => void this.cancelRead()}>Cancel read</button>` : nothing}
        </div>
        <p id="read-why" class="muted">${why}</p>
        <p class="read-message" role="status" aria-live="polite">
          ${this.readMessage}${this.results?.length ? html` <a href="#/history">Open History</a> · <a href="#/trace">Trace</a>` : nothing}
        </p>
        ${renderReadResults(this.results)}
      </div>
    `;
  }
}

customElements.define('ms-config-editor', ConfigEditor);
