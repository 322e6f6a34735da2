import { expect, type Download, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openPage } from './helpers';
import { answerSavePicker, type PickerRecord } from './save-picker';

export { answerSavePicker };

/** Shared by the demo, profiles, objects and offline-demo specs. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?([+-]\d{2}:\d{2}|Z)$/;

/** The text of a file the answered picker saved (a BOM kept), read back from the origin-private file system. */
export async function savedText(page: Page, name: string): Promise<string> {
  return page.evaluate(async (n) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('e2e-saved');
    // Decoded by hand: File.text() would drop a byte order mark, and the BOM option is under test.
    const bytes = await (await (await dir.getFileHandle(n)).getFile()).arrayBuffer();
    return new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(bytes);
  }, name);
}

/**
 * Press an export button with the real save picker on and return the saved file. The app says
 * "Saved <name>." only after the stream was piped into the file and closed.
 */
export async function saveVia(page: Page, button: RegExp, timeout = 15_000): Promise<{ name: string; text: string }> {
  const before = await page.evaluate(() => (window as unknown as PickerRecord).__pickerSaved.length);
  await page.getByRole('button', { name: button }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as PickerRecord).__pickerSaved.length)).toBeGreaterThan(before);
  const name = await page.evaluate((i) => (window as unknown as PickerRecord).__pickerSaved[i]!, before);
  await expect(page.getByText(`Saved ${name}.`, { exact: true }).first()).toBeVisible({ timeout });
  return { name, text: await savedText(page, name) };
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
  await expect(page.locator('.load-message')).toContainText(/Loaded the demo meter: 6 device\(s\)/);
}
