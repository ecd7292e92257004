/**
 * Playwright configuration for the jupyter_sagerun browser tests.
 *
 * Galata's base configuration with what this project's machines need: Debian's
 * Chromium (Playwright's own browser downloads are not reachable), no video (it
 * needs Playwright's ffmpeg download), an HTML report that never opens, and the
 * Jupyter server started here on a fixed port with jupyter_server_test_config.py.
 */
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = Number(process.env.SAGERUN_UI_PORT || 8898);
const chromium = process.env.SAGERUN_CHROMIUM || '/usr/bin/chromium';
// The Jupyter server to test: that of SAGERUN_UI_VENV (scripts/check-profiles.sh sets
// it to a SageMaker Distribution profile), else the one on PATH.
const jupyterLab = process.env.SAGERUN_UI_VENV
  ? path.join(process.env.SAGERUN_UI_VENV, 'bin', 'jupyter-lab')
  : 'jupyter-lab';
// scripts/ui-tests.sh sends the server's log to a file (printed on failure).
const serverLog = process.env.SAGERUN_UI_SERVER_LOG;

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  // One shared server and one local backend: tests run one after the other.
  workers: 1,
  fullyParallel: false,
  // A failed test runs once more, to tell a flaky test from a broken one; but a test
  // that needed its retry fails the run all the same (scripts/ui-tests.sh lists them).
  retries: Number(process.env.SAGERUN_UI_RETRIES || 1),
  failOnFlakyTests: true,
  timeout: 180 * 1000,
  expect: { timeout: 15 * 1000 },
  forbidOnly: true,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
    ['junit', { outputFile: 'test-results/junit.xml' }],
    // Read by scripts/ui-tests.sh for the tests that passed only on a retry.
    ['json', { outputFile: 'test-results/results.json' }]
  ],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic'
      ]
    }
  },
  webServer: {
    // jupyter-lab itself, not the `jupyter lab` launcher (TOOLCHAIN pitfall 11).
    command:
      `exec "${jupyterLab}" --config jupyter_server_test_config.py` +
      (serverLog ? ` >>"${serverLog}" 2>&1` : ''),
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 120 * 1000,
    // Never reuse a server that happens to listen on the port (TOOLCHAIN pitfall 6):
    // scripts/ui-tests.sh stops a stray test server first.
    reuseExistingServer: false,
    // Let the server stop its kernels and the local backend's runs.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10 * 1000 },
    stdout: serverLog ? 'ignore' : 'pipe',
    stderr: serverLog ? 'ignore' : 'pipe'
  }
};
