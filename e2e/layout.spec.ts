import { expect, test, type Page } from '@playwright/test';
import { EXAMPLE_VALID, importFile, openPage } from './helpers';

/**
 * Issue 18, the app in one hand at a meter cabinet: every control of the shell and of the Meters
 * (editor), Objects, Trace and Settings views is at least 44x44 px on a 390 px phone; the header does
 * not move when Chrome offers installation; focus lands somewhere useful after the main actions.
 */
const PHONE = { width: 390, height: 844 };

/** Interactive elements of the document and every open shadow root, with their target box. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll<HTMLElement>('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        const tag = el.localName;
        const focusable = el.tabIndex >= 0 && !(el instanceof HTMLInputElement && el.type === 'hidden');
        const interactive = ['a', 'button', 'select', 'textarea', 'input', 'summary'].includes(tag) || el.getAttribute('role') === 'button';
        if (!interactive || !focusable || (el as HTMLButtonElement).disabled) continue;
        // A checkbox or radio inside its label: the whole label is what the thumb hits.
        const box = (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) || el;
        const r = box.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not rendered (closed disclosure, hidden)
        if (r.width < 43.5 || r.height < 43.5) {
          const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
          small.push(`${tag} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
        }
      }
    };
    visit(document);
    return small;
  });
}

test('every control of the shell, Meters, the editor, Objects, Trace and Settings is at least 44x44 px at 390 px', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize(PHONE);
  const found: string[] = [];
  const check = async (view: string) => found.push(...(await smallTargets(page)).map((s) => `${view}: ${s}`));

  await openPage(page, 'trace', 'Trace');
  await page.getByLabel('Trace level').selectOption('5');
  await openPage(page, 'meters', 'Meters');
  await check('meters');
  await page.getByRole('button', { name: 'Open demo', exact: true }).click();
  await page.getByRole('button', { name: 'Edit demo_dlms' }).click();
  const form = page.locator('li[data-device="demo_dlms"]');
  // Every folded group of the form open at once (one click each would take long on a loaded machine).
  await form.evaluate((li) => li.querySelectorAll('details').forEach((d) => (d.open = true)));
  await expect(form.locator('details:not([open])')).toHaveCount(0);
  await check('config editor');
  // A read of the DLMS demo meter from the editor gives Objects a device and Trace decoded frames.
  await page.getByRole('button', { name: 'Read demo_dlms' }).click();
  await expect(page.locator('.read-message')).toContainText(/Read \d+ value/, { timeout: 30_000 });

  await openPage(page, 'objects', 'Objects');
  await page.getByRole('button', { name: 'Read object list' }).click();
  await expect(page.locator('ul.objects > li').first()).toBeVisible({ timeout: 30_000 });
  await page.locator('ul.objects > li summary').first().click();
  await check('objects');

  await openPage(page, 'trace', 'Trace');
  await page.locator('details.decoded > summary').first().click();
  await check('trace');
  // The trace scrolls with the page: no scroll box inside the scrolling page.
  const list = page.locator('ol.trace');
  expect(await list.evaluate((el) => getComputedStyle(el).overflowY)).toBe('visible');
  expect(await list.evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);
  await openPage(page, 'settings', 'Settings');
  await check('settings');
  expect(found).toEqual([]);
});

test('object cards and editor groups show that they open, and say whether they are open', async ({ page }) => {
  await openPage(page, 'meters', 'Meters');
  await page.getByRole('button', { name: 'Open demo', exact: true }).click();
  await page.getByRole('button', { name: 'Edit demo_dlms' }).click();
  const summary = page.locator('li[data-device="demo_dlms"] details.group > summary').first();
  const marker = () => summary.evaluate((el) => getComputedStyle(el, '::before').transform);
  const closed = await marker();
  expect(await summary.evaluate((el) => getComputedStyle(el, '::before').borderRightStyle)).toBe('solid');
  await expect(summary).toHaveAccessibleName(/\S/);
  const expanded = () => summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open);
  const wasOpen = await expanded();
  await summary.click();
  expect(await expanded()).toBe(!wasOpen);
  await expect.poll(marker).not.toBe(closed); // it turns (with a short transition)
});

test('no layout shift and no taller header when the install offer arrives; the engine status is not cut', async ({ page }) => {
  test.setTimeout(60_000);
  for (const vp of [PHONE, { width: 1280, height: 800 }]) {
    await page.setViewportSize(vp);
    await page.goto('./');
    await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
    await expect(page.getByRole('banner')).toContainText(/Engine: (no configuration|loaded|running|stopped)/);
    const header = page.getByRole('banner');
    const before = await header.boundingBox();
    const shift = await page.evaluate(async () => {
      let total = 0;
      const seen = new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { value: number })[]) total += e.value;
      });
      seen.observe({ type: 'layout-shift' });
      const offer = new Event('beforeinstallprompt', { cancelable: true }) as Event & { prompt(): Promise<void>; userChoice: Promise<unknown> };
      offer.prompt = async () => undefined;
      offer.userChoice = Promise.resolve({ outcome: 'dismissed' });
      window.dispatchEvent(offer);
      // Two frames: the button renders, then any shift would be reported.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await new Promise((r) => setTimeout(r, 200));
      seen.disconnect();
      return total;
    });
    await expect(page.getByRole('button', { name: 'Install app' })).toBeVisible();
    expect(shift, `layout shift at ${vp.width} px`).toBe(0);
    expect(await header.boundingBox()).toEqual(before);
    const status = page.getByRole('banner').getByRole('status');
    const cut = await status.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || getComputedStyle(el).textOverflow === 'ellipsis');
    expect(cut, `engine status cut at ${vp.width} px`).toBe(false);
    // The whole status is inside the viewport and inside the header.
    const s = (await status.boundingBox())!;
    expect(s.x + s.width).toBeLessThanOrEqual(vp.width);
    expect(s.y + s.height).toBeLessThanOrEqual(before!.y + before!.height);
  }
});

test('the skip link moves the focus to the main landmark, which the document can resolve', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await openPage(page, 'settings', 'Settings');
  expect(await page.evaluate(() => document.getElementById('main')?.localName)).toBe('main');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await expect(page).toHaveURL(/#\/settings$/);
});

test('focus after the main actions: Browse objects, Read object list, an import on Meters', async ({ page }) => {
  test.setTimeout(60_000);
  await page.setViewportSize(PHONE);
  await openPage(page, 'meters', 'Meters');
  await importFile(page, EXAMPLE_VALID);
  // The editor's result line takes the focus (and reads it out) once the file is open.
  await expect(page.locator('ms-config-editor p.summary')).toBeFocused();
  await expect(page.locator('ms-config-editor p.summary')).toContainText(/Valid/);

  await openPage(page, 'read', 'Read');
  await page.getByRole('button', { name: 'Use the demo meter' }).click();
  const browse = page.getByRole('link', { name: 'Browse objects of demo_dlms' });
  await browse.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Objects' })).toBeVisible();
  await expect(page.getByRole('main')).toBeFocused();

  await page.getByRole('button', { name: 'Read object list' }).focus();
  await page.keyboard.press('Enter');
  const message = page.locator('.objects-message');
  await expect(message).toContainText(/\d+ object\(s\)/, { timeout: 30_000 });
  await expect(message).toBeFocused();
});
