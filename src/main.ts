// Entry of the main thread: theme first (before the shell paints), then the shell. The service worker
// registers once the page has loaded and the main thread is idle: its script, the workbox-window
// chunk and the precache downloads must not compete with the first screen (Lighthouse counted them
// among the start-up's long tasks).
import { initTheme } from './ui/theme';
import { defineAppShell } from './ui/app-shell';
import { appUpdate } from './ui/sw-update';

initTheme();
// The page shows "MeterScope is starting…" (index.html) until the shell is defined and renders, in a
// task of its own after this module graph was evaluated.
setTimeout(defineAppShell, 0);

const whenIdle = (fn: () => void): void => {
  if ('requestIdleCallback' in window) requestIdleCallback(fn, { timeout: 5000 });
  else setTimeout(fn, 1000);
};
if (document.readyState === 'complete') whenIdle(() => appUpdate.register());
else addEventListener('load', () => whenIdle(() => appUpdate.register()), { once: true });
