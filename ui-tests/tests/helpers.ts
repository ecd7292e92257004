/**
 * Shared helpers of the jupyter_sagerun browser tests.
 *
 * Everything here talks to the real server (REST API of the extension through
 * `page.request`) or drives the real UI through the data-testids the extension
 * promises (see ui-tests/README.md).
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..');
export const NOTEBOOKS_DIR = path.resolve(__dirname, '..', 'notebooks');
export const DOCS_IMAGES_DIR = path.resolve(
  __dirname,
  '..',
  '..',
  'docs',
  'images'
);

export const PARAMETERIZED = 'parameterized.ipynb';
export const LONG = 'long.ipynb';

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'STOPPED'];

/** A run (summary) as `GET sagerun/runs` lists it. */
export interface IRun {
  id: string;
  status: string;
  path?: string;
  notebookId?: string;
  parameterNames?: string[];
  parameters?: Record<string, string>;
  computeConfiguration?: { instanceType?: string; environmentVersion?: string };
  timeoutConfiguration?: { runTimeoutInMinutes?: number };
  error?: { message?: string };
  [key: string]: unknown;
}

/** The data-testid locator of the extension's UI. */
export function byTestId(page: Page, id: string): Locator {
  return page.locator(`[data-testid="${id}"]`);
}

/**
 * The form control behind a data-testid: the element itself when it is an input,
 * select or textarea, else the first such control inside it.
 */
export async function control(
  scope: Page | Locator,
  id: string
): Promise<Locator> {
  const el = scope.locator(`[data-testid="${id}"]`).first();
  await expect(el).toBeAttached();
  const tag = await el.evaluate(e => e.tagName.toLowerCase());
  if (['input', 'select', 'textarea'].includes(tag)) {
    return el;
  }
  return el.locator('input, select, textarea').first();
}

/** Set a form control to a value, whatever kind of control it is. */
export async function setValue(
  scope: Page | Locator,
  id: string,
  value: string
): Promise<Locator> {
  const ctl = await control(scope, id);
  const tag = await ctl.evaluate(e => e.tagName.toLowerCase());
  if (tag === 'select') {
    await ctl.selectOption(value);
  } else {
    await ctl.fill(value);
  }
  // Leave the field so that blur-time validation runs too.
  await ctl.press('Tab').catch(() => undefined);
  return ctl;
}

/**
 * A copy of a notebook stamped by scripts/sample_notebook.py with the kernel metadata
 * (kernelspec, language_info) its kernel reports: without it JupyterLab fills that
 * metadata in when the kernel starts, and the notebook opens "unsaved".
 */
export function stampedNotebook(source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagerun-notebook-'));
  const file = path.join(dir, path.basename(source));
  // python3 is the test server's (scripts/ui-tests.sh puts SAGERUN_UI_VENV first), so
  // the version stamped is that of the kernel the notebook starts.
  execFileSync(process.env.SAGERUN_PYTHON ?? 'python3', [
    path.join(REPO, 'scripts', 'sample_notebook.py'),
    source,
    file
  ]);
  return file;
}

/**
 * Upload one of ui-tests/notebooks, stamped with its kernel's metadata (so that it
 * opens clean), into the test's own folder on the server.
 */
export async function upload(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string
): Promise<string> {
  const serverPath = `${tmpPath}/${name}`;
  const ok = await page.contents.uploadFile(
    stampedNotebook(path.join(NOTEBOOKS_DIR, name)),
    serverPath
  );
  expect(ok, `upload ${name}`).toBeTruthy();
  return serverPath;
}

/** The extension's frontend is loaded and its main plugin activated. */
export async function expectExtensionActive(page: Page): Promise<void> {
  const active = await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    return !!app && app.isPluginActivated('jupyter_sagerun:plugin');
  });
  expect(active, 'the jupyter_sagerun frontend is loaded and activated').toBe(
    true
  );
}

/** Wait until the status bar shows the kernel idle (TOOLCHAIN pitfall 5). */
export async function waitForKernelIdle(page: Page): Promise<void> {
  await expect(page.locator('#jp-main-statusbar')).toContainText('Idle', {
    timeout: 60 * 1000
  });
}

