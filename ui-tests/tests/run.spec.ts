/**
 * Run remotely from the notebook toolbar, through the run form, to a run
 * that ends in the runs panel, against the real server on the local backend.
 */
import { expect, test } from '@jupyterlab/galata';
import * as h from './helpers';

test.describe('Run remotely', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('toolbar → form → SUCCEEDED in the panel, with notifications and no console errors', async ({
    page
  }) => {
    const errors = h.collectConsoleErrors(page);
    // The copy at the server root (a short path for the screenshots).
    const nbPath = await h.openRootNotebook(page, h.PARAMETERIZED);
    const before = (await h.runsOf(page, nbPath)).map(r => r.id);
    // Saved, as a user's notebook usually is (the kernel's metadata made it dirty).
    await page.notebook.save();

    const form = await h.openFormFromToolbar(page);
    // The form says where the run goes: the local backend.
    await expect(form.locator('[data-testid="sagerun-context"]')).toContainText(
      /local/i
    );

    await h.setValue(form, 'sagerun-instance-type', 'ml.m5.large');
    await h.setParameter(form, 'alpha', '3');
    await h.setValue(form, 'sagerun-timeout', '90');
    await expect(
      form.locator('[data-testid="sagerun-field-error"]')
    ).toHaveCount(0);
    const submit = await h.submitButton(form);
    await expect(submit).toBeEnabled();

    // The filled form, for the README.
    await h.screenshotWhole(page, h.formPane(form), h.docsImage('run-form.png'));

    // Watch for the notifications from now on: toasts close by themselves.
    const seen = { started: false, ended: false };
    const startedToast = h
      .toast(page, /started/i)
      .filter({ hasText: /view run/i })
      .first()
      .waitFor({ state: 'attached', timeout: 60 * 1000 })
      .then(
        () => (seen.started = true),
        () => undefined
      );
    const endedToast = h
      .toast(page, /succeeded/i)
      .first()
      .waitFor({ state: 'attached', timeout: 170 * 1000 })
      .then(
        () => (seen.ended = true),
        () => undefined
      );

    await submit.click();
    await expect(form).toBeHidden({ timeout: 60 * 1000 });

    // Exactly one new run, carrying what the form said.
    const runs = await h.waitForRuns(page, nbPath, before.length + 1);
    const fresh = runs.filter(r => !before.includes(r.id));
    expect(fresh).toHaveLength(1);
    const run = fresh[0];
    const full = await h.getRun(page, run.id, true);
    expect(full.computeConfiguration?.instanceType).toBe('ml.m5.large');
    expect(full.timeoutConfiguration?.runTimeoutInMinutes).toBe(90);
    expect(full.parameters?.alpha).toBe('3');

    await startedToast;
    expect(
      seen.started,
      'a notification with a "View run" action after submit'
    ).toBe(true);

    await h.showRunsPanel(page);
    const row = h.runRow(page, run.id);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('data-status', 'SUCCEEDED', {
      timeout: 150 * 1000
    });
    expect((await h.getRun(page, run.id)).status).toBe('SUCCEEDED');

    await endedToast;
    expect(seen.ended, 'a notification that the run succeeded').toBe(true);

    // The panel with the finished run and its details, for the README (toasts hidden).
    await row.locator('[data-testid="sagerun-run-details"]').click();
    await expect(
      page.locator('[data-testid="sagerun-run-details-body"]').first()
    ).toBeVisible();
    await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
    await page.screenshot({
      path: h.docsImage('runs-panel.png'),
      animations: 'disabled',
      style: '.Toastify { display: none !important; }'
    });

    expect(errors, 'console errors during the happy path').toEqual([]);
  });

  test('an invalid timeout (59) blocks submit, with its message at the field', async ({
    page,
    tmpPath
  }) => {
    const nbPath = await h.openNotebook(page, tmpPath, h.PARAMETERIZED);
    const form = await h.openFormFromToolbar(page);
    const submit = await h.submitButton(form);

    const timeout = await h.setValue(form, 'sagerun-timeout', '59');
    const error = form.locator(
      '[data-testid="sagerun-field-error"][data-field="timeoutConfiguration.runTimeoutInMinutes"]'
    );
    await expect(error).toBeVisible();
    await expect(error).toContainText(/60/);
    await expect(submit).toBeDisabled();

    // The message sits at the field, not in a banner far away.
    const fieldBox = await timeout.boundingBox();
    const errorBox = await error.boundingBox();
    expect(fieldBox && errorBox).toBeTruthy();
    expect(
      Math.abs(errorBox!.y - (fieldBox!.y + fieldBox!.height))
    ).toBeLessThan(120);

    // Forcing a click on the disabled button starts nothing: no request leaves the
    // page and the form shows no progress once the browser has rendered the click.
    const posts = h.recordRunPosts(page);
    await submit.click({ force: true, timeout: 2000 }).catch(() => undefined);
    await h.nextFrames(page);
    await expect(form.locator('[data-testid="sagerun-progress"]')).toHaveCount(0);
    expect(posts.sent).toBe(0);
    expect(await h.runsOf(page, nbPath)).toHaveLength(0);
    await expect(form).toBeVisible();

    // A valid value clears the message and enables submit.
    await h.setValue(form, 'sagerun-timeout', '60');
    await expect(error).toHaveCount(0);
    await expect(submit).toBeEnabled();

    const cancel = form
      .page()
      .locator('[data-testid="sagerun-cancel"]')
      .first();
    await cancel.click();
    await expect(form).toBeHidden();
    expect(await h.runsOf(page, nbPath)).toHaveLength(0);
  });

  test('a retry after a network error starts one run', async ({
    page,
    tmpPath
  }) => {
    const { nbPath, form, submit } = await h.openFormOn(page, tmpPath);

    // The first POST reaches the server, but its answer is lost on the way back.
    const tokens: string[] = [];
    let answered = 0;
    // (JupyterLab's ServerConnection appends a cache-busting query string.)
    await page.route(/\/sagerun\/runs(\?[^/]*)?$/, async route => {
      const request = route.request();
      if (request.method() !== 'POST') {
        return route.fallback();
      }
      tokens.push(JSON.parse(request.postData() || '{}').clientToken);
      if (answered++ === 0) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.fallback();
    });

    await submit.click();
    await expect(
      page.locator('[data-testid="sagerun-submit-error"]')
    ).toBeVisible();
    await expect(submit).toBeEnabled();
    await h.waitForRuns(page, nbPath, 1);

    await submit.click();
    await expect(form).toBeHidden({ timeout: 60 * 1000 });
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(tokens[0]);
    // Both POSTs have been answered (the form closed on the second answer): the
    // server has nothing left to start.
    expect(await h.runsOf(page, nbPath)).toHaveLength(1);
  });

  test('Run again opens the form with the settings of the run; details mask parameter values', async ({
    page,
    tmpPath
  }) => {
    // A finished run of the notebook, started through the REST API.
    const { nbPath, row } = await h.finishedRunRow(page, tmpPath, 'ui-tests', {
      computeConfiguration: { instanceType: 'ml.m5.xlarge' },
      timeoutConfiguration: { runTimeoutInMinutes: 120 },
      parameters: { alpha: '7' }
    });
    await h.waitForKernelIdle(page);

    // Details: the settings, with the parameter's value masked.
    await row.locator('[data-testid="sagerun-run-details"]').click();
    const details = page
      .locator('[data-testid="sagerun-run-details-body"]')
      .first();
    await expect(details).toBeVisible();
    await expect(details).toContainText('ml.m5.xlarge');
    await expect(details).toContainText('alpha');
    const value = details
      .locator('[data-testid="sagerun-run-param-value"]')
      .first();
    await expect(value).toBeVisible();
    await expect(value).not.toHaveText('7');

    // Run again: the form, with this run's settings and its parameter value.
    await row.locator('[data-testid="sagerun-run-again"]').click();
    const form = page.locator('[data-testid="sagerun-form"]').first();
    await expect(form).toBeVisible();
    await expect(await h.control(form, 'sagerun-instance-type')).toHaveValue(
      'ml.m5.xlarge'
    );
    await expect(await h.control(form, 'sagerun-timeout')).toHaveValue('120');
    const key = await h.control(form, 'sagerun-param-key-0');
    await expect(key).toHaveValue('alpha');
    await expect(await h.control(form, 'sagerun-param-value-0')).toHaveValue(
      '7'
    );
    await page.locator('[data-testid="sagerun-cancel"]').first().click();
    await expect(form).toBeHidden();
    expect(await h.runsOf(page, nbPath)).toHaveLength(1);
  });

  test('Open result opens the executed notebook, which printed the parameter', async ({
    page,
    tmpPath
  }) => {
    const { row } = await h.finishedRunRow(page, tmpPath, 'ui-tests', {
      parameters: { alpha: '42' }
    });
    await row.locator('[data-testid="sagerun-run-open-result"]').click();

    // A new notebook opens in front, holding the run's outputs.
    const front = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden)').first();
    await expect(front.locator('.jp-OutputArea-output')).toContainText(
      ['alpha = 42'],
      { timeout: 60 * 1000 }
    );
  });

  test('a double click on submit starts one run', async ({ page, tmpPath }) => {
    const { nbPath, form, submit } = await h.openFormOn(page, tmpPath);
    const posts = h.recordRunPosts(page);

    await submit.dblclick();
    await h.waitForRuns(page, nbPath, 1);
    // Every POST the page sent has its answer (the form closes on the first).
    await expect(form).toBeHidden({ timeout: 60 * 1000 });
    await expect.poll(() => posts.pending).toBe(0);
    expect(posts.sent).toBeGreaterThanOrEqual(1);
    const runs = await h.runsOf(page, nbPath);
    expect(runs.map(r => r.id)).toHaveLength(1);
  });
});
