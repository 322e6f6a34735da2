import { html, nothing } from 'lit';
import type { EngineStatus } from '../../worker/engine-api';

/** The engine's device table, shared by the Read and Profiles pages. */
export function renderEngineStatus(status: EngineStatus | undefined, error: string | undefined) {
  if (error) return html`<p role="alert">The engine worker is not available: ${error}</p>`;
  if (!status) return html`<p>Asking the engine…</p>`;
  const summary =
    status.state === 'empty'
      ? 'No configuration is loaded.'
      : `${status.state === 'running' ? 'Running' : 'Loaded, not started'}: ${status.deviceCount} device(s), ${status.signalCount} signal(s).`;
  return html`
    <p class="engine-summary"><span class="pill">${status.state}</span> ${summary}</p>
    ${status.devices.length === 0
      ? nothing
      : html`<div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Devices and their state</caption>
            <thead>
              <tr><th scope="col">Device</th><th scope="col">Protocol</th><th scope="col">State</th><th scope="col">Detail</th></tr>
            </thead>
            <tbody>
              ${status.devices.map(
                (d) => html`<tr>
                  <td data-label="Device"><span><strong>${d.device_alias}</strong><br /><span class="muted">${d.name}</span></span></td>
                  <td data-label="Protocol">${d.protocol}</td>
                  <td data-label="State">${d.state}</td>
                  <td data-label="Detail">${d.detail ?? ''}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`}
  `;
}

/** Said plainly on every page that would read a meter, until the sessions are plugged in. */
export const notWiredNote = html`<p class="muted not-wired">
  Protocol sessions are not wired into the engine yet: IEC 62056-21 (readout and programming mode), DLMS/COSEM
  (HDLC and wrapper) and Elgama devices are accepted and listed, but no meter is contacted and no values are read.
</p>`;
