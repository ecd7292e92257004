/**
 * The smoke test of an installation. It runs in the main browser run (current
 * JupyterLab) and, through scripts/check-profiles.sh, against the Jupyter server of each
 * SageMaker Distribution profile (JupyterLab 4.5 and 4.4 with jupyter-collaboration on,
 * where the server reads the notebook from disk as the collaboration layer saved it).
 *
 * Edit a cell, click Run remotely at once, "Save and run": the run succeeds and its
 * output is the edited cell's, and the extension logged no console error.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';
import * as h from './helpers';

/** The text outputs of a notebook file, as the contents API returns it. */
async function textOutputs(page: Page, serverPath: string): Promise<string> {
  const response = await page.request.get(
    `/api/contents/${serverPath.split('/').map(encodeURIComponent).join('/')}?content=1`
  );
  expect(response.status(), await response.text()).toBe(200);
  const model = await response.json();
  const texts: string[] = [];
  for (const cell of model.content.cells) {
    for (const output of cell.outputs ?? []) {
      const text = output.text ?? output.data?.['text/plain'] ?? '';
      texts.push(Array.isArray(text) ? text.join('') : String(text));
    }
  }
  return texts.join('\n');
}

/**
 * Upload a test notebook and open it through JupyterLab's own command (the same on
 * 4.4, 4.5 and 4.6, with or without collaboration), then wait for its kernel.
 */
async function openUploaded(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string
): Promise<string> {
  await h.expectExtensionActive(page);
  const serverPath = await h.upload(page, tmpPath, name);
  await page.evaluate(async path => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', {
      path
    });
  }, serverPath);
  await expect(
    page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').first()
  ).toBeVisible({ timeout: 60 * 1000 });
  await h.waitForKernelIdle(page);
  return serverPath;
}

test.afterEach(async ({ page }) => {
  await h.stopActiveRuns(page);
});

test('edit a cell, Run remotely at once, "Save and run": the run executes the edit', async ({
  page,
  tmpPath
}) => {
  const errors = h.collectConsoleErrors(page, { onlyOurs: true });
  const nbPath = await openUploaded(page, tmpPath, h.PARAMETERIZED);

  if (process.env.SAGERUN_UI_EXPECT_COLLABORATION) {
    // The profiles run with real-time collaboration: notebooks are shared documents.
    const collaborative = await page.evaluate(() => {
      const app = (window as any).jupyterapp;
      return app
        .listPlugins()
        .filter((id: string) => id.startsWith('@jupyter/docprovider-extension'))
        .some((id: string) => app.isPluginActivated(id));
    });
    expect(collaborative, 'jupyter-collaboration is on').toBe(true);
  }

  // The marker appears only when the cell runs: its source says 6 * 7, not 42.
  // Typed as a user types it, into the third cell's editor.
  const editor = page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')
    .nth(2)
    .locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('print("edited", 6 * 7)');
  await expect(editor).toHaveText('print("edited", 6 * 7)');
  const form = await h.openFormFromToolbar(page);
  const submit = await h.submitButton(form);
  // The notebook is dirty, so the button says so; jupyter-collaboration 4 keeps a
  // shared document clean (its room saves it), and the button says Run: either way
  // the run must execute the edit.
  await expect(submit).toHaveText(
    process.env.SAGERUN_UI_EXPECT_COLLABORATION
      ? /^(Save and run|Run)$/
      : 'Save and run'
  );
  await expect(submit).toBeEnabled();
  await submit.click();
  await expect(form).toBeHidden({ timeout: 60 * 1000 });

  const [run] = await h.waitForRuns(page, nbPath, 1);
  await expect
    .poll(async () => (await h.getRun(page, run.id)).status, {
      timeout: 150 * 1000,
      message: 'the run ends'
    })
    .toBe('SUCCEEDED');

  const saved = await page.request.post(
    `/sagerun/runs/${encodeURIComponent(run.id)}/output`,
    { data: {} }
  );
  expect(saved.status(), await saved.text()).toBe(200);
  const { path: outputPath } = await saved.json();
  expect(await textOutputs(page, outputPath)).toContain('edited 42');

  expect(errors, 'console errors from jupyter_sagerun').toEqual([]);
});
