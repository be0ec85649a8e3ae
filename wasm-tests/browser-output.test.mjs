// browser-output.test.mjs — a program's output in headless Chromium with no
// stdout/stderr callback, where it goes to the console: a last line
// without '\n' is not lost (at return, at exit(0), on stderr), and a
// partial line shows by the end of the host turn. Programs come from
// wasm-tests/adv-kernel.c.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startFixture } from './http-fixture.mjs';
import { chromiumOptions } from './helpers.mjs';

let browser;
let fx;
let page;
const consoleLines = [];

before(async () => {
  fx = await startFixture();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage();
  page.on('console', (m) => consoleLines.push({ type: m.type(), text: m.text() }));
  await page.goto(`${fx.url}/wasm-tests/browser/index.html`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
});

after(async () => {
  await browser?.close();
  await fx?.close();
});

/** Run adv-kernel with `args` in the page, with the default output. */
async function runInPage(args) {
  consoleLines.length = 0;
  const status = await page.evaluate(async (a) => {
    const { load } = await import('/runtime/js/weft.mjs');
    const p = await load('/build/tests/adv-kernel.mjs');
    return p.run(a);
  }, args);
  // Console events travel over the debugging protocol: wait for the last one.
  for (let i = 0; i < 500 && !consoleLines.some((l) => l.text === 'weft-test-end'); i++) {
    if (i === 0) await page.evaluate(() => console.log('weft-test-end'));
    await new Promise((r) => setTimeout(r, 10));
  }
  return { status, lines: consoleLines.filter((l) => l.text !== 'weft-test-end') };
}

test('page console: a partial last line is printed at return', async () => {
  const r = await runInPage(['out-partial']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.lines, [{ type: 'log', text: 'no newline' }]);
});

test('page console: a partial last line is printed at exit(0)', async () => {
  const r = await runInPage(['out-exit']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.lines, [{ type: 'log', text: 'line' }, { type: 'log', text: 'before exit' }]);
});

test('page console: a partial line on stderr is printed as an error', async () => {
  const r = await runInPage(['out-stderr']);
  assert.deepEqual(r.lines, [{ type: 'error', text: 'err partial' }]);
});

test('page console: a partial line shows by the end of the host turn, its rest as a line of its own', async () => {
  const r = await runInPage(['out-turn']);
  assert.deepEqual(r.lines.map((l) => l.text), ['waiting', ' done']);
});
