/**
 * What a newcomer meets first: opening the demo's notebook and the run form changes
 * nothing (the notebook is not dirty, the form offers Run, not "Save and run").
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import * as h from './helpers';

/** The demo's sample.ipynb as scripts/demo.sh writes it into its workspace. */
function demoSample(): string {
  return h.stampedNotebook(path.join(h.REPO, 'examples', 'sample.ipynb'));
}

test('opening sample.ipynb and the run form leaves the notebook clean', async ({
  page,
  tmpPath
}) => {
  await h.expectExtensionActive(page);
  const serverPath = `${tmpPath}/sample.ipynb`;
  expect(await page.contents.uploadFile(demoSample(), serverPath)).toBeTruthy();
  expect(await page.notebook.openByPath(serverPath)).toBeTruthy();
  await page.notebook.activate('sample.ipynb');
  await h.waitForKernelIdle(page);
  const dirty = () =>
    page.evaluate(target => {
      const app = (window as any).jupyterapp;
      for (const widget of app.shell.widgets('main')) {
        if (widget.context?.path === target) {
          return widget.context.model.dirty as boolean;
        }
      }
      throw new Error(`${target} is not open`);
    }, serverPath);
  // The kernel's start (which fills language_info) must not dirty it either.
  expect(await dirty()).toBe(false);

  const form = await h.openFormFromToolbar(page);
  const submit = await h.submitButton(form);
  await expect(submit).toBeEnabled();
  await expect(submit).toHaveText(/^Run$/);
  expect(await dirty()).toBe(false);
  await expect(page.locator('.lm-TabBar-tab.jp-mod-dirty')).toHaveCount(0);
});

test.describe('Results', () => {
  test.afterEach(async ({ page }) => {
    await h.stopActiveRuns(page);
  });

  test('Open result starts no kernel', async ({ page, tmpPath }) => {
    const { nbPath, run, row } = await h.finishedRunRow(
      page,
      tmpPath,
      'ui-newcomer-kernels'
    );
    await h.waitForKernelIdle(page);
    const kernels = async () =>
      ((await (await page.request.get('/api/kernels')).json()) as unknown[])
        .length;
    const before = await kernels();
    expect(before).toBeGreaterThan(0); // the source notebook's own

    await row.locator('[data-testid="sagerun-run-open-result"]').click();
    const resultPath = nbPath.replace(/\.ipynb$/, `.run-${run.id}.ipynb`);
    // Wait until the result's session has decided (started a kernel or not).
    const kernelOfResult = await page.evaluate(async target => {
      const app = (window as any).jupyterapp;
      for (let tries = 0; tries < 1200; tries++) {
        for (const widget of app.shell.widgets('main')) {
          if (widget.context?.path === target && widget.sessionContext) {
            await widget.context.ready;
            await widget.sessionContext.ready;
            return widget.sessionContext.session?.kernel?.id ?? null;
          }
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      throw new Error(`${target} did not open`);
    }, resultPath);
    expect(kernelOfResult).toBeNull();
    expect(await kernels()).toBe(before);
  });
});
