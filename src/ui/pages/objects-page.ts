import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { describeObis } from '../../protocols/cosem/dictionary';
import type { AttributeValue, ObjectInfo, ViewNode } from '../../worker/engine-api';
import { EngineWatch, engineMonitor, getEngine } from '../engine-client';
import { errorText } from '../format';
import { hashParams } from '../hash-params';
import { disclosureStyles, pageStyles } from '../shared-styles';
import { getStore } from '../store-client';
import { appendSignal, filterObjects } from './objects-model';
import { BusyTicker, renderDeviceProgress } from './read-devices';

/** Object lists already read in this tab, per device: walking away and back must not cost another read. */
const lists = new Map<string, ObjectInfo[]>();
/** Attribute values read in this tab, per `device|obis|attr`. */
const values = new Map<string, AttributeValue | { error: string }>();

const valueKey = (device: string, o: ObjectInfo, attr: number) => `${device}|${o.obis}|${attr}`;

/**
 * DLMS object browser: read the association's object list, look at any object's attributes, read one,
 * and add it to the loaded configuration as a signal with one click.
 */
export class ObjectsPage extends LitElement {
  static override properties = {
    device: { state: true },
    query: { state: true },
    loading: { state: true },
    message: { state: true },
    pending: { state: true },
  };

  static override styles = [
    pageStyles,
    disclosureStyles,
    css`
      ul.objects {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      details {
        border: 1px solid var(--ms-border);
        border-radius: 0.5rem;
        background: var(--ms-surface);
      }
      summary {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.75rem;
        min-height: 44px;
        padding: 0.4rem 0.75rem;
        cursor: pointer;
        overflow-wrap: anywhere;
      }
      summary .words {
        font-weight: 600;
      }
      .attrs {
        padding: 0 0.75rem 0.75rem;
      }
      .attr-value {
        overflow-wrap: anywhere;
      }
      .attr-value .text {
        display: block;
        font-family: var(--ms-mono);
        font-size: 0.8rem;
        color: var(--ms-muted);
        white-space: pre-wrap;
      }
      .bad {
        color: var(--ms-error);
      }
      ul.view {
        list-style: none;
        margin: 0.25rem 0 0;
        padding-left: 0.9rem;
        border-left: 2px solid var(--ms-border);
      }
      ul.view .label {
        color: var(--ms-muted);
      }
      .raw {
        display: block;
        font-family: var(--ms-mono);
        font-size: 0.8rem;
        color: var(--ms-muted);
      }
      td .actions {
        margin: 0;
      }
    `,
  ];

  declare device: string;
  declare query: string;
  declare loading: boolean;
  declare message: string;
  declare pending: string;
  private readonly ticker = new BusyTicker(() => this.requestUpdate());

  constructor() {
    super();
    this.device = hashParams(location.hash).get('device') ?? '';
    this.query = '';
    this.loading = false;
    this.message = '';
    this.pending = '';
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void engineMonitor.refresh().catch(() => undefined);
  }

  override disconnectedCallback(): void {
    this.ticker.stop();
    super.disconnectedCallback();
  }

  override updated(): void {
    this.ticker.update(this.loading || this.pending !== '');
  }

  private dlmsDevices() {
    return (engineMonitor.status?.devices ?? []).filter((d) => d.protocol === 'DLMS');
  }

  private currentDevice(): string {
    const devices = this.dlmsDevices();
    return devices.some((d) => d.device_alias === this.device) ? this.device : (devices[0]?.device_alias ?? '');
  }

  /**
   * The buttons disable themselves while they work, which drops the keyboard focus to <body>: give it
   * to `target` once the work is done, unless the user has moved on meanwhile.
   */
  private async refocus(target: () => HTMLElement | null | undefined): Promise<void> {
    await this.updateComplete;
    if (document.activeElement && document.activeElement !== document.body) return;
    target()?.focus();
  }

  private async readList(device: string): Promise<void> {
    this.loading = true;
    this.message = `Reading the object list of ${device}…`;
    try {
      const list = await getEngine().readObjectList(device);
      lists.set(device, list);
      this.message = `${list.length} object(s) in the association of ${device}.`;
    } catch (e) {
      this.message = `The object list could not be read: ${errorText(e)}`;
    } finally {
      this.loading = false;
      // The result line says how many objects came (or why none): focus and announce it.
      void this.refocus(() => this.renderRoot.querySelector<HTMLElement>('.objects-message'));
      await engineMonitor.refresh().catch(() => undefined);
    }
  }

