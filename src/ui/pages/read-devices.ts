import { css, html, nothing } from 'lit';
import type { DeviceStatus, EngineStatus } from '../../worker/engine-api';
import '../components/progress-bar';
import { STATE_WORDS, showProgress, stateTone } from './read-model';

export interface DeviceProgress {
  progress: ReadonlyMap<string, { done: number; expected: number }>;
  busySince: ReadonlyMap<string, number>;
  now: number;
}

/** State badges: the words always carry the meaning; colour and the border style only echo it. */
export const deviceStyles = css`
  .state {
    display: inline-block;
    padding: 0.1rem 0.6rem;
    border-radius: 999px;
    border: 2px solid var(--ms-border-strong);
    font-weight: 600;
    white-space: nowrap;
  }
  .state.busy {
    border-style: dashed;
    border-color: var(--ms-primary);
  }
  .state.ok {
    border-color: var(--ms-success);
    color: var(--ms-success);
  }
  .state.bad {
    border-color: var(--ms-error);
    color: var(--ms-error);
  }
  td ms-progress {
    min-width: 10rem;
  }
  a.browse {
    margin-top: 0.25rem;
  }
`;

function stateCell(d: DeviceStatus, p: DeviceProgress) {
  const busy = stateTone(d.state) === 'busy';
  const prog = p.progress.get(d.device_alias);
  const show = busy && showProgress(p.busySince.get(d.device_alias), p.now);
  return html`<span class="state ${stateTone(d.state)}">${STATE_WORDS[d.state] ?? d.state}</span>
    ${show
      ? html`<ms-progress label="${d.device_alias}: ${STATE_WORDS[d.state]}" .done=${prog?.done ?? 0} .expected=${prog?.expected ?? 0}></ms-progress>`
      : nothing}`;
}

/** The loaded devices with their live state, progress of long reads, and a way into the object browser. */
export function renderDevices(status: EngineStatus | undefined, error: string | undefined, p: DeviceProgress) {
  if (error) return html`<p role="alert">The engine worker is not available: ${error}</p>`;
  if (!status) return html`<p>Asking the engine…</p>`;
  if (status.devices.length === 0) return html`<p class="muted">No meter loaded yet: use the demo meter or load a saved configuration above.</p>`;
  return html`<div class="table-wrap">
    <table class="stack devices">
      <caption class="visually-hidden">Devices and their state</caption>
      <thead>
        <tr><th scope="col">Device</th><th scope="col">Protocol</th><th scope="col">State</th><th scope="col">Detail</th></tr>
      </thead>
      <tbody>
        ${status.devices.map(
          (d) => html`<tr data-device=${d.device_alias}>
            <td data-label="Device"><span><strong>${d.device_alias}</strong><br /><span class="muted">${d.name}</span></span></td>
            <td data-label="Protocol">
              <span
                >${d.protocol}${d.protocol === 'DLMS'
                  ? html`<br /><a class="button browse" href="#/objects?device=${encodeURIComponent(d.device_alias)}" aria-label="Browse objects of ${d.device_alias}">Browse objects</a>`
                  : nothing}</span
              >
            </td>
            <td data-label="State"><span>${stateCell(d, p)}</span></td>
            <td data-label="Detail">${d.detail ?? ''}${d.note ? html`<br /><span class="muted" data-note>${d.note}</span>` : nothing}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * The progress bar of one device's long operation (object list, profile), shown once it has lasted a
 * second. `active`: the page is waiting for that device.
 */
export function renderDeviceProgress(device: DeviceStatus | undefined, active: boolean, p: DeviceProgress) {
  if (!device || !active || !showProgress(p.busySince.get(device.device_alias), p.now)) return nothing;
  const prog = p.progress.get(device.device_alias);
  return html`<ms-progress
    label="${device.device_alias}: ${STATE_WORDS[device.state] ?? device.state}"
    .done=${prog?.done ?? 0}
    .expected=${prog?.expected ?? 0}
  ></ms-progress>`;
}

/** Re-render a page a few times a second while `busy()`, so the one-second progress rule can kick in. */
export class BusyTicker {
  private timer: ReturnType<typeof setInterval> | undefined;
  constructor(private readonly tick: () => void) {}
  update(busy: boolean): void {
    if (busy && !this.timer) this.timer = setInterval(this.tick, 250);
    else if (!busy) this.stop();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
