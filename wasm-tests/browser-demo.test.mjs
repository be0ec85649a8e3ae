// browser-demo.test.mjs — the demo page (web/index.html running web/demo.c) in
// headless Chromium, served by the project's server: the coroutine table
// shows every part of the program with states and wait reasons, the host
// loop panel shows fetches and the scheduler's timer, the counters grow,
// and the controls work (spawn more, cancel one, a deadline, stop).
// Saves a screenshot to build/demo.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../web/server.mjs';
import { chromiumOptions } from './helpers.mjs';

const WAIT_MS = 30000; // the machine is shared and noisy

let browser;
let server;
let page;
const problems = []; // page errors and unexpected console errors

before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The crawler follows a link to a missing page on purpose; Chromium logs that 404.
    if (/status of 404/.test(m.text()) && m.location().url.endsWith('/demo/site/missing.html')) return;
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  await page.goto(`${server.url}/web/`);
  await until(async () => (await page.textContent('#status')) === 'running', 'the program to run');
});

after(async () => {
  await browser?.close();
  server?.server.closeAllConnections?.();
  await new Promise((r) => (server ? server.server.close(r) : r()));
});

/** Poll `check` (async, returns a truthy value when satisfied) until it holds. */
async function until(check, what, ms = WAIT_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The rows of table #live or #finished, as the page shows them. */
const rows = (table) => page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => ({
  id: Number(tr.dataset.id), state: tr.dataset.state, role: tr.dataset.role,
  name: tr.cells[1].childNodes[0]?.textContent ?? '', ended: tr.cells[2].textContent,
  waits: tr.cells[3].textContent, note: tr.cells[4].textContent, stack: Number(tr.dataset.stack),
  canCancel: !!tr.querySelector('button[data-cancel]'),
})));
const value = async (id) => Number(await page.getAttribute(`#${id}`, 'data-value'));

test('every part of the program has a row with its state and what it waits for', { timeout: 90000 }, async () => {
  const live = await until(async () => {
    const r = await rows('live');
    return ['main', 'crawler', 'ticker 250 ms', 'producer', 'squarer', 'consumer', 'bar']
      .every((n) => r.some((x) => x.name === n)) && r;
  }, 'the program\'s coroutines');
  const main = live.find((r) => r.name === 'main');
  assert.equal(main.canCancel, false, 'main has no cancel button');
  assert.ok(live.every((r) => ['ready', 'running', 'blocked'].includes(r.state)), 'live rows have live states');
  // The snapshot call itself is the running coroutine.
  assert.ok(live.some((r) => r.state === 'running' && r.role === 'control'));
  // Wait reasons of each kind, as weft_list describes them.
  await until(async () => (await rows('live')).some((r) => r.name === 'ticker 250 ms' && r.state === 'blocked'
    && /^sleep until [\d.]+ ms \(in [\d.-]+ ms\)$/.test(r.waits)), 'a ticker asleep');
  await until(async () => (await rows('live')).some((r) => r.role === 'crawler' && r.state === 'blocked'
    && /^fetch \/demo\/site\/\w+\.html$/.test(r.waits)), 'a crawler row waiting for its fetch');
  await until(async () => (await rows('live')).some((r) => r.role === 'crawler' && r.state === 'blocked'
    && /^semaphore “crawl #\d+: pool of 4 fetches”$/.test(r.waits)), 'a crawler row queued for a pool slot');
  await until(async () => (await rows('live')).some((r) => r.role === 'pipeline' && r.state === 'blocked'
    && /^(send|receive) on channel “(numbers|squares)/.test(r.waits)), 'a pipeline row waiting on a channel');
  await until(async () => (await rows('live')).some((r) => r.name === 'generator' && r.role === 'generator'),
    'the seed\'s generator');
  // The seed's answer, printed by bar: 5 and 6 out of foo through intermediary.
  await until(async () => /bar: got 5 from the coroutine\nbar: got 6 from the coroutine/.test(await page.textContent('#log')),
    'bar to print 5 and 6');
  await until(async () => (await rows('finished')).some((r) => r.role === 'crawler' && /^HTTP 200, \d+ bytes/.test(r.waits)),
    'a finished crawler page');
});

test('the host loop panel shows fetches in flight and the scheduler\'s one timer', { timeout: 60000 }, async () => {
  await until(async () => (await value('fetch-count')) > 0
    && /fetch \/demo\/site\/\w+\.html/.test(await page.textContent('#host-fetches')), 'fetches in flight');
  await until(async () => (await value('timer-count')) >= 1
    && /the earliest sleeper/.test(await page.textContent('#host-timers')), 'the scheduler\'s host timer');
  await until(async () => (await value('host-ops')) > 0, 'weft host operations in flight');
});

test('the counters grow and the page clock keeps ticking', { timeout: 60000 }, async () => {
  const ids = ['unwinds', 'rewinds', 'saved-bytes', 'switches', 'spawned'];
  const first = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await value(id)])));
  assert.ok(first.unwinds > 0 && first['saved-bytes'] > 0, `counters: ${JSON.stringify(first)}`);
  const clock = Number(await page.textContent('#clock'));
  for (const id of ids) await until(async () => (await value(id)) > first[id], `${id} to grow`);
  await until(async () => Number(await page.textContent('#clock')) > clock + 500, 'the page clock');
});