  private async readAttr(device: string, o: ObjectInfo, attr: number, button: HTMLElement): Promise<void> {
    const key = valueKey(device, o, attr);
    this.pending = key;
    try {
      values.set(key, await getEngine().readAttribute(device, { classId: o.classId, obis: o.obis, attribute: attr }));
    } catch (e) {
      values.set(key, { error: errorText(e) });
    } finally {
      this.pending = '';
      // Back on the same Read button; its row's value cell (aria-live) announces the value.
      void this.refocus(() => button);
    }
  }

  /** Append `obis:attr` as a DLMS signal to the loaded configuration and its stored copy, then reload it. */
  private async addSignal(device: string, o: ObjectInfo, attr: { id: number; name: string }, button: HTMLElement): Promise<void> {
    const loaded = engineMonitor.loaded;
    if (!loaded) {
      this.message = 'Load a configuration on the Read page first: the signal is added to it.';
      return;
    }
    const wasRunning = engineMonitor.status?.state === 'running';
    this.pending = `add|${valueKey(device, o, attr.id)}`;
    try {
      const words = o.description || describeObis(o.obis);
      const r = appendSignal(loaded.raw, { device_alias: device, obis: o.obis, attribute: attr.id, name: `${words} (${attr.name})` });
      if (r.existed) {
        this.message = `${o.obis}:${attr.id} is already a signal of ${device} ("${r.signal_alias}").`;
        return;
      }
      const result = await engineMonitor.loadConfiguration(loaded.name, r.raw);
      if (!result.ok) {
        this.message = `Not added: the engine refused the result (${result.errors.map((x) => x.message).join('; ')}).`;
        return;
      }
      let saved = true;
      try {
        await (await getStore()).saveConfig(loaded.name, r.raw);
      } catch {
        saved = false;
      }
      this.message =
        `Added signal "${r.signal_alias}" (${o.obis}:${attr.id}) to "${loaded.name}" and reloaded it` +
        `${saved ? '' : ', but the saved copy could not be updated'}.` +
        (wasRunning ? ' Polling stopped: start it again on the Read page.' : ' Read it on the Read page.');
    } catch (e) {
      this.message = `Not added: ${errorText(e)}`;
    } finally {
      this.pending = '';
      // The result is announced by the status line; the keyboard stays where the user was.
      void this.refocus(() => button);
    }
  }

  private renderValue(v: AttributeValue | { error: string } | undefined) {
    if (!v) return nothing;
    if ('error' in v) return html`<span class="bad">✗ ${v.error}</span>`;
    if (v.view) return renderView(v.view);
    const main = v.value === null ? '—' : String(v.value);
    return html`<strong>${main}</strong>${v.unit ? html` ${v.unit}` : nothing}${v.text && v.text !== main && v.text !== `${main} ${v.unit ?? ''}`.trim()
        ? html`<span class="text">${v.text}</span>`
        : nothing}`;
  }

