import { expect, type Download, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openPage } from './helpers';

/** Shared by the demo, profiles, objects and offline-demo specs. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?([+-]\d{2}:\d{2}|Z)$/;

/** Without the File System Access API the app falls back to a plain download, which Playwright can catch. */
export async function withoutSavePicker(page: Page): Promise<void> {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
  });
}

export async function download(page: Page, button: RegExp): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), text: await textOf(file) };
}

export async function textOf(d: Download): Promise<string> {
  return readFileSync((await d.path())!, 'utf8');
}

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
export function csvRows(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        expect(q).toBeGreaterThanOrEqual(0);
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      const m = /[^,\r]*/y;
      m.lastIndex = i;
      field = m.exec(text)![0];
      i += field.length;
      expect(field).not.toContain('"');
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      expect(text.slice(i, i + 2)).toBe('\r\n');
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

export async function useDemo(page: Page): Promise<void> {
  await openPage(page, 'read', 'Read');
  await page.getByRole('button', { name: 'Use the demo meter' }).click();
  await expect(page.locator('.load-message')).toContainText(/Loaded the demo meter: 4 device\(s\)/);
}
