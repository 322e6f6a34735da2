import { LitElement, css, html, nothing } from 'lit';
import { EngineWatch, engineMonitor } from './engine-client';
import { pageStyles } from './shared-styles';
import { appUpdate } from './sw-update';

/**
 * "A new version is ready" prompt. Non-blocking, and held back while the engine reports a read in
 * progress: reloading then would cut the meter dialogue half way.
 */
export class UpdateBanner extends LitElement {
  static override properties = {
    dismissed: { state: true },
  };

  static override styles = [
    pageStyles,
    css`
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.5rem 1rem;
        background: var(--ms-surface);
        border: 2px solid var(--ms-primary);
        border-radius: 0.75rem;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
      }
      .banner p {
        margin: 0;
        font-weight: 600;
      }
    `,
  ];

  declare dismissed: boolean;
  private readonly onUpdate = () => this.requestUpdate();

  constructor() {
    super();
    this.dismissed = false;
    new EngineWatch(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    appUpdate.addEventListener('change', this.onUpdate);
  }

  override disconnectedCallback(): void {
    appUpdate.removeEventListener('change', this.onUpdate);
    super.disconnectedCallback();
  }

  override render() {
    if (!appUpdate.ready || this.dismissed || engineMonitor.busy) return nothing;
    return html`<div class="banner" role="status">
      <p>A new version is ready — Reload</p>
      <div class="actions" style="margin:0">
        <button class="primary" @click=${() => void appUpdate.apply()}>Reload</button>
        <button @click=${() => (this.dismissed = true)}>Later</button>
      </div>
    </div>`;
  }
}

customElements.define('ms-update-banner', UpdateBanner);
