// browser.mjs — runs the benchmark in headless Chromium (Debian's, driven by
// playwright-core, launched as the browser tests launch it): opens
// bench/page.html from the project's server at `origin` and forwards each
// line the page reports. Resolves to the page's results.
import { chromium } from 'playwright-core';
import { chromiumOptions } from '../wasm-tests/helpers.mjs';

export async function runInBrowser(origin, options, log) {
  const browser = await chromium.launch(chromiumOptions);
  try {
    const page = await browser.newPage();
    page.on('console', (m) => log(m.text()));
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`${origin}/bench/page.html`);
    await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
    // A crashed page (out of memory, say) rejects this with playwright's message.
    return await page.evaluate((o) => window.runBench(o), options);
  } finally {
    await browser.close();
  }
}