test('the walkthrough quotes live rows and counters', { timeout: 60000 }, async () => {
  const text = (id) => page.textContent(`#${id}`);
  await until(async () => /^Row #\d+ “page .*”, waiting for “fetch \/demo\/site\//.test(await text('ex-fetch')), 'a fetching row quoted');
  await until(async () => /^bar got 5 and 6; row #\d+ “generator” waits for “send on/.test(await text('ex-gen')), 'the generator quoted');
  assert.match(await text('ex-loop'), /^Right now \d+ coroutines are in the timer heap, the browser holds [1-9]\d* timer\(s\)/);
  const unwinds = Number((await text('ex-unwind')).match(/^So far: ([\d,]+) unwinds/)[1].replace(/,/g, ''));
  assert.ok(unwinds > 0);
  await until(async () => Number((await text('ex-unwind')).match(/^So far: ([\d,]+) unwinds/)[1].replace(/,/g, '')) > unwinds, 'the quoted count to grow');
  assert.match(await text('ex-rewind'), /^[\d,]+ rewinds so far\.$/);
});

test('cancelling a row ends that coroutine as cancelled', { timeout: 60000 }, async () => {
  const ticker = (await rows('live')).find((r) => r.name === 'ticker 1 s');
  assert.ok(ticker?.canCancel, 'the ticker has a cancel button');
  await page.click(`#live tr[data-id="${ticker.id}"] button[data-cancel]`);
  const done = await until(async () => (await rows('finished')).find((r) => r.id === ticker.id), 'the cancelled row');
  assert.equal(done.state, 'cancelled');
  assert.match(done.waits, /^stopped after \d+ ticks?$/);
  assert.ok(!(await rows('live')).some((r) => r.id === ticker.id), 'no longer live');
  assert.ok((await rows('live')).some((r) => r.name === 'ticker 250 ms'), 'the other ticker runs on');
});

test('a deadline expires a slow fetch with a timeout', { timeout: 60000 }, async () => {
  await page.fill('#deadline-ms', '1500'); // long enough to see it waiting, on a loaded machine too
  await page.click('#deadline-fetch');
  const job = await until(async () => (await rows('live')).find((r) => r.name === 'slow fetch in 1500 ms'
    && r.state === 'blocked' && r.waits === 'fetch /demo/site/slow.html'), 'the job waiting for its fetch');
  const done = await until(async () => (await rows('finished')).find((r) => r.id === job.id), 'the job to end');
  assert.equal(done.state, 'timed-out');
  const [, took] = done.waits.match(/^deadline expired after (\d+) ms \(deadline 1500 ms\)$/) ?? [];
  assert.ok(Number(took) >= 1500 && Number(took) < 4000, `took ${took} ms (the page answers after 4 s): ${done.waits}`);
  await page.screenshot({ path: new URL('../build/demo.png', import.meta.url).pathname, fullPage: true });
});

test('spawning more adds rows; compact coroutines keep only part of a stack', { timeout: 60000 }, async () => {
  const named = (r, re) => r.filter((x) => re.test(x.name));
  assert.equal(named(await rows('live'), /^sleeper \+/).length, 0);
  await page.click('button[data-spawn="sleepers"]');
  await until(async () => named(await rows('live'), /^sleeper \+\d+$/)
    .filter((r) => r.role === 'timer' && r.state === 'blocked' && r.waits.startsWith('sleep until')).length === 10,
  '10 sleepers');
  await page.click('button[data-spawn="compact"]');
  const compact = await until(async () => {
    const r = named(await rows('live'), /^compact sleeper \+\d+$/).filter((x) => x.state === 'blocked');
    return r.length >= 50 && r;
  }, 'compact sleepers');
  const ticker = (await rows('live')).find((r) => r.name === 'ticker 250 ms');
  assert.equal(ticker.stack, 16384, 'a default coroutine has its own 16 KiB stack');
  assert.ok(compact.every((r) => r.stack > 0 && r.stack < 4096), `compact stacks: ${compact.map((r) => r.stack)}`);
});

test('stop ends the program, and nothing went wrong on the page', { timeout: 60000 }, async () => {
  await page.click('#stop');
  await until(async () => /exited/.test(await page.textContent('#status')), 'the program to exit');
  assert.equal(await page.textContent('#status'), 'exited with status 0');
  assert.match(await page.textContent('#log'), /weft demo: stopped/);
  assert.doesNotMatch(await page.textContent('#log'), /\[page\]/, 'the page reported no failure of its own');
  assert.deepEqual(problems, []);
});

test('the terminal page runs calc.c unchanged: each typed line is its stdin', { timeout: 60000 }, async () => {
  const term = await browser.newPage();
  const errors = [];
  term.on('pageerror', (e) => errors.push(e.message));
  term.on('dialog', (d) => { errors.push(`a ${d.type()} dialog appeared`); d.dismiss(); });
  await term.goto(`${server.url}/web/terminal.html`);
  const screen = () => term.textContent('#screen');
  const type = async (text) => { await term.fill('#line', text); await term.press('#line', 'Enter'); };
  await term.waitForFunction(() => document.getElementById('status').textContent.startsWith('running'), null, { timeout: WAIT_MS });
  await type('let r = 2');
  await type('3.14159 * r ^ 2');
  await term.waitForFunction(() => document.getElementById('screen').textContent.includes('12.5664'), null, { timeout: WAIT_MS });
  // The page's own script goes on running while calc waits in fgets.
  assert.equal(await term.evaluate(() => new Promise((r) => requestAnimationFrame(() => r('frame')))), 'frame');
  await type('quit');
  await term.waitForFunction(() => /exited with status 0/.test(document.getElementById('status').textContent), null, { timeout: WAIT_MS });
  assert.match(await screen(), /> let r = 2[\s\S]*> 3\.14159 \* r \^ 2[\s\S]*12\.5664/);
  assert.deepEqual(errors, []);
  await term.close();
});