/** Upload a test notebook, open it and wait for its kernel. Returns its server path. */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string
): Promise<string> {
  await expectExtensionActive(page);
  const serverPath = await upload(page, tmpPath, name);
  expect(await page.notebook.openByPath(serverPath)).toBeTruthy();
  await page.notebook.activate(name);
  await waitForKernelIdle(page);
  return serverPath;
}

/** Open a notebook at the server root (copied there by the server config). */
export async function openRootNotebook(
  page: IJupyterLabPageFixture,
  name: string
): Promise<string> {
  await expectExtensionActive(page);
  await page.filebrowser.openDirectory('/');
  expect(await page.notebook.openByPath(name)).toBeTruthy();
  await page.notebook.activate(name);
  await waitForKernelIdle(page);
  return name;
}

/** The run form's main-area pane (its tab's content), else the form itself. */
export function formPane(form: Locator): Locator {
  return form
    .locator(
      'xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " jp-MainAreaWidget ")][1]'
    )
    .or(form)
    .first();
}

/**
 * Screenshot an element whole: grow the viewport until nothing inside it scrolls,
 * take the picture without focus rings or selections, then restore the viewport.
 */
export async function screenshotWhole(
  page: Page,
  target: Locator,
  file: string
): Promise<void> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.getSelection()?.removeAllRanges();
  });
  const original = page.viewportSize();
  const overflow = await target.evaluate(root => {
    let extra = 0;
    for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
      const e = el as HTMLElement;
      if (
        e.scrollHeight > e.clientHeight + 1 &&
        /(auto|scroll)/.test(getComputedStyle(e).overflowY)
      ) {
        extra = Math.max(extra, e.scrollHeight - e.clientHeight);
      }
    }
    return extra;
  });
  if (original && overflow > 0) {
    await page.setViewportSize({
      width: original.width,
      height: Math.min(original.height + overflow + 16, 3000)
    });
    await nextFrames(page);
  }
  await target.screenshot({ path: file, animations: 'disabled' });
  if (original && overflow > 0) {
    await page.setViewportSize(original);
    await nextFrames(page);
  }
}

/** The accessible name of the toolbar button (its visible label comes first). */
export const RUN_REMOTELY = /^Run remotely/;

/** The Run remotely toolbar button of the notebook in front, by role and name. */
export function toolbarButton(page: Page): Locator {
  return page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar')
    .first()
    .getByRole('button', { name: RUN_REMOTELY });
}

/** Click Run remotely on the notebook in front and wait for the form. */
export async function openFormFromToolbar(page: Page): Promise<Locator> {
  let button = toolbarButton(page);
  await expect(button).toBeAttached();
  if (!(await button.isVisible())) {
    // A narrow main area moves trailing toolbar items into JupyterLab's overflow popup.
    const opener = page
      .locator(
        '.jp-NotebookPanel:not(.lm-mod-hidden) [data-jp-item-name="toolbar-popup-opener"]'
      )
      .first();
    if (await opener.isVisible()) {
      await opener.click();
      button = page
        .locator('.jp-Toolbar-responsive-popup')
        .getByRole('button', { name: RUN_REMOTELY });
    }
  }
  await expect(button).toBeVisible();
  await button.click();
  const form = byTestId(page, 'sagerun-form');
  await expect(form).toBeVisible();
  return form;
}

/**
 * Set a parameter in the form's key/value editor: the row whose key is `key` when
 * the form prefilled one (from the notebook's `parameters` cell), else a new row.
 */
export async function setParameter(
  form: Locator,
  key: string,
  value: string
): Promise<void> {
  const keys = form.locator('[data-testid^="sagerun-param-key-"]');
  const n = await keys.count();
  let index = -1;
  for (let i = 0; i < n; i++) {
    const ctl = await control(form, `sagerun-param-key-${i}`);
    if ((await ctl.inputValue()).trim() === key) {
      index = i;
      break;
    }
  }
  if (index < 0) {
    await form.locator('[data-testid="sagerun-param-add"]').click();
    index = n;
    await expect(
      form.locator(`[data-testid="sagerun-param-key-${index}"]`)
    ).toBeAttached();
    await setValue(form, `sagerun-param-key-${index}`, key);
  }
  await setValue(form, `sagerun-param-value-${index}`, value);
}

