import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLE_VALID = join(ROOT, 'examples', 'wcc-lite.json');
export const EXAMPLE_INVALID = join(ROOT, 'examples', 'invalid.json');

export const PAGES = [
  { id: 'meters', heading: 'Meters' },
  { id: 'read', heading: 'Read' },
  { id: 'profiles', heading: 'Profiles' },
  { id: 'history', heading: 'History' },
  { id: 'trace', heading: 'Trace' },
  { id: 'settings', heading: 'Settings' },
] as const;

export function readExample(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Open a page of the app and wait until its heading is on screen (chunk loaded, element rendered). */
export async function openPage(page: Page, id: string, heading: string): Promise<void> {
  await page.goto(`./#/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

/** Import a file on the Meters page through the real file picker. */
export async function importFile(page: Page, path: string): Promise<void> {
  await page.getByLabel('Configuration file (JSON)').setInputFiles(path);
}
