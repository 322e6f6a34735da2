import { LitElement, css, html, nothing } from 'lit';

/** The browser's install offer (Chromium): kept until the user asks, so installing is one click. */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/**
 * "Install app" in the header, shown only while the browser offers installation. Browsers show their
 * own prompt at a moment of their choosing; a technician wants the app on the laptop before going out
 * to a site with no network, so the offer stays one visible click away.
 */
export class InstallButton extends LitElement {
  static override properties = { offer: { state: true } };
  declare offer: InstallPromptEvent | undefined;

  static override styles = css`
    button {
      min-height: 44px;
      padding: 0 0.9rem;
      border-radius: 8px;
      border: 1px solid currentColor;
      background: transparent;
      color: inherit;
      font: inherit;
      font-weight: 600;
      cursor: pointer;
      white-space: nowrap;
    }
    button:focus-visible {
      outline: 3px solid currentColor;
      outline-offset: 2px;
    }
  `;

  private readonly onOffer = (e: Event) => {
    e.preventDefault();
    this.offer = e as InstallPromptEvent;
  };
  private readonly onInstalled = () => {
    this.offer = undefined;
  };

  constructor() {
    super();
    this.offer = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('beforeinstallprompt', this.onOffer);
    window.addEventListener('appinstalled', this.onInstalled);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('beforeinstallprompt', this.onOffer);
    window.removeEventListener('appinstalled', this.onInstalled);
    super.disconnectedCallback();
  }

  private async install(): Promise<void> {
    const offer = this.offer;
    if (!offer) return;
    // An offer can be used once; the browser makes a new one if the user declines.
    this.offer = undefined;
    await offer.prompt();
    await offer.userChoice.catch(() => undefined);
  }

  override render() {
    return this.offer ? html`<button @click=${() => void this.install()}>Install app</button>` : nothing;
  }
}

customElements.define('ms-install-button', InstallButton);
