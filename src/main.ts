// Entry of the main thread: theme first (before the shell paints), then the shell, then the
// service worker, whose registration must not compete with the first render.
import { initTheme } from './ui/theme';
import './ui/app-shell';
import { appUpdate } from './ui/sw-update';

initTheme();
appUpdate.register();