/** The submit button of the form (the data-testid element or the button inside it). */
export async function submitButton(form: Locator): Promise<Locator> {
  const el = form.page().locator('[data-testid="sagerun-submit"]').first();
  await expect(el).toBeAttached();
  const tag = await el.evaluate(e => e.tagName.toLowerCase());
  if (tag === 'button' || tag === 'jp-button' || tag === 'input') {
    return el;
  }
  const inner = el.locator('button').first();
  return (await inner.count()) ? inner : el;
}

/** Every run the server lists (following nextToken), optionally for one path. */
export async function listRuns(
  page: Page,
  query: Record<string, string> = {}
): Promise<IRun[]> {
  const runs: IRun[] = [];
  let nextToken: string | undefined;
  for (let i = 0; i < 100; i++) {
    const params = new URLSearchParams({ maxResults: '50', ...query });
    if (nextToken) {
      params.set('nextToken', nextToken);
    }
    const response = await page.request.get(`/sagerun/runs?${params}`);
    expect(response.status(), await response.text()).toBe(200);
    const body = await response.json();
    runs.push(...(body.items as IRun[]));
    nextToken = body.nextToken || undefined;
    if (!nextToken) {
      break;
    }
  }
  return runs;
}

/** The runs of one workspace notebook (server-side `path` filter, checked here too). */
export async function runsOf(page: Page, serverPath: string): Promise<IRun[]> {
  const runs = await listRuns(page, { path: serverPath });
  return runs.filter(r => r.path === undefined || r.path === serverPath);
}

/** Wait until the notebook at `serverPath` has exactly `count` runs; return them. */
export async function waitForRuns(
  page: Page,
  serverPath: string,
  count = 1
): Promise<IRun[]> {
  let runs: IRun[] = [];
  await expect
    .poll(
      async () => {
        runs = await runsOf(page, serverPath);
        return runs.length;
      },
      { timeout: 60 * 1000, message: `runs of ${serverPath}` }
    )
    .toBeGreaterThanOrEqual(count);
  return runs;
}

/** One run as `GET sagerun/runs/{id}` answers it. */
export async function getRun(
  page: Page,
  runId: string,
  reveal = false
): Promise<IRun> {
  const response = await page.request.get(
    `/sagerun/runs/${encodeURIComponent(runId)}${reveal ? '?reveal=parameters' : ''}`
  );
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as IRun;
}

/** Stop every run that has not ended (clean-up between tests). */
export async function stopActiveRuns(page: Page): Promise<void> {
  const runs = await listRuns(page).catch(() => [] as IRun[]);
  for (const run of runs) {
    if (!TERMINAL.includes(run.status)) {
      await page.request
        .post(`/sagerun/runs/${encodeURIComponent(run.id)}/stop`)
        .catch(() => undefined);
    }
  }
}

/**
 * Show the Remote runs panel (left sidebar): through its command
 * `sagerun:open-runs-panel`, else by finding the sidebar widget that holds
 * `sagerun-runs-panel`, whatever its id or title.
 */
export async function showRunsPanel(page: Page): Promise<Locator> {
  const panel = byTestId(page, 'sagerun-runs-panel').first();
  if (await panel.isVisible()) {
    return panel;
  }
  await expectExtensionActive(page);
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const app = (window as any).jupyterapp;
          // The panel's own command, as the Run menu offers it.
          if (app.commands.hasCommand('sagerun:open-runs-panel')) {
            void app.commands.execute('sagerun:open-runs-panel');
            return true;
          }
          for (const area of ['left', 'right']) {
            for (const widget of app.shell.widgets(area)) {
              if (
                widget.node.querySelector('[data-testid="sagerun-runs-panel"]')
              ) {
                app.shell.activateById(widget.id);
                return true;
              }
            }
          }
          return false;
        }),
      { message: 'a sidebar widget holding data-testid="sagerun-runs-panel"' }
    )
    .toBe(true);
  await expect(panel).toBeVisible();
  return panel;
}

/** The row of one run in the runs panel. */
export function runRow(page: Page, runId: string): Locator {
  return page.locator(
    `[data-testid="sagerun-run-row"][data-run-id="${runId}"]`
  );
}

/**
 * Count the POSTs to `sagerun/runs` the page sends from now on, and how many of
 * them have no answer yet.
 */
