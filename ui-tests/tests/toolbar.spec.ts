/**
 * What a newcomer meets first. The toolbar button is found by its name,
 * "Run remotely", shown as its label, with a tooltip that says where the run goes;
 * the form's Cancel and Run stay visible and clickable while a toast floats over the
 * lower right.
 */
import { expect, test } from '@jupyterlab/galata';
import * as h from './helpers';

test.describe('First impressions', () => {
  test('the toolbar button is named "Run remotely", says where runs go, and opens the form', async ({
    page,
    tmpPath
  }) => {
    await h.openNotebook(page, tmpPath, h.PARAMETERIZED);
    const button = h.toolbarButton(page);
    await expect(button).toBeVisible();
    const item = page
      .locator(
        '.jp-NotebookPanel:not(.lm-mod-hidden) [data-jp-item-name="run-remotely"]'
      )
      .first();
    // The name is on screen, not only in a tooltip.
    const label = item.locator('.jp-ToolbarButtonComponent-label');
    await expect(label).toBeVisible();
    await expect(label).toHaveText('Run remotely');
    // The tooltip says where a run goes (the local backend here), once the
    // server's context has answered.
    await expect(item.locator('[title]').first()).toHaveAttribute(
      'title',
      /local backend/
    );

    await button.click();
    const form = h.byTestId(page, 'sagerun-form');
    await expect(form).toBeVisible();
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(form).toBeHidden();
  });

  test('Cancel and Run stay visible and clickable with a toast over the lower right', async ({
    page,
    tmpPath
  }) => {
    const { nbPath, form, submit } = await h.openFormOn(page, tmpPath);
    // A toast that stays, as "Get notified about Jupyter news?" does.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('apputils:notify', {
        message: 'A toast that stays open over the lower right of the window',
        type: 'info',
        options: { autoClose: false }
      })
    );
    const note = h.toast(page, /stays open over the lower right/);
    await expect(note).toBeVisible();
    // Scrolled to the end of the form too, where a footer would be.
    await h
      .formPane(form)
      .evaluate(pane =>
        pane.querySelectorAll('*').forEach(el => (el.scrollTop = el.scrollHeight))
      );

    const cancel = page.locator('[data-testid="sagerun-cancel"]').first();
    for (const button of [cancel, submit]) {
      await expect(button).toBeVisible();
      await expect(button).toBeInViewport();
      // A trial click fails when another element (the toast) would get it.
      await button.click({ trial: true, timeout: 5000 });
    }
    await expect(note).toBeVisible();

    // And they work: Cancel closes the form and starts nothing.
    await cancel.click();
    await expect(form).toBeHidden();
    expect(await h.runsOf(page, nbPath)).toHaveLength(0);
  });
});
