import { LitElement, css, html, nothing, render } from 'lit';
import { EngineWatch, engineMonitor } from './engine-client';
import { NAV_ROUTES, routeFromHash, type Route } from './routes';
import './install-button';
import { appUpdate } from './sw-update';

/** Let the browser paint and handle input before the next heavy step (one long task becomes two). */
const yieldToMain = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The frame around every page: banner, navigation, main landmark. Wide screens get a side rail;
 * below 768 px the navigation becomes a bottom bar with thumb-sized targets.
 *
 * The main landmark is a light-DOM child (`<main id="main">`, slotted into the grid): a skip link's
 * `#main` must resolve in the document, and a target inside the shadow root does not (axe
 * `skip-link`). The page element is rendered into it.
 */
export class AppShell extends LitElement {
  static override properties = {
    route: { state: true },
    page: { state: true },
    loadError: { state: true },
  };

  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: 13rem minmax(0, 1fr);
      grid-template-rows: auto 1fr;
      grid-template-areas: 'header header' 'nav main';
      min-height: 100vh;
      min-height: 100dvh;
      color: var(--ms-text);
      background: var(--ms-bg);
    }
    .skip {
      position: absolute;
      left: 0.5rem;
      top: -4rem;
      z-index: 10;
      display: inline-flex;
      align-items: center;
      min-height: 44px;
      box-sizing: border-box;
      padding: 0.5rem 1rem;
      background: var(--ms-primary);
      color: var(--ms-on-primary);
      border-radius: 0.5rem;
      font-weight: 600;
    }
    .skip:focus {
      top: 0.5rem;
    }
    header {
      grid-area: header;
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 1rem;
      box-sizing: border-box;
      /* The install button's 44 px are always reserved: the header never grows when it appears. */
      height: 60px;
      padding: 0 1rem;
      background: var(--ms-header-bg);
      color: var(--ms-header-text);
      min-width: 0;
    }
    .brand {
      flex: none;
      display: flex;
      align-items: center;
      gap: 0.6rem;
      font-size: 1.2rem;
      font-weight: 700;
      margin: 0;
    }
    .brand img {
      width: 32px;
      height: 32px;
      border-radius: 6px;
    }
    .header-end {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      min-width: 0;
    }
    /* Wraps to a second line on a phone rather than shrinking to "En…". */
    .engine {
      font-size: 0.85rem;
      line-height: 1.2;
      text-align: end;
      overflow-wrap: anywhere;
    }
    nav {
      grid-area: nav;
      background: var(--ms-surface);
      border-right: 1px solid var(--ms-border);
    }
    nav ul {
      list-style: none;
      margin: 0;
      padding: 0.5rem;
      display: flex;
      flex-direction: column;
      gap: 0.25rem;
      position: sticky;
      top: 0;
    }
    nav a {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      min-height: 48px;
      padding: 0 0.75rem;
      border-radius: 0.5rem;
      color: var(--ms-text);
      text-decoration: none;
      font-weight: 600;
    }
    nav a:hover {
      background: var(--ms-hover);
    }
    nav a[aria-current='page'] {
      background: var(--ms-selected);
      color: var(--ms-selected-text);
    }
    a:focus-visible {
      outline: 3px solid var(--ms-focus);
      outline-offset: 2px;
    }
    ::slotted(main) {
      grid-area: main;
      padding: 1rem 1.5rem 2rem;
      min-width: 0;
      outline: none;
    }
    .banner-slot {
      position: fixed;
      right: 1rem;
      bottom: 1rem;
      left: auto;
      max-width: min(28rem, calc(100vw - 2rem));
      z-index: 20;
    }
    @media (max-width: 767px) {
      :host {
        grid-template-columns: minmax(0, 1fr);
        grid-template-areas: 'header' 'main';
      }
      nav {
        position: fixed;
        left: 0;
        right: 0;
        bottom: 0;
        z-index: 5;
        border-right: 0;
        border-top: 1px solid var(--ms-border);
        padding-bottom: env(safe-area-inset-bottom, 0);
      }
      nav ul {
        flex-direction: row;
        padding: 0;
        gap: 0;
      }
      nav li {
        flex: 1 1 0;
        min-width: 0;
      }
      nav a {
        flex-direction: column;
        justify-content: center;
        gap: 0.1rem;
        min-height: 56px;
        padding: 0.25rem 0;
        border-radius: 0;
        /* 12.5 px: "Settings" still fits a sixth of a 360 px screen. */
        font-size: 0.78rem;
      }
      ::slotted(main) {
        padding: 1rem 1rem calc(72px + env(safe-area-inset-bottom, 0px));
      }
      .brand {
        font-size: 1.05rem;
        gap: 0.4rem;
      }
      /* The status's box fills the header's end and its text starts at the box's left edge: a longer
         or shorter status ("loaded" / "loaded, reading") moves nothing on screen (layout shift). */
      .header-end {
        flex: 1 1 auto;
      }
      .engine {
        flex: 1 1 0;
        min-width: 0;
        font-size: 0.8rem;
        text-align: start;
      }
    }
    /* Below 360 px the logo alone names the app (the name stays for screen readers), so the engine
       status keeps two lines inside the 60 px header. */
    @media (max-width: 359px) {
      .brand-name {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      .banner-slot {
        left: 0.5rem;
        right: 0.5rem;
        bottom: calc(64px + env(safe-area-inset-bottom, 0px));
        max-width: none;
      }
    }
  `;

  declare route: Route;
  declare page: HTMLElement | undefined;
  declare loadError: string | undefined;
  private navigated = false;
  /** The light-DOM main landmark the pages render into (see the class comment). */
  private readonly main: HTMLElement;
  private readonly onHash = () => void this.show(routeFromHash(location.hash));

  constructor() {
    super();
    this.route = routeFromHash(location.hash);
    this.page = undefined;
    this.loadError = undefined;
    this.main = document.createElement('main');
    this.main.id = 'main';
    this.main.tabIndex = -1;
  }

  /**
   * After the first paint: the engine (a worker, its subscription and first status) starts in a task
   * of its own, and the update banner's module loads only once there is an update to offer.
   */
  protected override firstUpdated(): void {
    setTimeout(() => new EngineWatch(this), 0);
    const banner = () => {
      if (appUpdate.ready) void import('./update-banner');
    };
    appUpdate.addEventListener('change', banner);
    banner();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    if (this.main.parentNode !== this) this.append(this.main);
    void this.show(this.route);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  private async show(route: Route): Promise<void> {
    this.route = route;
    this.loadError = undefined;
    document.title = `${route.label} · MeterScope`;
    try {
      await route.load();
    } catch (e) {
      if (this.route === route) this.loadError = e instanceof Error ? e.message : String(e);
      return;
    }
    // The shell paints first; the page's first render is a task of its own.
    await yieldToMain();
    if (this.route !== route) return; // the user moved on while the chunk loaded
    this.page = document.createElement(route.tag);
    if (this.navigated) {
      // After a navigation, put keyboard and screen-reader users at the top of the new page.
      await this.updateComplete;
      this.main.focus();
    }
    this.navigated = true;
  }

  private skipToMain(e: Event): void {
    // Moved by hand: following "#main" would change the hash, which is the router's.
    e.preventDefault();
    this.main.focus();
    this.main.scrollIntoView({ block: 'start' });
  }

  protected override updated(): void {
    render(
      this.loadError
        ? html`<div role="alert">
            <h1>${this.route.label}</h1>
            <p>This page could not be loaded (${this.loadError}). If you are offline, the app may not be fully cached yet.</p>
            <button @click=${() => void this.show(this.route)}>Try again</button>
          </div>`
        : (this.page ?? html`<p>Loading…</p>`),
      this.main,
    );
  }

  private engineLabel(): string {
    if (engineMonitor.error) return 'Engine: unavailable';
    const s = engineMonitor.status;
    if (!s) return 'Engine: starting…';
    if (s.state === 'empty') return 'Engine: no configuration';
    return `Engine: ${s.state}${s.busy ? ', reading' : ''}`;
  }

  override render() {
    const current = this.route.parent ?? this.route.id;
    return html`
      <a class="skip" href="#main" @click=${this.skipToMain}>Skip to content</a>
      <header>
        <p class="brand"><img src="./icons/icon-192.png" alt="" width="32" height="32" /><span class="brand-name">MeterScope</span></p>
        <span class="header-end">
          <ms-install-button></ms-install-button>
          <span class="engine" role="status">${this.engineLabel()}</span>
        </span>
      </header>
      <nav aria-label="Main">
        <ul>
          ${NAV_ROUTES.map(
            (r) => html`<li>
              <a href="#/${r.id}" aria-current=${r.id === current ? 'page' : nothing}>${r.icon}<span>${r.label}</span></a>
            </li>`,
          )}
        </ul>
      </nav>
      <slot></slot>
      <div class="banner-slot"><ms-update-banner></ms-update-banner></div>
    `;
  }
}

/** Defined by main.ts in a task after the modules were evaluated, so the two are not one long task. */
export function defineAppShell(): void {
  if (!customElements.get('ms-app')) customElements.define('ms-app', AppShell);
}
