/**
 * The store (IndexedDB and its code) loads on demand: the first screen paints with the localStorage
 * copy, and opening the database is not part of the start-up's first task.
 */
async function themeSetting() {
  const { getStore, SETTING } = await import('./store-client');
  return { store: await getStore(), key: SETTING.theme };
}

export type ThemePreference = 'system' | 'light' | 'dark';

/**
 * The store (IndexedDB) is the source of truth, but it opens asynchronously; a copy in localStorage
 * lets the first paint use the right theme instead of flashing light before switching to dark.
 */
const FIRST_PAINT_KEY = 'meterscope.theme';

export function isThemePreference(v: unknown): v is ThemePreference {
  return v === 'system' || v === 'light' || v === 'dark';
}

export function applyTheme(pref: ThemePreference): void {
  const root = document.documentElement;
  if (pref === 'system') delete root.dataset.theme;
  else root.dataset.theme = pref;
  try {
    localStorage.setItem(FIRST_PAINT_KEY, pref);
  } catch {
    // Storage may be disabled; the theme still applies for this page view.
  }
  const dark = pref === 'dark' || (pref === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', dark ? '#10161d' : '#0f4c81');
}

export function currentTheme(): ThemePreference {
  const v = document.documentElement.dataset.theme;
  return isThemePreference(v) ? v : 'system';
}

export async function saveTheme(pref: ThemePreference): Promise<void> {
  applyTheme(pref);
  const { store, key } = await themeSetting();
  await store.setSetting(key, pref);
}

export function initTheme(): void {
  let cached: string | null = null;
  try {
    cached = localStorage.getItem(FIRST_PAINT_KEY);
  } catch {
    cached = null;
  }
  applyTheme(isThemePreference(cached) ? cached : 'system');
  // Keep the browser chrome colour in step when the system switches while "system" is chosen.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (currentTheme() === 'system') applyTheme('system');
  });
  void themeSetting()
    .then(({ store, key }) => store.getSetting(key))
    .then((stored) => {
      if (isThemePreference(stored)) applyTheme(stored);
    })
    .catch(() => {
      // No IndexedDB (e.g. some private modes): keep the cached or system theme.
    });
}
