// browser-timeline.test.mjs — the demo page's timeline (web/timeline.mjs) in
// headless Chromium: the page loads web/demo.c with `trace: true`, and the
// canvas beside the coroutine table draws a lane per coroutine (the host's
// first), running slices in green, waits in their kind's colour, and wake
// lines, for at most 28 coroutines. Saves a screenshot of the timeline to
// build/timeline.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../web/server.mjs';
import { chromiumOptions } from './helpers.mjs';

const WAIT_MS = 30000; // the machine is shared and noisy

let browser;
let server;
let page;
const problems = [];

before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${server.url}/web/`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'running', null, { timeout: WAIT_MS });
});

after(async () => {
  await browser?.close();
  server?.server.closeAllConnections?.();
  await new Promise((r) => (server ? server.server.close(r) : r()));
});

test('the timeline draws a lane per coroutine, coloured slices and wake lines', { timeout: 90000 }, async () => {
  // Lanes for the host and the program's parts, slices, and at least one wake line.
  await page.waitForFunction(() => {
    const c = document.getElementById('timeline').dataset;
    return Number(c.lanes) >= 8 && Number(c.slices) > 20 && Number(c.flows) > 0;
  }, null, { timeout: WAIT_MS });
  // What is on the canvas: pixels of the running colour and of the sleep colour.
  const seen = await page.evaluate(() => {
    const canvas = document.getElementById('timeline');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const count = (r, g, b) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b) n++;
      return n;
    };
    return { running: count(0x16, 0xa3, 0x4a), sleep: count(0x93, 0xc5, 0xfd), height: canvas.height };
  });
  assert.ok(seen.running > 0, `running pixels: ${JSON.stringify(seen)}`);
  assert.ok(seen.sleep > 0, `sleep pixels: ${JSON.stringify(seen)}`);
  // The legend names the colours.
  assert.match(await page.textContent('#timeline-legend'), /running.*sleep.*channel.*fetch/);
  // The screenshot once it shows a few seconds of the program.
  await page.waitForFunction(() => Number(document.getElementById('timeline').dataset.seconds) >= 5, null, { timeout: WAIT_MS });
  await page.locator('#timeline').screenshot({ path: new URL('../build/timeline.png', import.meta.url).pathname });
});

test('the timeline keeps at most 28 lanes, the walkthrough speaks of it, and the page reported no error', { timeout: 60000 }, async () => {
  await page.click('button[data-spawn="sleepers"]'); // more coroutines than lanes
  await page.waitForFunction(() => Number(document.getElementById('timeline').dataset.lanes) === 28, null, { timeout: WAIT_MS });
  assert.match(await page.textContent('.walkthrough'), /timeline.{0,10}draws the same records over time/s);
  assert.deepEqual(problems, []);
});
