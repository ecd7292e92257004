/**
 * The browser half of benchmarks/panel.py: opens JupyterLab in Chromium (Playwright,
 * from ui-tests/node_modules, with the launch options of ui-tests/playwright.config.js)
 * and shows the runs panel.
 *
 * Usage: node benchmarks/panel_browser.js URL LOADS WINDOW_SECONDS
 * Prints one JSON line: renderMs (per load: from the list response's arrival, or the
 * panel's showing if later, to the first run row in the panel), pageMs (to the last
 * change in the number of rows, which then holds for 2 s), rows (rows then), and
 * requests (the sagerun/ requests of the last load's page over WINDOW_SECONDS after its
 * first row, by path).
 */
const path = require('path');

const uiTests = path.resolve(__dirname, '..', 'ui-tests');
const { chromium } = require(path.join(uiTests, 'node_modules', 'playwright'));
const config = require(path.join(uiTests, 'playwright.config.js'));

const [url, loadsArg, windowArg] = process.argv.slice(2);
const loads = Number(loadsArg);
const windowMs = Number(windowArg) * 1000;

// In the page before its scripts: the time the first run row appears.
function watchFirstRow() {
  // And when their number last changed (the page may come in more than one render).
  const seen = () => {
    const rows = document.querySelectorAll('[data-testid="sagerun-run-row"]');
    if (rows.length > 0 && rows.length !== window.__sagerunRows) {
      const at = performance.now();
      window.__sagerunFirstRow = window.__sagerunFirstRow ?? at;
      window.__sagerunLastRows = at;
      window.__sagerunRows = rows.length;
    }
  };
  new MutationObserver(seen).observe(document, {
    childList: true,
    subtree: true
  });
}

async function showPanel(page) {
  await page.waitForFunction(
    () =>
      !!window.jupyterapp &&
      window.jupyterapp.isPluginActivated('jupyter_sagerun:plugin') &&
      window.jupyterapp.commands.hasCommand('sagerun:open-runs-panel'),
    null,
    { timeout: 120000 }
  );
  return page.evaluate(() => {
    const shown = performance.now();
    void window.jupyterapp.commands.execute('sagerun:open-runs-panel');
    return shown;
  });
}

async function load(browser, countFor) {
  const context = await browser.newContext({
    viewport: config.use.viewport
  });
  const page = await context.newPage();
  await page.addInitScript(watchFirstRow);
  const requests = {};
  let counting = false;
  page.on('request', request => {
    const { pathname } = new URL(request.url());
    if (counting && pathname.includes('/sagerun/')) {
      const key = `${request.method()} ${pathname}`;
      requests[key] = (requests[key] || 0) + 1;
    }
  });
  await page.goto(url);
  const shown = await showPanel(page);
  await page.waitForFunction(
    () => window.__sagerunFirstRow !== undefined,
    null,
    {
      timeout: 120000
    }
  );
  // Settled: no new rows for 2 s.
  await page.waitForFunction(
    () => performance.now() - window.__sagerunLastRows > 2000,
    null,
    { timeout: 120000, polling: 250 }
  );
  const timing = await page.evaluate(() => {
    const firstRow = window.__sagerunFirstRow;
    const lastRows = window.__sagerunLastRows;
    // The list responses that had arrived by then: the last one is the page shown.
    const lists = performance
      .getEntriesByType('resource')
      .filter(
        e => /\/sagerun\/runs(\?|$)/.test(e.name) && e.responseEnd <= firstRow
      );
    const arrived = lists.length ? lists[lists.length - 1].responseEnd : null;
    return { firstRow, lastRows, arrived, rows: window.__sagerunRows };
  });
  if (timing.arrived === null) {
    throw new Error('no sagerun/runs list response before the first row');
  }
  const result = {
    renderMs: timing.firstRow - Math.max(timing.arrived, shown),
    pageMs: timing.lastRows - Math.max(timing.arrived, shown),
    rows: timing.rows
  };
  if (countFor > 0) {
    counting = true;
    await page.waitForTimeout(countFor);
    counting = false;
    result.requests = requests;
  }
  await context.close();
  return result;
}

async function main() {
  const browser = await chromium.launch(config.use.launchOptions);
  try {
    const renderMs = [];
    const pageMs = [];
    let rows = 0;
    let requests = {};
    for (let i = 0; i < loads; i++) {
      const last = i === loads - 1;
      const result = await load(browser, last ? windowMs : 0);
      renderMs.push(result.renderMs);
      pageMs.push(result.pageMs);
      rows = result.rows;
      if (last) {
        requests = result.requests;
      }
    }
    console.log(JSON.stringify({ renderMs, pageMs, rows, requests }));
  } finally {
    await browser.close();
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
