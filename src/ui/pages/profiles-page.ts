import { LitElement, html } from 'lit';
import { EngineWatch, engineMonitor } from '../engine-client';
import { pageStyles } from '../shared-styles';
import { renderEngineStatus } from './engine-status-view';

/** Load profiles and event logs: only the engine status until profile reading exists. */
export class ProfilesPage extends LitElement {
  static override styles = pageStyles;

  constructor() {
    super();
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void engineMonitor.refresh().catch(() => undefined);
  }

  override render() {
    return html`
      <h1>Profiles</h1>
      <p class="muted not-wired">
        Reading load profiles and event logs is not wired yet: neither IEC 62056-21 programming-mode reads (P.01, P.98)
        nor DLMS/COSEM Profile Generic buffers are connected to the engine. Nothing on this page reads a meter today.
      </p>
      <section class="card" aria-labelledby="status-title">
        <h2 id="status-title">Engine status</h2>
        ${renderEngineStatus(engineMonitor.status, engineMonitor.error)}
      </section>
    `;
  }
}

customElements.define('ms-profiles-page', ProfilesPage);
