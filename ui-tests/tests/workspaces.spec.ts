/**
 * Runs of notebooks outside this server's root: every Jupyter server of the user
 * shares the local backend's project and the notebook mapping, so the panel meets
 * runs whose path is another root's file. They show as "not in this workspace",
 * never make a contents request (a 404) or a console error, and the panel's
 * "This workspace / All of the project" filter hides or shows them.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as h from './helpers';

/** Start a run through the REST API and stop it at once; wait until it ended. */
async function stoppedRun(page: Page, path: string): Promise<string> {
  const response = await page.request.post('/sagerun/runs', {
    data: { path, clientToken: `ui-tests-${Date.now()}-${Math.random()}` }
  });
  expect(response.status(), await response.text()).toBe(201);
  const run = (await response.json()) as h.IRun;
  const stop = await page.request.post(`/sagerun/runs/${run.id}/stop`);
  expect(stop.status(), await stop.text()).toBe(200);
  await expect
    .poll(
      async () => h.TERMINAL.includes((await h.getRun(page, run.id)).status),
      {
        timeout: 120 * 1000,
        message: `run ${run.id} ended`
      }
    )
    .toBe(true);
  return run.id;
}

test.describe('Runs of other workspaces', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('show as not in this workspace, without a 404, behind the place filter', async ({
    page,
    tmpPath
  }) => {
    const herePath = await h.upload(page, tmpPath, h.PARAMETERIZED);
    const therePath = await h.upload(page, tmpPath, h.LONG);
    const here = await stoppedRun(page, herePath);
    const there = await stoppedRun(page, therePath);
    // What another server's root looks like from here: the project and the mapping
    // know the notebook, this root has no such file.
    await page.contents.deleteFile(therePath);
    const gone = await h.getRun(page, there);
    expect(gone.path).toBe(therePath);
    expect((gone as h.IRun & { inWorkspace?: boolean }).inWorkspace).toBe(
      false
    );

    const errors = h.collectConsoleErrors(page, { onlyOurs: true });
    const missing: string[] = [];
    page.on('response', response => {
      if (
        response.url().includes('/api/contents/') &&
        response.status() === 404
      ) {
        missing.push(response.url());
      }
    });
    await page.reload();
    const panel = await h.showRunsPanel(page);
    await (await h.control(panel, 'sagerun-filter-scope')).selectOption('all');
    await (await h.control(panel, 'sagerun-filter-status')).selectOption('');
    const place = await h.control(panel, 'sagerun-filter-place');

    // By default this workspace only: the other root's run is hidden, and counted.
    await expect(place).toHaveValue('workspace');
    await expect(h.runRow(page, here)).toBeVisible();
    await expect(h.runRow(page, there)).toHaveCount(0);
    await expect(
      panel.locator('[data-testid="sagerun-runs-elsewhere"]')
    ).toBeVisible();

    // All of the project, chosen from the keyboard: the run shows, marked, and its
    // details load without asking for its notebook.
    await place.focus();
    await place.selectOption('project');
    await expect(place).toBeFocused();
    const row = h.runRow(page, there);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('data-in-workspace', 'false');
    await expect(
      row.locator('[data-testid="sagerun-run-elsewhere"]')
    ).toHaveText('not in this workspace');
    await expect(row.locator('[data-testid="sagerun-run-again"]')).toHaveCount(
      0
    );
    await expect(
      h.runRow(page, here).locator('[data-testid="sagerun-run-again"]')
    ).toBeVisible();
    await row.locator('[data-testid="sagerun-run-details"]').press('Enter');
    await expect(
      row.locator('[data-testid="sagerun-run-details"]')
    ).toHaveAttribute('aria-expanded', 'true');
    await expect(
      row.locator('[data-testid="sagerun-run-details-body"]')
    ).toBeVisible();

    // The choice survives a reload of the page; switching back hides the run again.
    await page.reload();
    const again = await h.showRunsPanel(page);
    const placeAgain = await h.control(again, 'sagerun-filter-place');
    await expect(placeAgain).toHaveValue('project');
    await expect(h.runRow(page, there)).toBeVisible();
    await placeAgain.selectOption('workspace');
    await expect(h.runRow(page, there)).toHaveCount(0);
    await expect(h.runRow(page, here)).toBeVisible();

    expect(missing, 'contents requests answered 404').toEqual([]);
    expect(errors, 'console errors').toEqual([]);
  });
});
