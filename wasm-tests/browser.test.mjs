// browser.test.mjs — the same programs in headless Chromium (Debian's, driven
// by playwright-core), in a page and in a module Web Worker, served by the
// project's own server on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startFixture } from './http-fixture.mjs';
import { bridgeChecks } from './bridge-checks.mjs';
import { checks } from './checks.mjs';
import { assertNoLeaks, chromiumOptions, buildPath, backend } from './helpers.mjs';

let browser;
let fx;
let page;
let baseUrl;

before(async () => {
  fx = await startFixture();
  baseUrl = fx.url;
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${baseUrl}/wasm-tests/browser/index.html?build=${encodeURIComponent(buildPath)}`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
});

after(async () => {
  await browser?.close();
  await fx?.close();
});

const run = (program, args, where) =>
  page.evaluate(([p, a, w]) => window.runTest(p, a, w), [program, args, where]);

for (const where of ['page', 'worker']) {
  for (const [scenario, args] of [
    ['yield-order', []], ['sleep-order', []], ['join', []], ['identity', []],
    ['locals', ['10000']], ['locals-compact', ['10000']],
  ]) {
    test(`${where}: ${scenario}`, async () => {
      checks[scenario](await run('core', [scenario, ...args], where), 10000);
    });
  }

  test(`${where}: deadlock is reported as WEFT_EDEADLK`, async () => {
    const r = await run('faults', ['deadlock'], where);
    assert.equal(r.error?.code, 'WEFT_EDEADLK');
    assert.match(r.error.message, /#1 "main" waits for join of #2 "joiner"/);
  });

  test(`${where}: a JS exception stops only its coroutine`, async () => {
    const r = await run('faults', ['js-exception'], where);
    assert.equal(r.status, 5);
    assert.deepEqual(r.stdout, ['join caller = JS exception or wasm trap in a coroutine']);
  });

  // Chromium 156's page crashes near 21,700 suspended JSPI calls here, and
  // near 13,000 once earlier programs' memory is still held: the cap
  // (12,000 live coroutines) holds before that. (In a fresh page: the
  // tests before this one leave big instances for the collector.)
  test(`${where}: JSPI: 40,000 sleepers asked, the cap gives WEFT_ENOMEM at 12,000, no crash`, {
    skip: backend !== 'jspi' && 'the JSPI build only',
  }, async () => {
    const fresh = await browser.newPage();
    let r;
    try {
      await fresh.goto(`${baseUrl}/wasm-tests/browser/index.html?build=${encodeURIComponent(buildPath)}`);
      await fresh.waitForSelector('body[data-ready="1"]', { state: 'attached' });
      r = await fresh.evaluate(([w]) => window.runTest('jspi', ['cap', '40000'], w), [where]);
    } finally {
      await fresh.close();
    }
    assert.equal(r.status, 0, r.error?.message);
    assert.equal(r.stdout[0], 'spawned=11999 err=out of memory');
    assert.ok(r.stdout.includes('cancelled=11999') && r.stdout.includes('again=ok'), r.stdout.join('\n'));
  });

  // A program built for both backends (weft-cc --jspi --fallback): Chromium has JSPI.
  test(`${where}: load() runs a pair's JSPI build here, or its Asyncify one when asked`, {
    skip: backend === 'jspi' && 'the pair is in the default build folder',
  }, async () => {
    const r = await run('pair', ['yield-order'], where);
    assert.equal(r.backend, 'jspi');
    checks['yield-order'](r);
    const forced = await page.evaluate(async ([url]) => {
      const { load } = await import('/runtime/js/weft.mjs');
      const p = await load(url, { backend: 'asyncify', stdout: () => {} });
      return [p.backend, await p.run(['yield-order'])];
    }, [`${buildPath}tests/pair.mjs`]);
    assert.deepEqual(forced, ['asyncify', 0]);
  });

  test(`${where}: the host gets turns while coroutines stay busy`, async () => {
    // MessageChannel turns in the page, counted from JS while C yields.
    const r = await run('core', ['slice'], where);
    assert.equal(r.status, 0);
    checks.slice(r);
  });
}

// Browsers clamp a timer armed in a timer task nested more than five deep
// to 4 ms: the host timer, re-armed from its own callback for each next
// sleeper, would wake short sleeps 4 ms late. A short one must be armed
// outside any timer callback (weft.mjs arms it from a host turn).
test('page: the host timer is never armed short inside a timer callback (the 4 ms nesting clamp)', async () => {
  await page.evaluate(() => {
    const real = globalThis.setTimeout;
    const seen = { short: 0, shortInTimer: 0, inTimer: 0 };
    globalThis.weftTimerProbe = { real, seen };
    globalThis.setTimeout = (fn, ms, ...rest) => {
      if (ms < 4) { seen.short++; if (seen.inTimer) seen.shortInTimer++; }
      return real((...a) => { seen.inTimer++; try { return fn(...a); } finally { seen.inTimer--; } }, ms, ...rest);
    };
  });
  let r, seen;
  try {
    r = await run('core', ['timers'], 'page');
  } finally {
    seen = await page.evaluate(() => { globalThis.setTimeout = globalThis.weftTimerProbe.real; return globalThis.weftTimerProbe.seen; });
  }
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['sleep0 done', 'parked: sleeping=500 host_timers=1',
    'cancelled: sleeping=0 host_timers=0', 'bad=0', 'after sleeping=0 host_timers=0']);
  assert.ok(seen.short > 0, 'the 500 sleepers spread over 40 ms armed short timers');
  assert.equal(seen.shortInTimer, 0, `${seen.shortInTimer} of ${seen.short} short timers were armed inside a timer callback`);
});

// The bridges in the page: fetch under the browser's rules (same origin
// here), weft_call, handles. Chromium opens at most 6 connections per host,
// so its 500 concurrent fetches get quick answers (5 ms) to finish soon.
for (const scenario of Object.keys(bridgeChecks)) {
  test(`page: bridge ${scenario}`, async () => {
    const extra = scenario === 'fetch-many' ? ['500', '5'] : [];
    const r = await run('bridge', [scenario, baseUrl, fx.refusedUrl, ...extra], 'page');
    bridgeChecks[scenario](r, { fetchError: /Failed to fetch/ });
    assertNoLeaks(r.stats);
  });
}

// The demo page (web/) has its own test: browser-demo.test.mjs.
