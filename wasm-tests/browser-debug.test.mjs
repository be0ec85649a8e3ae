// browser-debug.test.mjs — debug.c's debug builds (build.sh: -O0,
// -sASSERTIONS=1 and =2, -g, --debug) in headless Chromium, in a page and in
// a module Web Worker: each loads and runs, and a fault is reported as in
// Node (debug-checks.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../web/server.mjs';
import { chromiumOptions, buildPath, backend } from './helpers.mjs';
import { debugLines, debugBuilds, checkFault } from './debug-checks.mjs';

let browser, server, page;

before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage();
  await page.goto(`${server.url}/wasm-tests/browser/index.html?build=${encodeURIComponent(buildPath)}`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
});

after(async () => {
  await browser?.close();
  if (server) await new Promise((r) => { server.server.closeAllConnections?.(); server.server.close(r); });
});

const run = (program, args, where) =>
  page.evaluate(([p, a, w]) => window.runTest(p, a, w), [program, args, where]);

for (const where of ['page', 'worker']) {
  for (const [name, named] of Object.entries(debugBuilds)) {
    test(`${where}: ${name} loads, runs and reports a fault`, { skip: backend === 'jspi' && 'the Asyncify builds' }, async () => {
      const r = await run(name, [], where);
      assert.equal(r.status, 0, r.error?.message ?? r.stderr.join('\n'));
      assert.deepEqual(r.stdout, debugLines);
      assert.deepEqual(r.stderr, []);
      for (const what of ['assert', 'trap']) checkFault(await run(name, [what], where), what, named);
    });
  }
}
