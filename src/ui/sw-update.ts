/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * Service worker registration in "prompt" mode: a new version waits until the user agrees to reload,
 * because reloading in the middle of a meter dialogue would cut the session.
 */
import { registerSW } from 'virtual:pwa-register';

const HOURLY = 60 * 60 * 1000;

class AppUpdate extends EventTarget {
  /** A new service worker is installed and waiting. */
  ready = false;
  /** The app is cached for offline use. */
  offlineReady = false;
  private update: ((reload?: boolean) => Promise<void>) | undefined;

  register(): void {
    if (!('serviceWorker' in navigator)) return;
    this.update = registerSW({
      immediate: true,
      onNeedRefresh: () => {
        this.ready = true;
        this.dispatchEvent(new Event('change'));
      },
      onOfflineReady: () => {
        this.offlineReady = true;
        this.dispatchEvent(new Event('change'));
      },
      onRegisteredSW: (_url, registration) => {
        // Long-lived field sessions would otherwise only see updates after a manual reload.
        if (registration) setInterval(() => void registration.update().catch(() => undefined), HOURLY);
      },
    });
  }

  /** Activate the waiting worker; the page reloads once it takes control. */
  async apply(): Promise<void> {
    // The library reloads on the new worker's "controlling" event, which only comes if this page was
    // already controlled. A first visit is not (prompt mode does not claim clients), and with no
    // controlled page the new worker does not even wait: it is active already, so just reload.
    if (!navigator.serviceWorker.controller) {
      const waiting = (await navigator.serviceWorker.getRegistration())?.waiting;
      if (!waiting) {
        location.reload();
        return;
      }
      waiting.addEventListener('statechange', () => {
        if (waiting.state === 'activated') location.reload();
      });
    }
    await this.update?.(true);
  }
}

export const appUpdate = new AppUpdate();
