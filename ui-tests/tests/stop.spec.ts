/**
 * Stop on a long run (a notebook that sleeps) ends STOPPED; the status bar
 * counts active runs and opens the panel.
 */
import { expect, test } from '@jupyterlab/galata';
import * as h from './helpers';

/** Start the long notebook from the toolbar with the form's defaults; its run. */
async function startLongRun(page, tmpPath): Promise<h.IRun> {
  const { nbPath, form, submit } = await h.openFormOn(page, tmpPath, h.LONG);
  await submit.click();
  await expect(form).toBeHidden({ timeout: 60 * 1000 });
  const [run] = await h.waitForRuns(page, nbPath, 1);
  return run;
}

test.describe('A long run', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('Stop on a long run ends STOPPED', async ({ page, tmpPath }) => {
    const run = await startLongRun(page, tmpPath);
    await h.showRunsPanel(page);
    const row = h.runRow(page, run.id);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('data-status', 'RUNNING', {
      timeout: 90 * 1000
    });

    await row.locator('[data-testid="sagerun-run-stop"]').click();
    // Stop asks for confirmation.
    const confirm = page
      .locator('.jp-Dialog .jp-Dialog-footer .jp-mod-accept')
      .last();
    await expect(confirm).toBeVisible();
    await confirm.click();

    await expect(row).toHaveAttribute('data-status', /^(STOPPING|STOPPED)$/, {
      timeout: 30 * 1000
    });
    await expect(row).toHaveAttribute('data-status', 'STOPPED', {
      timeout: 90 * 1000
    });
    expect((await h.getRun(page, run.id)).status).toBe('STOPPED');
    // A stopped run offers no Stop any more.
    await expect(row.locator('[data-testid="sagerun-run-stop"]')).toHaveCount(
      0
    );
  });

  test('the status bar counts active runs and opens the panel', async ({
    page,
    tmpPath
  }) => {
    const run = await startLongRun(page, tmpPath);
    const item = page.locator('[data-testid="sagerun-statusbar"]').first();
    await expect(item).toBeVisible({ timeout: 30 * 1000 });
    await expect(item).toContainText('1');
    await item.click();
    await expect(
      page.locator('[data-testid="sagerun-runs-panel"]').first()
    ).toBeVisible();
    await expect(h.runRow(page, run.id)).toBeVisible();
  });
});
