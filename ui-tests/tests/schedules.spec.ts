/**
 * Schedules in the browser, against the real server and the local backend that
 * fires them: create one from the run form (a custom rate, which the test server's
 * LocalBackend.seconds_per_minute makes quick), see it with its next firings in the
 * Schedules view, watch a firing's run appear marked as scheduled, pause it (no
 * firing while a sentinel schedule fires twice), resume, edit, delete.
 */
import { expect, test } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import * as h from './helpers';

/**
 * A rate whose firings come every few seconds here: the test server scales
 * rate(...) by LocalBackend.seconds_per_minute (0.5 s per minute by default).
 */
const SECONDS_PER_MINUTE = Number(
  process.env.SAGERUN_UI_SECONDS_PER_MINUTE || '0.5'
);
const RATE_MINUTES = Math.max(1, Math.round(8 / SECONDS_PER_MINUTE));
const RATE = `rate(${RATE_MINUTES} minutes)`;
/** Long enough for several firings and the runs they start. */
const FIRING_TIMEOUT = 120 * 1000;

interface ISchedule {
  name: string;
  state: string;
  expression: string;
  description: string;
  nextFirings: string[];
  scheduleId?: string;
}

async function getSchedule(page: Page, name: string): Promise<ISchedule> {
  const response = await page.request.get(
    `/sagerun/schedules/${encodeURIComponent(name)}`
  );
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as ISchedule;
}

async function scheduleRuns(page: Page, schedule: ISchedule) {
  return h.listRuns(page, { scheduleId: schedule.scheduleId || schedule.name });
}

async function showSchedules(page: Page): Promise<Locator> {
  const panel = await h.showRunsPanel(page);
  await panel.locator('[data-testid="sagerun-tab-schedules"]').click();
  const view = panel.locator('[data-testid="sagerun-schedules-view"]');
  await expect(view).toBeVisible();
  return view;
}

function scheduleRow(page: Page, name: string): Locator {
  return page.locator(
    `[data-testid="sagerun-schedule-row"][data-schedule-name="${name}"]`
  );
}

/** Fill the When section of an open form: on a schedule, a custom expression. */
async function chooseCustomSchedule(
  form: Locator,
  name: string,
  expression: string
): Promise<void> {
  await form.locator('[data-testid="sagerun-when-schedule"]').check();
  await h.setValue(form, 'sagerun-schedule-name', name);
  await h.setValue(form, 'sagerun-schedule-kind', 'custom');
  await h.setValue(form, 'sagerun-schedule-expression', expression);
}

