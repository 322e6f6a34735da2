/**
 * Settings for the probes a technician carries: the custom Bluetooth service some probes offer instead of
 * the Serial Port Profile, how the end of a read is signalled on a phone, and each remembered probe with
 * the path it takes now ("USB via Web Serial", "USB via WebUSB (FTDI driver)", "Bluetooth via Web
 * Serial") and whether it can switch baud rate (a Bluetooth probe usually cannot: IEC mode C then reads at
 * the sign-on rate; mode E and HDLC work as they are).
 */
import { LitElement, css, html, nothing } from 'lit';
import { getEngine } from '../engine-client';
import { errorText } from '../format';
import { BT_SERVICE_KEY, normalizeServiceUuid, SPP_UUID, useCustomService } from '../probe-request';
import { READ_SIGNAL_DEFAULT, READ_SIGNAL_KEY, isReadSignal, type ReadSignal } from '../read-feedback';
import { pageStyles } from '../shared-styles';
import { getStore } from '../store-client';

type Offered = Awaited<ReturnType<ReturnType<typeof getEngine>['offeredPorts']>>;

const SIGNAL_TEXT: Record<ReadSignal, string> = {
  'vibrate+sound': 'Vibrate and beep',
  vibrate: 'Vibrate',
  sound: 'Beep',
  off: 'Nothing',
};

export class ProbeSettings extends LitElement {
  static override properties = {
    service: { state: true },
    signal: { state: true },
    offered: { state: true },
    message: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      ul.probes {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      ul.probes li {
        display: grid;
        gap: 0.25rem;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 44px;
      }
    `,
  ];

  declare service: string;
  declare signal: ReadSignal;
  declare offered: Offered | undefined;
  declare message: string;

  constructor() {
    super();
    this.service = '';
    this.signal = READ_SIGNAL_DEFAULT;
    this.offered = undefined;
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const store = await getStore();
      const [service, signal] = await Promise.all([store.getSetting(BT_SERVICE_KEY), store.getSetting(READ_SIGNAL_KEY)]);
      this.service = typeof service === 'string' ? service : '';
      this.signal = isReadSignal(signal) ? signal : READ_SIGNAL_DEFAULT;
      this.offered = await getEngine().offeredPorts();
    } catch (e) {
      this.message = `Probe settings could not be loaded: ${errorText(e)}`;
    }
  }

  private get serviceError(): string {
    const t = this.service.trim();
    if (!t) return '';
    const uuid = normalizeServiceUuid(t);
    if (!uuid) return 'Not a service UUID: give 128 bits (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) or a 16/32-bit id (0x1101).';
    return uuid === SPP_UUID ? 'That is the Serial Port Profile, which is always offered.' : '';
  }

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    const t = this.service.trim();
    const uuid = t ? normalizeServiceUuid(t) : '';
    if (uuid === undefined) {
      this.message = 'Not saved: the Bluetooth service UUID is not valid.';
      return;
    }
    try {
      const store = await getStore();
      await store.setSetting(BT_SERVICE_KEY, uuid);
      await store.setSetting(READ_SIGNAL_KEY, this.signal);
      this.service = uuid;
      useCustomService(uuid);
      this.message = 'Saved.';
    } catch (err) {
      this.message = `Not saved: ${errorText(err)}`;
    }
  }

  private async setFixed(name: string, fixed: boolean): Promise<void> {
    try {
      await getEngine().setProbeFixedRate(name, fixed);
      this.offered = await getEngine().offeredPorts();
      this.message = fixed ? `${name}: reads at the sign-on rate (no baud switch).` : `${name}: switches baud rate as the meter proposes.`;
    } catch (e) {
      this.message = `Not saved: ${errorText(e)}`;
    }
  }

  private probes() {
    const o = this.offered;
    if (!o) return nothing;
    if (o.remembered.length === 0 && o.unassigned.length === 0) return html`<p class="muted">No probe chosen yet: choose one on the Read page.</p>`;
    return html`<ul class="probes" aria-label="Probes">
      ${o.remembered.map(
        (r) => html`<li data-probe=${r.name}>
          <span><strong>${r.name}</strong>: ${r.label} — <span class="path">${r.path ?? ''}</span>${r.available ? '' : ' (not plugged in)'}</span>
          <label class="check"
            ><input type="checkbox" .checked=${r.fixedRate === true} @change=${(e: Event) => void this.setFixed(r.name, (e.target as HTMLInputElement).checked)} />
            Fixed rate: the probe cannot switch baud rate (mode C reads at the sign-on rate)</label
          >
        </li>`,
      )}
      ${o.unassigned.map((u) => html`<li><span>${u.label} — <span class="path">${u.path ?? ''}</span> (no port name yet)</span></li>`)}
    </ul>`;
  }

  override render() {
    const err = this.serviceError;
    return html`
      <h3>Probes</h3>
      ${this.probes()}
      <form @submit=${this.save}>
        <label for="bt-service">Custom Bluetooth service UUID (optional)</label>
        <input
          id="bt-service"
          type="text"
          autocomplete="off"
          spellcheck="false"
          placeholder="e.g. 6e400001-b5a3-f393-e0a9-e50e24dcca9e"
          aria-describedby="bt-service-help"
          aria-invalid=${err && !err.startsWith('That is') ? 'true' : 'false'}
          .value=${this.service}
          @input=${(e: Event) => (this.service = (e.target as HTMLInputElement).value)}
        />
        <p class="muted help" id="bt-service-help">
          ${err ||
          'Bluetooth probes with the Serial Port Profile are offered by the port picker as they are; a probe with a service of its own is offered only when its UUID is here.'}
        </p>
        <label for="read-signal">When a read ends</label>
        <select id="read-signal" @change=${(e: Event) => (this.signal = (e.target as HTMLSelectElement).value as ReadSignal)}>
          ${(Object.keys(SIGNAL_TEXT) as ReadSignal[]).map((s) => html`<option value=${s} ?selected=${s === this.signal}>${SIGNAL_TEXT[s]}</option>`)}
        </select>
        <p class="muted help">Phones keep the screen on while a read runs, and vibrate or beep differently for success and failure.</p>
        <div class="actions"><button type="submit">Save probe settings</button></div>
      </form>
      <p role="status" class="probe-settings-message">${this.message}</p>
    `;
  }
}

customElements.define('ms-probe-settings', ProbeSettings);