export function recordRunPosts(page: Page): { sent: number; pending: number } {
  const counts = { sent: 0, pending: 0 };
  const isRunPost = (request: { method(): string; url(): string }) =>
    request.method() === 'POST' &&
    /\/sagerun\/runs(\?[^/]*)?$/.test(request.url());
  page.on('request', request => {
    if (isRunPost(request)) {
      counts.sent++;
      counts.pending++;
    }
  });
  const settled = (request: { method(): string; url(): string }) => {
    if (isRunPost(request)) {
      counts.pending--;
    }
  };
  page.on('requestfinished', settled);
  page.on('requestfailed', settled);
  return counts;
}

/** Wait until the browser has rendered two more frames (React has committed). */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>(resolve =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
      )
  );
}

/** JupyterLab notifications (toasts) whose text matches. */
export function toast(page: Page, text: RegExp): Locator {
  return page.locator('.Toastify__toast').filter({ hasText: text });
}

/** Console noise known to be harmless here (a browser with no network, galata's
 * mocks, JupyterLab's own warnings). */
const HARMLESS = [
  /favicon/i,
  // Chromium with --disable-background-networking / no outside network.
  /net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION_REFUSED|BLOCKED_BY_CLIENT)/,
  // JupyterLab asks for a language pack, news and updates it does not need here.
  /\/lab\/api\/(translations|news|update)/,
  // A kernel's websocket closed by galata's clean-up between tests.
  /WebSocket is already in CLOSING or CLOSED state/,
  /Kernel .* (restarting|dead|disposed)/i
];
const OURS = /sagerun/i;

/**
 * Collect console errors and page errors: all but the harmless noise, or with
 * `onlyOurs` those that come from jupyter_sagerun's own code (the image profiles'
 * JupyterLab versions have console noise of their own).
 */
export function collectConsoleErrors(
  page: Page,
  options: { onlyOurs?: boolean } = {}
): string[] {
  const errors: string[] = [];
  page.on('console', message => {
    if (message.type() !== 'error') {
      return;
    }
    const text = `${message.text()} ${message.location()?.url ?? ''}`;
    const counts = options.onlyOurs
      ? OURS.test(text)
      : !HARMLESS.some(re => re.test(text));
    if (counts) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', error => {
    if (
      !options.onlyOurs ||
      OURS.test(`${error.message} ${error.stack ?? ''}`)
    ) {
      errors.push(`pageerror: ${error.message}`);
    }
  });
  return errors;
}

/** Write a screenshot for the docs, creating docs/images if needed. */
export function docsImage(name: string): string {
  fs.mkdirSync(DOCS_IMAGES_DIR, { recursive: true });
  return path.join(DOCS_IMAGES_DIR, name);
}

/**
 * Upload the parameterized notebook, start one run of it through the REST API (with
 * `extra` settings such as compute or timeout), wait until it SUCCEEDED, then load
 * JupyterLab again with the notebook in front, as a user coming back would (the panel
 * lists what the server has when JupyterLab loads: it polls only while a shown run is
 * active), and show the run's row in the runs panel.
 */
export async function finishedRunRow(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  prefix: string,
  extra: Record<string, unknown> = {}
): Promise<{ nbPath: string; run: IRun; row: Locator }> {
  const nbPath = await upload(page, tmpPath, PARAMETERIZED);
  const response = await page.request.post('/sagerun/runs', {
    data: { path: nbPath, clientToken: `${prefix}-${Date.now()}`, ...extra }
  });
  expect(response.status(), await response.text()).toBe(201);
  const run = (await response.json()) as IRun;
  await expect
    .poll(async () => (await getRun(page, run.id)).status, {
      timeout: 120 * 1000
    })
    .toBe('SUCCEEDED');

  await page.reload();
  expect(await page.notebook.openByPath(nbPath)).toBeTruthy();
  await page.notebook.activate(PARAMETERIZED);
  await showRunsPanel(page);
  const row = runRow(page, run.id);
  await expect(row).toHaveAttribute('data-status', 'SUCCEEDED', {
    timeout: 120 * 1000
  });
  return { nbPath, run, row };
}

/**
 * Open a test notebook, then the run form from its toolbar; answers the form and its
 * submit button, enabled (the defaults are valid).
 */
export async function openFormOn(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string = PARAMETERIZED
): Promise<{ nbPath: string; form: Locator; submit: Locator }> {
  const nbPath = await openNotebook(page, tmpPath, name);
  const form = await openFormFromToolbar(page);
  const submit = await submitButton(form);
  await expect(submit).toBeEnabled();
  return { nbPath, form, submit };
}
