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

/** The modal whose title is this text. */
export const modal = (page: Page, title: string) =>
  page
    .locator('.ant-modal:visible')
    .filter({ has: page.locator('.ant-modal-title', { hasText: title }) })
    .first();
