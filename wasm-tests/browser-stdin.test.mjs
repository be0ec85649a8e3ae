// browser-stdin.test.mjs — stdin in headless Chromium (wasm-tests/fd.c):
// fgets reads the `stdin` source given to load() (a string, a
// ReadableStream fed slowly, a function), while another coroutine runs;
// without a source stdin is empty at once and no window.prompt dialog
// opens; a stream the program stopped reading is cancelled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startFixture } from './http-fixture.mjs';
import { chromiumOptions, buildPath } from './helpers.mjs';

let browser, fx, page;

before(async () => {
  fx = await startFixture();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('dialog', (d) => { console.error('dialog opened:', d.message()); d.dismiss(); });
  await page.goto(`${fx.url}/wasm-tests/browser/index.html?build=${encodeURIComponent(buildPath)}`);
  await page.waitForSelector('body[data-ready="1"]', { state: 'attached' });
});

after(async () => {
  await browser?.close();
  await fx?.close();
});

/** Run fd.mjs's `scenario` in the page with the stdin source `kind` makes there. */
const run = (scenario, kind) => page.evaluate(async ([url, scenario, kind]) => {
  const { load } = await import('/runtime/js/weft.mjs');
  let prompts = 0, cancelled = false;
  window.prompt = () => { prompts++; return null; };
  const enc = new TextEncoder();
  const sources = {
    string: () => 'first\nsecond line\nthird\n',
    stream: () => new ReadableStream({
      async start(c) {
        for (const part of ['first\nsec', 'ond line\n', 'third\n']) {
          await new Promise((r) => setTimeout(r, 10));
          c.enqueue(enc.encode(part));
        }
        c.close();
      },
    }),
    function: () => { const parts = ['first\n', 'second line\nthird\n']; return async () => parts.shift() ?? null; },
    never: () => new ReadableStream({ pull: () => new Promise(() => {}), cancel: () => { cancelled = true; } }),
    none: () => undefined,
  };
  const stdout = [], stderr = [];
  const options = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) };
  if (kind !== 'none') options.stdin = sources[kind]();
  const p = await load(url, options);
  const status = await p.run([scenario]);
  return { status, stdout, stderr, prompts, cancelled, held: p.host.stdin.stats().stdinHeld };
}, [`${buildPath}tests/fd.mjs`, scenario, kind]);

const lines = ['line 1: first', 'line 2: second line', 'line 3: third', 'eof=1 ticks>0=1'];

for (const kind of ['string', 'stream', 'function']) {
  test(`page: fgets reads stdin from a ${kind}`, async () => {
    const r = await run('stdin-lines', kind);
    assert.equal(r.status, 0, r.stderr.join('\n'));
    assert.deepEqual(r.stdout.slice(0, 3), lines.slice(0, 3));
    assert.equal(r.stdout.length, 4);
    assert.equal(r.held, false);
  });
}

test('page: a stream fed slowly: another coroutine runs while fgets waits', async () => {
  const r = await run('stdin-lines', 'stream');
  assert.deepEqual(r.stdout, lines);
});

test('page: without a source stdin is empty at once, and no prompt dialog opens', async () => {
  const r = await run('stdin-lines', 'none');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.length, 1);
  assert.match(r.stdout[0], /^eof=1 /);
  assert.equal(r.prompts, 0);
});

test('page: reads interrupted by a cancel and a deadline; the stream is cancelled at the end', async () => {
  const r = await run('stdin-interrupt', 'never');
  assert.deepEqual(r.stdout, [
    'cancelled read=-1 errno=Interrupted system call why=cancelled',
    'fgets in a scope=NULL errno=Interrupted system call why=deadline or timeout expired',
    'scope expired=1',
    'poll in a scope=-1 errno=Interrupted system call',
  ]);
  assert.equal(r.cancelled, true);
  assert.equal(r.held, false);
});

test('worker: fgets reads stdin from a string and from a stream, and no prompt exists to open', async () => {
  const results = await page.evaluate(async (url) => {
    const code = `
      import { load } from '${location.origin}/runtime/js/weft.mjs';
      const enc = new TextEncoder();
      const sources = {
        string: () => 'first\\nsecond line\\nthird\\n',
        stream: () => new ReadableStream({
          async start(c) {
            for (const part of ['first\\nsec', 'ond line\\n', 'third\\n']) {
              await new Promise((r) => setTimeout(r, 10));
              c.enqueue(enc.encode(part));
            }
            c.close();
          },
        }),
      };
      const out = {};
      for (const kind of Object.keys(sources)) {
        const stdout = [];
        const p = await load('${url}', { stdin: sources[kind](), stdout: (l) => stdout.push(l), stderr: () => {} });
        out[kind] = { status: await p.run(['stdin-lines']), stdout };
      }
      postMessage(out);`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), { type: 'module' });
    try {
      return await new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
      });
    } finally {
      worker.terminate();
    }
  }, `${fx.url}${buildPath}tests/fd.mjs`);
  for (const kind of ['string', 'stream']) {
    assert.equal(results[kind].status, 0, kind);
    assert.deepEqual(results[kind].stdout, lines, kind);
  }
});
