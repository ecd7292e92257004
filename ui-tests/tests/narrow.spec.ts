/**
 * The runs panel at the default sidebar width, and the form and the panel in
 * JupyterLab Dark: details are label above value, ids shortened (whole in a tooltip
 * and a copy away), no value wrapping into many lines or breaking inside a word.
 */
import { expect, test } from '@jupyterlab/galata';
import * as h from './helpers';

/** Lines each detail value takes (its height over its line height), by label. */
async function detailLines(
  page: import('@playwright/test').Page
): Promise<Record<string, number>> {
  return page
    .locator('[data-testid="sagerun-run-details-body"]')
    .first()
    .evaluate(body => {
      const out: Record<string, number> = {};
      for (const dt of Array.from(body.querySelectorAll('dt'))) {
        const dd = dt.nextElementSibling as HTMLElement | null;
        if (!dd || dd.querySelector('pre, ul')) {
          continue; // lists (packages, parameters) are one item a line by design
        }
        const lineHeight = parseFloat(getComputedStyle(dd).lineHeight) || 16;
        const rows = Math.max(1, dd.querySelectorAll(':scope > div').length);
        out[dt.textContent ?? ''] =
          Math.round(dd.getBoundingClientRect().height / lineHeight) / rows;
      }
      return out;
    });
}

test.describe('Narrow and dark', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('run details fit the default sidebar; form and panel in Dark', async ({
    page,
    tmpPath
  }) => {
    const { run, row } = await h.finishedRunRow(page, tmpPath, 'ui-narrow', {
      networkConfiguration: { networkAccessType: 'PUBLIC_INTERNET_ONLY' }
    });
    await row.locator('[data-testid="sagerun-run-details"]').click();
    const details = page
      .locator('[data-testid="sagerun-run-details-body"]')
      .first();
    await expect(details).toBeVisible();
    await expect(
      details.locator('[data-testid="sagerun-detail-run-id"]')
    ).toHaveAttribute('data-full', run.id);

    const lines = await detailLines(page);
    // Every value (or each of its own lines) takes at most two lines.
    for (const [label, n] of Object.entries(lines)) {
      expect(n, `${label} takes ${n} lines`).toBeLessThanOrEqual(2);
    }
    // Shortened ids stay on one line, never broken inside.
    for (const id of ['sagerun-detail-run-id', 'sagerun-detail-notebook-id']) {
      const box = await details.locator(`[data-testid="${id}"]`).boundingBox();
      expect(box!.height, id).toBeLessThan(24);
    }
    const panel = await h.showRunsPanel(page);
    await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
    const sidebar = panel
      .locator('xpath=ancestor::div[contains(@class, "lm-StackedPanel")][1]')
      .or(panel)
      .first();
    await sidebar.screenshot({
      path: h.docsImage('run-details-narrow.png'),
      animations: 'disabled'
    });

    // JupyterLab Dark: the panel with its details, then the form.
    await page.theme.setDarkTheme();
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    await sidebar.screenshot({
      path: h.docsImage('runs-panel-dark.png'),
      animations: 'disabled'
    });
    const form = await h.openFormFromToolbar(page);
    await h.screenshotWhole(
      page,
      h.formPane(form),
      h.docsImage('run-form-dark.png')
    );
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await page.theme.setLightTheme();
  });
});
