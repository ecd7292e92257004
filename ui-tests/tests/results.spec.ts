/**
 * A run's result in JupyterLab. Open result opens the executed notebook; with
 * nbdime installed (the test extra), "Diff with source" opens nbdime's diff of that
 * result against the source notebook.
 */
import { expect, test } from '@jupyterlab/galata';
import * as h from './helpers';

test.describe('Results', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('Open result, then its diff against the source (nbdime)', async ({
    page,
    tmpPath
  }) => {
    const { nbPath, run, row } = await h.finishedRunRow(
      page,
      tmpPath,
      'ui-results',
      { parameters: { alpha: '7' } }
    );
    await row.locator('[data-testid="sagerun-run-open-result"]').click();
    const front = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)').first();
    await expect(front.locator('.jp-OutputArea-output')).toContainText(
      ['alpha = 7'],
      { timeout: 60 * 1000 }
    );

    // PDF: printed by the local backend's headless Chromium, saved beside the
    // source and opened in JupyterLab's PDF viewer.
    const stem = nbPath.replace(/\.ipynb$/, '');
    const pdfName = `${stem.split('/').pop()}.run-${run.id}.pdf`;
    await row.locator('[data-testid="sagerun-run-open-pdf"]').click();
    await expect(
      page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', { hasText: pdfName })
    ).toBeVisible({ timeout: 120 * 1000 });
    const pdf = await page.request.get(`/files/${stem}.run-${run.id}.pdf`);
    expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');

    // nbdime is installed for the tests, so the diff is offered; it opens nbdime's
    // difftool on the source and a second download of the result (never overwriting
    // the first).
    const diff = row.locator('[data-testid="sagerun-run-diff"]');
    await expect(diff).toBeVisible();
    const [popup] = await Promise.all([
      page.waitForEvent('popup', { timeout: 120 * 1000 }),
      diff.click()
    ]);
    await popup.waitForLoadState();
    const url = new URL(popup.url());
    expect(url.pathname).toMatch(/\/nbdime\/difftool$/);
    expect(url.searchParams.get('base')).toBe(nbPath);
    expect(url.searchParams.get('remote')).toBe(
      `${stem}.run-${run.id}-1.ipynb`
    );
    // nbdime renders the diff: the injected parameters cell is an added cell.
    await expect(popup.locator('.jp-Diff-added').first()).toBeVisible({
      timeout: 60 * 1000
    });
    await popup.close();
  });
});
