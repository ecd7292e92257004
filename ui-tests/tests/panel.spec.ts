/**
 * The runs panel lists the project's runs newest first, filters them by
 * notebook and by status, and pages with "load more".
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as h from './helpers';

/** Start a run through the REST API; stop it at once unless `finish`. */
async function startRun(page: Page, path: string, finish = false): Promise<string> {
  const response = await page.request.post('/sagerun/runs', {
    data: { path, clientToken: `ui-tests-${Date.now()}-${Math.random()}` }
  });
  expect(response.status(), await response.text()).toBe(201);
  const run = (await response.json()) as h.IRun;
  if (!finish) {
    const stop = await page.request.post(`/sagerun/runs/${run.id}/stop`);
    expect(stop.status(), await stop.text()).toBe(200);
  }
  return run.id;
}

async function waitTerminal(page: Page, ids: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const statuses = await Promise.all(ids.map(async id => (await h.getRun(page, id)).status));
        return statuses.filter(s => !h.TERMINAL.includes(s)).length;
      },
      { timeout: 120 * 1000, message: 'every run ended' }
    )
    .toBe(0);
}

test.describe('The runs panel', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('filters by notebook and status, and loads more', async ({ page, tmpPath }) => {
    const nbPath = await h.upload(page, tmpPath, h.PARAMETERIZED);
    const longPath = await h.upload(page, tmpPath, h.LONG);

    // This notebook: one run that succeeds, then 20 stopped ones (21 > one page of 20).
    const succeeded = await startRun(page, nbPath, true);
    await waitTerminal(page, [succeeded]);
    expect((await h.getRun(page, succeeded)).status).toBe('SUCCEEDED');
    const stopped: string[] = [];
    for (let i = 0; i < 20; i++) {
      stopped.push(await startRun(page, nbPath));
    }
    // Another notebook's run, the newest of all.
    const other = await startRun(page, longPath);
    await waitTerminal(page, [...stopped, other]);

    // The panel loads what the server has when JupyterLab loads.
    await page.reload();
    expect(await page.notebook.openByPath(nbPath)).toBeTruthy();
    await page.notebook.activate(h.PARAMETERIZED);
    const panel = await h.showRunsPanel(page);
    const rows = panel.locator('[data-testid="sagerun-run-row"]');
    const ids = async () =>
      rows.evaluateAll(els => els.map(e => e.getAttribute('data-run-id') as string));

    // This notebook: a first page of 20, newest first; the other notebook's run absent.
    await (await h.control(panel, 'sagerun-filter-scope')).selectOption('notebook');
    await (await h.control(panel, 'sagerun-filter-status')).selectOption('');
    await expect(rows).toHaveCount(20);
    expect(await ids()).toEqual([...stopped].reverse());
    const more = panel.locator('[data-testid="sagerun-runs-load-more"]');
    await expect(more).toBeVisible();
    await more.click();
    await expect(rows).toHaveCount(21);
    expect((await ids())[20]).toBe(succeeded);
    await expect(more).toBeHidden();

    // Status filter: the one SUCCEEDED run of this notebook.
    await (await h.control(panel, 'sagerun-filter-status')).selectOption('SUCCEEDED');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-run-id', succeeded);
    await expect(rows.first()).toHaveAttribute('data-status', 'SUCCEEDED');

    // All notebooks: the other notebook's (newest) run comes first.
    await (await h.control(panel, 'sagerun-filter-status')).selectOption('');
    await (await h.control(panel, 'sagerun-filter-scope')).selectOption('all');
    await expect(rows.first()).toHaveAttribute('data-run-id', other);
    await expect(rows.first()).toHaveAttribute('data-status', 'STOPPED');
  });
});
