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
 *
 * Its place in the header is reserved whether or not there is an offer (44 px square on a phone, where
 * it is an icon with the same accessible name; the text button's width on wider screens), so the
 * header never moves when Chrome decides to offer installation.
 */
export class InstallButton extends LitElement {
  static override properties = { offer: { state: true } };
  declare offer: InstallPromptEvent | undefined;

  static override styles = css`
    :host {
      display: inline-flex;
      justify-content: flex-end;
      flex: none;
      width: 7.5rem;
      height: 44px;
    }
    button {
      position: relative;
      display: inline-flex;
      align-items: center;
      justify-content: center;
      gap: 0.4rem;
      min-width: 44px;
      height: 44px;
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
    @media (max-width: 767px) {
      :host {
        width: 44px;
      }
      button {
        padding: 0;
      }
      /* Visually hidden, still the button's name. */
      .label {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
    }
    @media (min-width: 768px) {
      svg {
        display: none;
      }
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
    if (!this.offer) return nothing;
    return html`<button @click=${() => void this.install()}>
      <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
        <path d="M12 4v11 M7 10l5 5 5-5 M5 20h14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <span class="label">Install app</span>
    </button>`;
  }
}

customElements.define('ms-install-button', InstallButton);
