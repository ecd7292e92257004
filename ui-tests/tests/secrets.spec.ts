/**
 * Parameter values are secrets. After a user fills the form with a canary
 * value, saves the form as a preset, runs, opens the run's details and Run again, the
 * browser keeps the value nowhere: not in localStorage, sessionStorage or IndexedDB,
 * not in the settings (where presets live) nor in JupyterLab's saved workspace state,
 * not in the page once the form is closed.
 *
 * Settings and state are NOT mocked here (galata keeps them in memory by default), so
 * what JupyterLab writes goes to the test server's throw-away settings and workspaces
 * directories, where this test reads it back.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as h from './helpers';

test.use({ mockSettings: false, mockState: false });

/** Everything the page keeps in Web Storage and IndexedDB, as one string. */
async function browserStorage(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump: Record<string, unknown> = {};
    for (const [name, storage] of [
      ['localStorage', window.localStorage],
      ['sessionStorage', window.sessionStorage]
    ] as const) {
      const entries: Record<string, string | null> = {};
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) as string;
        entries[key] = storage.getItem(key);
      }
      dump[name] = entries;
    }
    const databases = await indexedDB.databases();
    const idb: Record<string, unknown> = {};
    for (const info of databases) {
      if (!info.name) {
        continue;
      }
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(info.name as string);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const stores: Record<string, unknown> = {};
      for (const storeName of Array.from(db.objectStoreNames)) {
        stores[storeName] = await new Promise((resolve, reject) => {
          const request = db
            .transaction(storeName, 'readonly')
            .objectStore(storeName)
            .getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      db.close();
      idb[info.name] = stores;
    }
    dump.indexedDB = idb;
    return JSON.stringify(dump);
  });
}

test.describe('Secrets in the browser', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('a parameter value is kept in no browser storage, setting or saved state', async ({
    page,
    tmpPath
  }) => {
    const canary = `canary-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const presetName = `secrets-${Date.now()}`;
    const nbPath = await h.openNotebook(page, tmpPath, h.PARAMETERIZED);
    await page.notebook.save();

    // Fill the form with the canary and save it as a preset.
    const form = await h.openFormFromToolbar(page);
    await h.setParameter(form, 'alpha', canary);
    await form.locator('[data-testid="sagerun-preset-save"]').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toBeVisible();
    await dialog.locator('input').first().fill(presetName);
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(h.toast(page, /saved preset/i).first()).toBeAttached();

    // Run it, then look at the run the way a user would: details, Run again.
    const submit = await h.submitButton(form);
    await expect(submit).toBeEnabled();
    await submit.click();
    await expect(form).toBeHidden({ timeout: 60 * 1000 });
    const [run] = await h.waitForRuns(page, nbPath, 1);
    await expect
      .poll(async () => (await h.getRun(page, run.id)).status, {
        timeout: 120 * 1000
      })
      .toBe('SUCCEEDED');
    // The run does carry the canary: the checks below could find it if it leaked.
    expect((await h.getRun(page, run.id, true)).parameters?.alpha).toBe(canary);
    expect(JSON.stringify(await h.getRun(page, run.id))).not.toContain(canary);

    await h.showRunsPanel(page);
    const row = h.runRow(page, run.id);
    await expect(row).toHaveAttribute('data-status', 'SUCCEEDED', {
      timeout: 60 * 1000
    });
    await row.locator('[data-testid="sagerun-run-details"]').click();
    await expect(
      page.locator('[data-testid="sagerun-run-details-body"]').first()
    ).toBeVisible();
    await row.locator('[data-testid="sagerun-run-again"]').click();
    const again = page.locator('[data-testid="sagerun-form"]').first();
    await expect(again).toBeVisible();
    // Run again refills the value from the server (it is needed to run again)...
    await expect(
      await h.control(again, 'sagerun-param-value-0')
    ).toHaveValue(canary);
    // Closing the form changes the layout, which JupyterLab's state database saves
    // into the workspace (debounced): wait for that save rather than for a time.
    const workspaceSaved = page.waitForResponse(
      r =>
        r.url().includes('/lab/api/workspaces') &&
        r.request().method() === 'PUT',
      { timeout: 30 * 1000 }
    );
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(again).toBeHidden();

    // ...and once the form is closed, the browser keeps it nowhere.
    await workspaceSaved;
    const stored = await browserStorage(page);
    expect(stored.length, 'the storage dump is not empty').toBeGreaterThan(2);
    expect(stored).not.toContain(canary);

    const settings = await page.request.get(
      '/lab/api/settings/jupyter_sagerun:plugin'
    );
    expect(settings.status()).toBe(200);
    const settingsText = await settings.text();
    // The preset was saved (with the parameter's name), without its value.
    expect(settingsText).toContain(presetName);
    expect(settingsText).toContain('alpha');
    expect(settingsText).not.toContain(canary);

    const allSettings = await page.request.get('/lab/api/settings');
    expect(allSettings.status()).toBe(200);
    expect(await allSettings.text()).not.toContain(canary);

    const workspaces = await page.request.get('/lab/api/workspaces');
    expect(workspaces.status()).toBe(200);
    expect(await workspaces.text()).not.toContain(canary);

    const pageText = await page.evaluate(
      () =>
        document.documentElement.outerHTML +
        Array.from(document.querySelectorAll('input, textarea'))
          .map(e => (e as HTMLInputElement).value)
          .join('\n')
    );
    expect(pageText).not.toContain(canary);
  });
});
