/**
 * The command palette and the file browser's context menu open the run form,
 * each on the right notebook.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import * as h from './helpers';

/** Whether the form names the notebook (in its text or in one of its fields). */
async function formMentions(form: Locator, name: string): Promise<boolean> {
  return form.evaluate((node, name) => {
    if ((node.textContent ?? '').includes(name)) {
      return true;
    }
    return Array.from(node.querySelectorAll('input, select, textarea')).some(
      el => ((el as HTMLInputElement).value ?? '').includes(name)
    );
  }, name);
}

test.describe('Entry points', () => {
  test('the command palette opens the form for the notebook in front', async ({
    page,
    tmpPath
  }) => {
    await h.openNotebook(page, tmpPath, h.PARAMETERIZED);
    const form = page.locator('[data-testid="sagerun-form"]').first();
    const item = page.locator(
      '#modal-command-palette .lm-CommandPalette-item[data-command="sagerun:run-remotely"]'
    );
    // The palette loses focus when the kernel connects (TOOLCHAIN pitfall 5): retry.
    await expect(async () => {
      if (!(await page.locator('#modal-command-palette').isVisible())) {
        await page.keyboard.press('Control+Shift+C');
      }
      const input = page.locator(
        '#modal-command-palette .lm-CommandPalette-input'
      );
      await expect(input).toBeVisible({ timeout: 3000 });
      await input.fill('Run remotely');
      await expect(item.first()).toBeVisible({ timeout: 3000 });
    }).toPass({ timeout: 30 * 1000 });
    await expect(item.first()).toContainText(/run .*remotely/i);
    await item.first().click();

    await expect(form).toBeVisible();
    expect(await formMentions(form, h.PARAMETERIZED)).toBe(true);
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(form).toBeHidden();
  });

  test('the Run menu and the keyboard shortcut open the form', async ({
    page,
    tmpPath
  }) => {
    await h.openNotebook(page, tmpPath, h.PARAMETERIZED);
    const form = page.locator('[data-testid="sagerun-form"]').first();

    await page
      .locator('.lm-MenuBar-item')
      .filter({ hasText: /^Run$/ })
      .click();
    const item = page.locator(
      '.lm-Menu .lm-Menu-item[data-command="sagerun:run-remotely"]'
    );
    await expect(item).toBeVisible();
    await item.click();
    await expect(form).toBeVisible();
    expect(await formMentions(form, h.PARAMETERIZED)).toBe(true);
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(form).toBeHidden();

    // Accel Alt R, with the notebook focused in command mode.
    await page.notebook.activate(h.PARAMETERIZED);
    await page.notebook.selectCells(1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Alt+r');
    await expect(form).toBeVisible();
    expect(await formMentions(form, h.PARAMETERIZED)).toBe(true);
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(form).toBeHidden();
  });

  test("the file browser's context menu opens the form for that file", async ({
    page,
    tmpPath
  }) => {
    // Another notebook is open in front: the menu must act on the file clicked.
    await h.openNotebook(page, tmpPath, h.LONG);
    await h.upload(page, tmpPath, h.PARAMETERIZED);
    await page.filebrowser.openDirectory(tmpPath);
    await page.filebrowser.refresh();

    const entry = page
      .locator('.jp-DirListing-item')
      .filter({
        has: page.locator('.jp-DirListing-itemText', {
          hasText: h.PARAMETERIZED
        })
      })
      .first();
    await expect(entry).toBeVisible();
    await entry.click({ button: 'right' });
    const menuItem = page.locator(
      '.lm-Menu .lm-Menu-item[data-command="sagerun:run-remotely-file"]'
    );
    await expect(menuItem).toBeVisible();
    await expect(menuItem).toContainText(/run remotely/i);
    await menuItem.click();

    const form = page.locator('[data-testid="sagerun-form"]').first();
    await expect(form).toBeVisible();
    expect(await formMentions(form, h.PARAMETERIZED)).toBe(true);
    expect(await formMentions(form, h.LONG)).toBe(false);
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(form).toBeHidden();
  });
});
