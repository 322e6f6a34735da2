import { expect, test } from '@playwright/test';

/**
 * Headless Chromium does not raise its install offer by itself, so the test raises one shaped like
 * the browser's: the button appears, a click hands it to the browser's prompt, and it goes away.
 */
test('the install offer becomes an "Install app" button that opens the browser prompt', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Read' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Install app' })).toHaveCount(0);
  await page.evaluate(() => {
    const offer = new Event('beforeinstallprompt', { cancelable: true }) as Event & {
      prompt(): Promise<void>;
      userChoice: Promise<{ outcome: string }>;
    };
    (window as unknown as { prompted: number }).prompted = 0;
    offer.prompt = async () => {
      (window as unknown as { prompted: number }).prompted++;
    };
    offer.userChoice = Promise.resolve({ outcome: 'accepted' });
    window.dispatchEvent(offer);
  });
  const button = page.getByRole('button', { name: 'Install app' });
  await expect(button).toBeVisible();
  await button.click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { prompted: number }).prompted)).toBe(1);
  await expect(button).toHaveCount(0);
});
