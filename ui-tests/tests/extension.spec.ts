/**
 * JupyterLab opens and the extension is active, frontend and server.
 */
import { expect, test } from '@jupyterlab/galata';

test('JupyterLab opens and jupyter_sagerun is active', async ({ page }) => {
  const plugins = await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    return app
      .listPlugins()
      .filter((id: string) => id.startsWith('jupyter_sagerun:'))
      .map((id: string) => ({
        id,
        active: app.isPluginActivated(id) as boolean
      }));
  });
  expect(plugins.map(p => p.id)).toContain('jupyter_sagerun:plugin');
  expect(plugins.find(p => p.id === 'jupyter_sagerun:plugin')?.active).toBe(
    true
  );

  // Its commands are registered.
  const commands = await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    return ['sagerun:run-remotely', 'sagerun:run-remotely-file'].filter(id =>
      app.commands.hasCommand(id)
    );
  });
  expect(commands).toEqual(['sagerun:run-remotely', 'sagerun:run-remotely-file']);

  // The server extension answers, on the local backend.
  const response = await page.request.get('/sagerun/context');
  expect(response.status(), await response.text()).toBe(200);
  const context = await response.json();
  expect(context.backend).toBe('local');
});
