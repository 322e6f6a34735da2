import { expect, test } from '@playwright/test';
import { PAGES, openPage } from './helpers';

/** WCAG 2 relative luminance and contrast ratio of two `rgb(r, g, b)` colours. */
function luminance(rgb: string): number {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  if (!m) throw new Error(`not an rgb colour: ${rgb}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => {
    const v = Number(c) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

// [foreground token, background token, minimum ratio]: 4.5 for text, 3 for focus rings and control borders.
const PAIRS: [string, string, number][] = [
  ['text', 'bg', 7],
  ['text', 'surface', 7],
  ['muted', 'bg', 4.5],
  ['muted', 'surface', 4.5],
  ['link', 'surface', 4.5],
  ['link', 'bg', 4.5],
  ['on-primary', 'primary', 4.5],
  ['header-text', 'header-bg', 4.5],
  ['selected-text', 'selected', 4.5],
  ['error', 'surface', 4.5],
  ['error', 'error-bg', 4.5],
  ['success', 'surface', 4.5],
  ['focus', 'bg', 3],
  ['focus', 'surface', 3],
  ['border-strong', 'surface', 3],
];

for (const scheme of ['light', 'dark'] as const) {
  test(`colour tokens meet WCAG AA contrast in the ${scheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('./');
    await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
    // Resolve each custom property to a computed rgb() through a probe element.
    const colours = await page.evaluate((names) => {
      const probe = document.createElement('div');
      document.body.append(probe);
      const out: Record<string, string> = {};
      for (const n of names) {
        probe.style.color = `var(--ms-${n})`;
        out[n] = getComputedStyle(probe).color;
      }
      probe.remove();
      return out;
    }, [...new Set(PAIRS.flatMap(([f, b]) => [f, b]))]);
    for (const [fg, bg, min] of PAIRS) {
      const ratio = contrast(colours[fg]!, colours[bg]!);
      expect(ratio, `${scheme}: --ms-${fg} on --ms-${bg} is ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(min);
    }
  });
}

test('every form control on every page has an accessible name', async ({ page }) => {
  let total = 0;
  for (const p of PAGES) {
    await openPage(page, p.id, p.heading);
    const controls = page.getByRole('main').locator('input, select, textarea, button');
    const n = await controls.count();
    total += n;
    for (let i = 0; i < n; i++) {
      const snap = await controls.nth(i).ariaSnapshot();
      expect(snap, `${p.id}: control ${i} has no accessible name`).toMatch(/"[^"]+"/);
    }
  }
  expect(total).toBeGreaterThan(10);
});

test('keyboard users can skip to the content and see where the focus is', async ({ page }) => {
  await openPage(page, 'meters', 'Meters');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  // The next Tab lands inside the page, on a control with a visible focus outline.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? getComputedStyle(el).outlineStyle : 'none';
  });
  expect(outline).not.toBe('none');
});