  private renderObject(device: string, o: ObjectInfo) {
    const words = o.description || describeObis(o.obis);
    return html`<li>
      <details>
        <summary>
          <code>${o.obis}</code><span class="words">${words}</span>
          <span class="muted">${o.className} (class ${o.classId}, version ${o.version})${o.baseName !== undefined
              ? ` · base name 0x${o.baseName.toString(16).toUpperCase()}`
              : ''}</span>
        </summary>
        <div class="attrs table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Attributes of ${o.obis}</caption>
            <thead>
              <tr><th scope="col">#</th><th scope="col">Attribute</th><th scope="col">Access</th><th scope="col">Value</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              ${o.attributes.map((a) => {
                const key = valueKey(device, o, a.id);
                const busy = this.pending !== '';
                return html`<tr>
                  <td data-label="#">${a.id}</td>
                  <td data-label="Attribute">${a.name}</td>
                  <td data-label="Access">${a.access ?? ''}</td>
                  <td data-label="Value" class="attr-value" aria-live="polite">
                    <span>${this.pending === key ? 'Reading…' : this.renderValue(values.get(key))}</span>
                  </td>
                  <td data-label="Actions">
                    <div class="actions">
                      ${o.classId === 7 && a.id === 2
                        ? html`<a class="button" href="#/profiles" aria-label="Read the buffer of ${o.obis} by date range on the Profiles page">Profiles page</a>`
                        : html`<button aria-label="Read ${a.name} of ${o.obis}" ?disabled=${busy} @click=${(e: Event) => void this.readAttr(device, o, a.id, e.currentTarget as HTMLElement)}>Read</button>`}
                      ${a.id > 1
                        ? html`<button aria-label="Add ${a.name} of ${o.obis} as a signal" ?disabled=${busy} @click=${(e: Event) => void this.addSignal(device, o, a, e.currentTarget as HTMLElement)}>
                            Add as signal
                          </button>`
                        : nothing}
                    </div>
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>
        </div>
      </details>
    </li>`;
  }

  override render() {
    const devices = this.dlmsDevices();
    const device = this.currentDevice();
    const list = device ? lists.get(device) : undefined;
    const shown = list ? filterObjects(list, this.query) : [];
    return html`
      <h1>Objects</h1>
      <p class="muted">The DLMS/COSEM objects a meter offers this client: read any attribute, add it as a signal.</p>
      <p><a class="button" href="#/read">Back to Read</a></p>
      <section class="card" aria-labelledby="dev-title">
        <h2 id="dev-title">Device</h2>
        ${devices.length === 0
          ? html`<p>No DLMS device is loaded. On the Read page, use the demo meter or load a configuration with a DLMS device.</p>
              <p><a class="button" href="#/read">Go to Read</a></p>`
          : html`<label for="device">DLMS device</label>
              ${/* a select cannot wrap: the alias fits a phone, the meter's name is shown in full below it */ ''}
              <select id="device" aria-describedby="device-name" .value=${device} @change=${(e: Event) => (this.device = (e.target as HTMLSelectElement).value)}>
                ${devices.map((d) => html`<option value=${d.device_alias} ?selected=${d.device_alias === device}>${d.device_alias}</option>`)}
              </select>
              <p class="muted device-name" id="device-name">${devices.find((d) => d.device_alias === device)?.name ?? ''}</p>
              <div class="actions">
                <button class="primary" ?disabled=${this.loading} @click=${() => void this.readList(device)}>Read object list</button>
              </div>`}
        ${renderDeviceProgress(
          devices.find((d) => d.device_alias === device),
          this.loading || this.pending !== '',
          { progress: engineMonitor.progress, busySince: engineMonitor.busySince, now: Date.now() },
        )}
        <p role="status" class="objects-message" tabindex="-1">${this.message}</p>
      </section>
      ${list
        ? html`<section class="card" aria-labelledby="list-title">
            <h2 id="list-title">Object list of ${device}</h2>
            <label for="filter">Filter objects</label>
            <input id="filter" type="search" autocomplete="off" placeholder="e.g. energy, 1.0.32, clock" .value=${this.query}
              @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)} />
            <p class="muted">${shown.length} of ${list.length} object(s) shown.</p>
            <ul class="objects" aria-label="Objects">
              ${/* keyed: an opened object stays open (and only it) while the filter changes */ ''}
              ${repeat(shown, (o) => `${device}|${o.obis}|${o.classId}`, (o) => this.renderObject(device, o))}
            </ul>
          </section>`
        : nothing}
    `;
  }
}

/** Nested levels shown before the rest is summarised: an object list can be deep. */
const VIEW_DEPTH = 4;

/**
 * A decoded attribute: its text (an error in the error colour), the meter's own bytes beside a
 * converted value, and the parts of a structure or array as a nested list.
 */
function renderView(n: ViewNode, depth = 0): unknown {
  const main = n.kind === 'error' ? html`<span class="bad">⚠ ${n.text}</span>` : depth === 0 ? html`<strong>${n.text}</strong>` : html`${n.text}`;
  const raw = n.raw && n.raw !== n.text && n.kind !== 'bytes' ? html`<span class="raw">bytes ${n.raw}</span>` : nothing;
  const kids = n.children ?? [];
  const list =
    kids.length === 0 || depth >= VIEW_DEPTH
      ? nothing
      : html`<ul class="view">
          ${kids.map((c) => html`<li>${c.label ? html`<span class="label">${c.label}:</span> ` : nothing}${renderView(c, depth + 1)}</li>`)}
        </ul>`;
  return html`${main}${raw}${list}`;
}

customElements.define('ms-objects-page', ObjectsPage);
