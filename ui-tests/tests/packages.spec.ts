/**
 * The run form's Environment section is prefilled from a requirements.txt
 * beside the notebook (and says so), "Use requirements.txt" reloads it, and the run
 * is started with those packages (its GET shows the specification).
 */
import { expect, test } from '@jupyterlab/galata';
import * as h from './helpers';

test.afterEach(async ({ page }) => {
  await h.stopActiveRuns(page);
});

test('the packages come from requirements.txt beside the notebook, and the run has them', async ({
  page,
  tmpPath
}) => {
  // Comments only: the run needs no index, and the local backend builds nothing.
  const requirements = `${tmpPath}/requirements.txt`;
  expect(
    await page.contents.uploadContent('# first version\n', 'text', requirements)
  ).toBeTruthy();
  const { nbPath, form, submit } = await h.openFormOn(page, tmpPath);

  const packages = form.locator('[data-testid="sagerun-packages"]');
  await expect(packages).toHaveValue('# first version\n');
  await expect(form.locator('[data-testid="sagerun-packages-source"]')).toHaveText(
    `From ${requirements} beside the notebook.`
  );
  // Both environment fields are there, told apart by their labels.
  await expect(form.getByLabel('Image version')).toBeVisible();
  await expect(form.getByLabel('Compute environment version')).toBeVisible();

  // Edited in the form, then the file changes: the button takes the file's again.
  await h.setValue(form, 'sagerun-packages', 'typed-in==1');
  await expect(form.locator('[data-testid="sagerun-packages-source"]')).toHaveText(
    'One requirement a line, as in requirements.txt.'
  );
  // An overwrite answers 200 (galata's uploadContent expects a new file's 201).
  const rewrite = await page.request.put(`/api/contents/${requirements}`, {
    data: { type: 'file', format: 'text', content: '# second version\n' }
  });
  expect(rewrite.status(), await rewrite.text()).toBe(200);
  await form.locator('[data-testid="sagerun-use-requirements"]').click();
  await expect(packages).toHaveValue('# second version\n');
  await h.setValue(form, 'sagerun-image-version', '2.9');

  await submit.click();
  const [run] = await h.waitForRuns(page, nbPath, 1);
  const got = await h.getRun(page, run.id);
  expect((got as any).environmentConfiguration).toEqual({
    imageVersion: '2.9',
    packageConfig: { packageManager: 'UV', packageSpecification: '# second version\n' }
  });
});