test.describe('Schedules', () => {
  const made: string[] = [];

  test.afterEach(async ({ page }) => {
    for (const name of made.splice(0)) {
      await page.request
        .delete(`/sagerun/schedules/${encodeURIComponent(name)}`)
        .catch(() => undefined);
    }
    await h.stopActiveRuns(page);
  });

  test('a bad expression is an error at its field and blocks submit', async ({
    page,
    tmpPath
  }) => {
    const { form, submit } = await h.openFormOn(page, tmpPath);
    await chooseCustomSchedule(form, 'ui-bad', 'rate(2 weeks)');
    const error = form.locator(
      '[data-testid="sagerun-field-error"][data-field="expression"]'
    );
    await expect(error).toContainText(/minute\(s\), hour\(s\) or day\(s\)/);
    await expect(submit).toBeDisabled();
    await expect(submit).toHaveText('Create schedule');
    // The server's own check (cron fields), shown at the same field.
    await h.setValue(form, 'sagerun-schedule-expression', 'cron(99 6 ? * MON *)');
    await expect(error).toBeVisible();
    await expect(submit).toBeDisabled();
    // An unknown zone: the server names the field.
    await h.setValue(form, 'sagerun-schedule-expression', 'rate(2 hours)');
    await h.setValue(form, 'sagerun-schedule-timezone', 'Mars/Olympus_Mons');
    await expect(
      form.locator('[data-testid="sagerun-field-error"][data-field="timezone"]')
    ).toBeVisible();
    await expect(submit).toBeDisabled();
  });

  test('create from the form, fire, pause, resume, edit, delete', async ({
    page,
    tmpPath
  }) => {
    const errors = h.collectConsoleErrors(page);
    const name = `ui-sched-${Date.now()}`;
    const sentinel = `${name}-sentinel`;
    const { nbPath, form, submit } = await h.openFormOn(page, tmpPath);

    await chooseCustomSchedule(form, name, RATE);
    await h.setParameter(form, 'alpha', '7');
    // The preview under the expression: the server's words and three firings.
    const preview = form.locator('[data-testid="sagerun-schedule-preview"]');
    await expect(preview).toHaveAttribute('data-status', 'ready');
    await expect(
      preview.locator('[data-testid="sagerun-schedule-firing"]')
    ).toHaveCount(3);
    await expect(
      form.locator('[data-testid="sagerun-schedule-description"]')
    ).not.toBeEmpty();
    await expect(form.locator('[data-testid="sagerun-schedule-params-note"]')).toContainText(
      "readable by whoever may read the schedule"
    );
    await expect(submit).toHaveText('Create schedule');
    await expect(submit).toBeEnabled();
    await submit.click();
    made.push(name);
    await expect(form).toBeHidden({ timeout: 60 * 1000 });

    // In the Schedules view, with its next firing.
    const view = await showSchedules(page);
    const row = scheduleRow(page, name);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('data-state', 'ENABLED');
    await expect(row.locator('[data-testid="sagerun-schedule-notebook"]')).toHaveText(nbPath);
    await expect(row.locator('[data-testid="sagerun-schedule-next"]')).toContainText('Next:');
    const created = await getSchedule(page, name);
    expect(created.expression).toBe(RATE);
    expect(created.nextFirings.length).toBeGreaterThan(0);

    // A firing's run, marked as scheduled in the schedule's runs.
    await row.locator('[data-testid="sagerun-schedule-runs-toggle"]').click();
    const badge = row.locator('[data-testid="sagerun-run-scheduled"]').first();
    await expect(badge).toBeVisible({ timeout: FIRING_TIMEOUT });
    await expect(badge).toHaveAttribute('data-schedule', /.+/);
    const [fired] = await scheduleRuns(page, created);
    const full = await h.getRun(page, fired.id, true);
    expect((full.triggerSource as any)?.type).toBe('SCHEDULED');
    expect(full.parameters?.alpha).toBe('7');
    // ... and in the Runs view, where the details say what started it.
    await page.locator('[data-testid="sagerun-tab-runs"]').click();
    await page.locator('[data-testid="sagerun-filter-scope"]').selectOption('all');
    const runRow = h.runRow(page, fired.id);
    await expect(runRow.locator('[data-testid="sagerun-run-scheduled"]')).toBeVisible({
      timeout: 30 * 1000
    });
    await runRow.locator('[data-testid="sagerun-run-details"]').click();
    await expect(runRow.locator('[data-testid="sagerun-run-details-body"]')).toContainText(
      'SCHEDULED'
    );
    await showSchedules(page);

    // The view for the README, light and dark, at the sidebar's default width.
    await expect(view).toBeVisible();
    const panel = page.locator('[data-testid="sagerun-runs-panel"]').first();
    await row.locator('[data-testid="sagerun-schedule-runs-toggle"]').click();
    await h.nextFrames(page);
    await panel.screenshot({ path: h.docsImage('schedules.png'), animations: 'disabled' });
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Dark'
      })
    );
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
    await h.nextFrames(page);
    await panel.screenshot({ path: h.docsImage('schedules-dark.png'), animations: 'disabled' });
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Light'
      })
    );
    await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'true');

    // Pause: no firing while a sentinel schedule of the same rate fires twice.
    await row.locator('[data-testid="sagerun-schedule-toggle"]').click();
    await expect(row).toHaveAttribute('data-state', 'DISABLED');
    await expect(row.locator('[data-testid="sagerun-schedule-toggle"]')).toHaveText('Resume');
    expect((await getSchedule(page, name)).nextFirings).toEqual([]);
    const pausedCount = (await scheduleRuns(page, created)).length;
    const response = await page.request.post('/sagerun/schedules', {
      data: { name: sentinel, path: nbPath, expression: RATE }
    });
    expect(response.status(), await response.text()).toBe(201);
    made.push(sentinel);
    const sentinelSchedule = (await response.json()) as ISchedule;
    await expect
      .poll(async () => (await scheduleRuns(page, sentinelSchedule)).length, {
        timeout: FIRING_TIMEOUT,
        message: 'the sentinel schedule fires twice'
      })
      .toBeGreaterThanOrEqual(2);
    expect((await scheduleRuns(page, created)).length).toBe(pausedCount);
    await page.request.delete(`/sagerun/schedules/${encodeURIComponent(sentinel)}`);

    // Resume: it fires again.
    await row.locator('[data-testid="sagerun-schedule-toggle"]').click();
    await expect(row).toHaveAttribute('data-state', 'ENABLED');
    await expect(row.locator('[data-testid="sagerun-schedule-next"]')).toContainText('Next:');
    await expect
      .poll(async () => (await scheduleRuns(page, created)).length, {
        timeout: FIRING_TIMEOUT,
        message: 'a firing after resume'
      })
      .toBeGreaterThan(pausedCount);

    // Edit: the form opens in schedule mode, prefilled; saving PUTs.
    await row.locator('[data-testid="sagerun-schedule-edit"]').click();
    const editForm = page.locator('[data-testid="sagerun-form"]').last();
    await expect(editForm).toBeVisible();
    await expect(editForm.locator('[data-testid="sagerun-when-schedule"]')).toBeChecked();
    const nameInput = await h.control(editForm, 'sagerun-schedule-name');
    await expect(nameInput).toHaveValue(name);
    await expect(nameInput).toHaveAttribute('readonly', '');
    await expect(
      await h.control(editForm, 'sagerun-schedule-expression')
    ).toHaveValue(RATE);
    await h.setValue(editForm, 'sagerun-schedule-kind', 'weekdays');
    await h.setValue(editForm, 'sagerun-schedule-time', '06:00');
    await h.setValue(editForm, 'sagerun-schedule-timezone', 'Europe/Berlin');
    await h.setParameter(editForm, 'alpha', '8');
    const save = await h.submitButton(editForm);
    await expect(
      editForm.locator('[data-testid="sagerun-schedule-preview"]')
    ).toHaveAttribute('data-status', 'ready');
    await expect(save).toBeEnabled();
    await save.click();
    await expect(editForm).toBeHidden({ timeout: 60 * 1000 });
    await expect(row.locator('[data-testid="sagerun-schedule-row-description"]')).toContainText(
      /06:00/
    );
    const edited = await getSchedule(page, name);
    expect(edited.expression).toBe('cron(0 6 ? * MON-FRI *)');

    // Delete, confirmed in a dialog.
    await row.locator('[data-testid="sagerun-schedule-delete"]').click();
    const confirm = page.locator('.jp-Dialog .jp-Dialog-footer .jp-mod-accept').last();
    await expect(confirm).toBeVisible();
    await confirm.click();
    await expect(row).toHaveCount(0);
    const gone = await page.request.get(`/sagerun/schedules/${encodeURIComponent(name)}`);
    expect(gone.status()).toBe(404);

    expect(errors, 'console errors').toEqual([]);
  });
});
