import { LitElement, css, html, nothing } from 'lit';
import { engineMonitor } from '../engine-client';
import { errorText } from '../format';
import { pageStyles } from '../shared-styles';
import {
  bridgeTarget,
  choosePort,
  configPortNames,
  describePort,
  hasWebSerial,
  offeredPorts,
  usePort,
  type BridgeTarget,
  type PortChoice,
} from './read-ports';
import { prefetchProbeRequests, requestUsbProbe, webUsbNeeded } from '../probe-request';

type Offered = Awaited<ReturnType<typeof offeredPorts>>;

/** navigator.serial as the event target it is (Web Serial is not in TypeScript's DOM library). */
function serialEvents(): EventTarget | undefined {
  const serial = (navigator as unknown as { serial?: unknown }).serial;
  return serial instanceof EventTarget ? serial : undefined;
}

/**
 * Where the meter is: an optical probe on a serial port (Web Serial), a meter on the LAN through the
 * bridge, or the built-in demo meter. A chosen probe is bound to a port name of the configuration
 * (PORT1, /dev/ttyUSB0...) and the worker remembers the binding for the next visit.
 */
export class ReadPortCard extends LitElement {
  static override properties = {
    offered: { state: true },
    portName: { state: true },
    bridge: { state: true },
    message: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      ul.ports {
        list-style: none;
        padding: 0;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.5rem;
      }
      ul.ports li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
      }
      h3 {
        font-size: 1rem;
        margin: 0.75rem 0 0.25rem;
      }
      details.more {
        margin-top: 0.5rem;
      }
      /* A disclosure shows it opens: the marker stays, and the whole line is a 44 px target. */
      details.more > summary {
        display: list-item;
        min-height: 44px;
        box-sizing: border-box;
        padding: 0.6rem 0;
        cursor: pointer;
        font-weight: 600;
      }
      .port-message:empty {
        display: none;
      }
    `,
  ];

  declare offered: Offered | undefined;
  declare portName: string;
  declare bridge: BridgeTarget | undefined | null;
  declare message: string;

  constructor() {
    super();
    this.offered = undefined;
    this.portName = configPortNames(engineMonitor.loaded?.raw)[0] ?? 'PORT1';
    this.bridge = null; // null: not looked up yet
    this.message = '';
  }

  /** A probe plugged in or out while the page is open: the lists follow (Web Serial's connect/disconnect). */
  private readonly onPlug = () => void this.refreshPorts();

  override connectedCallback(): void {
    super.connectedCallback();
    serialEvents()?.addEventListener('connect', this.onPlug);
    serialEvents()?.addEventListener('disconnect', this.onPlug);
    void this.refreshPorts();
    prefetchProbeRequests(); // the pickers must open at once on a click
    void bridgeTarget()
      .then((b) => (this.bridge = b))
      .catch(() => (this.bridge = undefined));
  }

  override disconnectedCallback(): void {
    serialEvents()?.removeEventListener('connect', this.onPlug);
    serialEvents()?.removeEventListener('disconnect', this.onPlug);
    super.disconnectedCallback();
  }

  private async refreshPorts(): Promise<void> {
    try {
      this.offered = await offeredPorts();
    } catch {
      this.offered = { remembered: [], unassigned: [] };
    }
  }

  private async pick(ask: () => Promise<PortChoice | undefined> = choosePort): Promise<void> {
    try {
      const choice = await ask();
      if (!choice) {
        this.message = 'No port chosen.';
        return;
      }
      await this.bind(choice, describePort(choice.info));
    } catch (e) {
      this.message = `The port could not be chosen: ${errorText(e)}`;
    }
  }

  private async bind(choice: PortChoice, label: string): Promise<void> {
    const name = this.portName.trim();
    if (!name) {
      this.message = 'Enter the port name the configuration uses (its "device" field), e.g. PORT1.';
      return;
    }
    try {
      await usePort(name, choice);
      this.message = `${name} is now ${label}. Remembered for the next visit.`;
      await this.refreshPorts();
    } catch (e) {
      this.message = `The port could not be remembered: ${errorText(e)}`;
    }
  }

  private nameField() {
    const names = configPortNames(engineMonitor.loaded?.raw);
    if (names.length > 0) {
      return html`<label for="port-name">Port name in the configuration</label>
        <select id="port-name" @change=${(e: Event) => (this.portName = (e.target as HTMLSelectElement).value)}>
          ${names.map((n) => html`<option value=${n} ?selected=${n === this.portName}>${n}</option>`)}
        </select>`;
    }
    return html`<label for="port-name">Port name in the configuration</label>
      <input id="port-name" type="text" autocomplete="off" spellcheck="false" .value=${this.portName}
        @input=${(e: Event) => (this.portName = (e.target as HTMLInputElement).value)} />`;
  }

  private serialPart() {
    if (!hasWebSerial() && !webUsbNeeded()) {
      return html`<p class="no-serial">
        This browser has no Web Serial, so it cannot open an optical probe. Use Chrome or Edge on a desktop, a meter on the
        LAN through the bridge, or the demo meter.
      </p>
      <div class="actions"><slot name="demo"></slot></div>`;
    }
    const o = this.offered;
    return html`
      ${this.nameField()}
      <div class="actions">
        ${hasWebSerial() ? html`<button type="button" class="primary" @click=${() => void this.pick()}>Choose serial port…</button>` : nothing}
        ${webUsbNeeded() ? html`<button type="button" class="primary" @click=${() => void this.pick(requestUsbProbe)}>Choose USB probe (WebUSB)…</button>` : nothing}
        <slot name="demo"></slot>
      </div>
      ${o && o.remembered.length > 0
        ? html`<ul class="ports remembered" aria-label="Remembered ports">
            ${o.remembered.map(
              (r) => html`<li><span><strong>${r.name}</strong>: ${r.label}</span><span class=${r.available ? 'ok' : 'muted'}>${r.available ? 'plugged in' : 'not plugged in'}</span></li>`,
            )}
          </ul>`
        : nothing}
      ${o && o.unassigned.length > 0
        ? html`<ul class="ports unassigned" aria-label="Granted ports not yet named">
            ${o.unassigned.map(
              (u) => html`<li>
                <span>${u.label}</span>
                <button type="button" aria-label="Use ${u.label} as ${this.portName}" @click=${() => void this.bind({ info: u.info, index: u.index }, u.label)}>
                  Use as ${this.portName}
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
    `;
  }

  private bridgePart() {
    const settings = html`<div class="actions"><a class="button" href="#/settings">Bridge settings</a></div>`;
    if (this.bridge === null) return html`<p>Looking up the bridge…</p>`;
    if (!this.bridge) return html`<p>No bridge set. Meters on the LAN need one: set its address and token in Settings.</p>${settings}`;
    return html`<p>
        Meters with an IP address are read through <code class="bridge-url">${this.bridge.url}</code>
        (${this.bridge.hasToken ? 'token set' : html`<strong>no token set</strong>`}).
      </p>
      ${settings}`;
  }

  override render() {
    // The probe and the demo button come first and stay open: on a phone they and "Read now" share
    // the first screen. What only some need (the bridge, what the demo is) is one tap away, open
    // from the start once a bridge is set (whoever set one reads through it) or when this browser
    // has no Web Serial (the bridge and the demo are then what it can use).
    return html`
      <h3>Optical probe (Web Serial)</h3>
      ${this.serialPart()}
      <details class="more" ?open=${Boolean(this.bridge) || !hasWebSerial()}>
        <summary>Meters on the LAN (bridge) and the demo meter</summary>
        <h3>Meters on the LAN (bridge)</h3>
        ${this.bridgePart()}
        <h3>Demo meter</h3>
        <p class="muted">The demo devices use the built-in port <code>DEMO</code>: simulated meters inside the app, at real line speed.</p>
      </details>
      <p role="status" class="port-message">${this.message}</p>
    `;
  }
}

customElements.define('ms-read-port', ReadPortCard);
