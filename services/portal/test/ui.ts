import type { Locator, Page } from 'playwright-core';

/** Small helpers to drive Ant Design's controls the way a person does. */

/** The form item (label + control) whose label is exactly this text, inside the scope. */
export const item = (scope: Page | Locator, label: string) => {
  const page = 'page' in scope && typeof scope.page === 'function' ? (scope as Locator).page() : (scope as Page);
  return scope
    .locator('.ant-form-item')
    .filter({ has: page.locator(`label[title="${label}"]`) })
    .first();
};

export async function fill(scope: Page | Locator, label: string, value: string) {
  await item(scope, label).locator('input, textarea').first().fill(value);
}

/** Picks an option of an antd Select by its visible text. */
export async function choose(page: Page, scope: Page | Locator, label: string, option: string) {
  await item(scope, label).locator('.ant-select').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

export async function radio(scope: Page | Locator, label: string, option: string) {
  await item(scope, label)
    .locator('label.ant-radio-wrapper, label.ant-radio-button-wrapper', { hasText: option })
    .first()
    .click();
}

export async function date(page: Page, scope: Page | Locator, label: string, iso: string) {
  const input = item(scope, label).locator('input');
  await input.click();
  await input.fill(iso);
  await input.press('Enter');
  await page.keyboard.press('Escape').catch(() => undefined);
}

/** Uploads a file through the form item's upload button and waits until it shows as done. */
export async function upload(
  scope: Page | Locator,
  label: string,
  file: { name: string; mimeType: string; buffer: Buffer },
) {
  const it = item(scope, label);
  await it.locator('input[type="file"]').setInputFiles(file);
  await it.locator('.ant-upload-list-item-done', { hasText: file.name }).first().waitFor();
}

/** The antd message (toast) with this text appeared. */
export const toast = (page: Page, text: string | RegExp) =>
  page.locator('.ant-message-notice', { hasText: text }).first().waitFor();

/**
 * Clicks OK in the open confirm dialog once it has finished opening, and waits for it to close.
 * A click during the zoom-in can press on the moving button and release off it, and is lost.
 */
export async function confirmDialog(page: Page) {
  const dialog = page.locator('.ant-modal-confirm');
  await dialog.waitFor();
  await dialog.evaluate(async (el) => {
    await Promise.all(el.getAnimations({ subtree: true }).map((a: { finished: Promise<unknown> }) => a.finished));
  });
  await dialog.locator('.ant-btn-primary').click();
  await dialog.waitFor({ state: 'hidden' });
}

/** The modal whose title is this text. */
export const modal = (page: Page, title: string) =>
  page
    .locator('.ant-modal:visible')
    .filter({ has: page.locator('.ant-modal-title', { hasText: title }) })
    .first();

/**
 * On the signing page, drags the signature mark over the page image so that its bottom-left corner
 * lands on PDF point `to` (from the page's bottom-left). The scale comes from the image itself, as
 * pdftoppm drew it (dpi/72 pixels per point) and as the browser shows it, not from the page's code.
 */
export async function dragMark(
  page: Page,
  to: { x: number; y: number },
  session: { pageImage: { dpi: number }; pageSize: { height: number }; markSize: { height: number } },
) {
  const image = page.locator('[data-testid="sign-page-image"]');
  await image.waitFor();
  type Img = { complete: boolean; naturalWidth: number };
  await page.waitForFunction(
    (el) => (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0,
    await image.elementHandle(),
  );
  const naturalWidth = await image.evaluate((el) => (el as unknown as Img).naturalWidth);
  const img = (await image.boundingBox()) as { x: number; y: number; width: number };
  const cssPerPoint = (img.width / naturalWidth) * (session.pageImage.dpi / 72);
  const mark = (await page.locator('[data-testid="signature-mark"]').boundingBox()) as {
    x: number;
    y: number;
    width: number;
    height: number;
  };
  const left = img.x + to.x * cssPerPoint;
  const top = img.y + (session.pageSize.height - to.y - session.markSize.height) * cssPerPoint;
  const grab = { x: mark.width / 2, y: mark.height / 2 };
  await page.mouse.move(mark.x + grab.x, mark.y + grab.y);
  await page.mouse.down();
  await page.mouse.move(left + grab.x, top + grab.y, { steps: 12 });
  // The move is saved when the mouse is released.
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/placements/'));
  await page.mouse.up();
  await saved;
}
