// browser-demo-backends.test.mjs — the demo page on each backend in headless
// Chromium: build/web/demo.mjs is built for both (weft-cc --jspi
// --fallback), the page's switch (web/backend-switch.mjs) picks one
// through ?backend=, and the program runs on it: its coroutines appear,
// switch and finish work; on JSPI a note says what its counters count.
// The other checks of the page (browser-demo.test.mjs) run on its default.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../web/server.mjs';
import { chromiumOptions } from './helpers.mjs';

const WAIT_MS = 30000; // the machine is shared and noisy

let browser;
let server;
before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
});
after(async () => {
  await browser?.close();
  server?.server.closeAllConnections?.();
  await new Promise((r) => (server ? server.server.close(r) : r()));
});

/** Poll `check` until it gives a truthy value. */
async function until(check, what) {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fresh page on the demo at `query`, with its errors collected. */
async function open(query) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/status of 404/.test(m.text()) && m.location().url.endsWith('/demo/site/missing.html')) return; // the crawler's dead link
    problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.url}/web/${query}`);
  await until(async () => (await page.textContent('#status')) === 'running', `the program to run (${query})`);
  return { page, problems };
}

const value = async (page, id) => Number(await page.getAttribute(`#${id}`, 'data-value'));

/** The demo runs: crawlers fetch, the generator answers, work finishes and switches grow. */
async function runsOn(page, backend) {
  assert.equal(await page.getAttribute('#backend', 'data-running'), backend);
  assert.equal(await page.inputValue('#backend'), backend);
  await until(async () => /bar: got 5 from the coroutine\nbar: got 6 from the coroutine/.test(await page.textContent('#log')),
    'bar to print 5 and 6');
  await until(async () => (await page.$$eval('#finished tbody tr', (trs) => trs.map((tr) => tr.cells[3].textContent)))
    .some((t) => /^HTTP 200, \d+ bytes/.test(t)), 'a finished crawler page');
  const switches = await value(page, 'switches');
  await until(async () => (await value(page, 'switches')) > switches, 'switches to grow');
  const unwinds = await value(page, 'unwinds'); // on JSPI: suspensions
  await until(async () => (await value(page, 'unwinds')) > unwinds, 'unwinds to grow');
  assert.equal(await page.isVisible('#backend-note'), backend === 'jspi', 'the note on JSPI\'s counters');
}

test('the demo runs on Asyncify by default and on JSPI when asked', { timeout: 120000 }, async () => {
  for (const [query, backend] of [['', 'asyncify'], ['?backend=jspi', 'jspi'], ['?backend=asyncify', 'asyncify']]) {
    const { page, problems } = await open(query);
    await runsOn(page, backend);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('the switch reloads the page on the backend it names', { timeout: 120000 }, async () => {
  const { page, problems } = await open('');
  await Promise.all([page.waitForURL(/\?backend=jspi$/), page.selectOption('#backend', 'jspi')]);
  await until(async () => (await page.textContent('#status')) === 'running', 'the program to run again');
  await runsOn(page, 'jspi');
  assert.deepEqual(problems, []);
  await page.close();
});
