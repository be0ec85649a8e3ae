// jspi.test.mjs — what only the JSPI backend (weft-cc --jspi) has: the
// load-time message where the engine lacks JSPI, the cap on live
// coroutines that keeps the engine from aborting the process, and deep
// stacks switching (wasm-tests/jspi.c). The rest of the suite runs on the
// JSPI builds too (wasm-tests/run.mjs: WEFT_BACKEND=jspi).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runProgram, buildDir, backend } from './helpers.mjs';
import { load } from '../runtime/js/weft.mjs';
import { hasJspi } from '../runtime/js/jspi.mjs';

// The --jspi builds: build/jspi/tests/, or buildDir itself in a JSPI run.
const jspiTests = new URL(backend === 'jspi' ? 'tests/' : 'jspi/tests/', buildDir);
const program = (name) => new URL(`${name}.mjs`, jspiTests);
const needsJspi = !hasJspi && `this engine has no JSPI (WebAssembly.Suspending): Node >= 25 or Chrome >= 137 runs it`;

test('a --jspi build where the engine lacks JSPI fails at load, naming what it needs', async () => {
  const saved = WebAssembly.Suspending;
  if (hasJspi) delete WebAssembly.Suspending; // as in Node 20
  try {
    await assert.rejects(load(program('core')),
      /built with weft-cc --jspi: it needs JavaScript Promise Integration \(WebAssembly\.Suspending.*Node >= 25, Chrome/);
  } finally {
    if (saved) WebAssembly.Suspending = saved;
  }
});

test('an Asyncify build loads and runs where JSPI is missing or not', async () => {
  const r = await runProgram(new URL(backend === 'jspi' ? '../tests/core.mjs' : 'tests/core.mjs', buildDir), ['yield-order']);
  assert.equal(r.status, 0);
});

test('spawning past the cap on live coroutines gives WEFT_ENOMEM, and spawning works again once they end',
  { skip: needsJspi }, async () => {
    const r = await runProgram(program('jspi'), ['cap', '1000'], { setup: (p) => p.host.raw.weft__jspi_cap(200) });
    assert.equal(r.status, 0, r.error?.message);
    assert.deepEqual(r.stdout, ['spawned=199 err=out of memory',
      'message=weft_spawn: 200 coroutines live, the most this JSPI build allows (each holds an engine stack; ' +
      'the engine aborts the process past its own limit)',
      'cancelled=199', 'again=ok']);
  });

test('load()\'s maxCoroutines sets the cap; a bad one is refused', { skip: needsJspi }, async () => {
  const p = await load(program('jspi'), { maxCoroutines: 50, stdout: () => {} });
  assert.equal(p.host.raw.weft__jspi_cap(0), 50);
  await assert.rejects(load(program('jspi'), { maxCoroutines: -1 }), /maxCoroutines is a positive integer/);
});

// The engine aborts the whole process ("StackMemory::StackSegment
// Allocation failed") near 32,600 suspended JSPI calls in Node 26 where
// vm.max_map_count is 65530: so in a child process.
const child = (cap) => spawnSync(process.execPath, ['--input-type=module', '-e', `
  import { load } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
  const p = await load(${JSON.stringify(program('jspi').href)}${cap ? `, { maxCoroutines: ${cap} }` : ''});
  process.exitCode = await p.run(['cap', '40000']);
`], { encoding: 'utf8', timeout: 120000 });

test('the default cap holds where the engine would abort: 40,000 sleepers asked, 12,000 live, no crash',
  { skip: needsJspi, timeout: 180000 }, async (t) => {
    const c = child(0);
    assert.equal(c.signal, null, c.stderr.slice(0, 400));
    assert.equal(c.status, 0, c.stderr.slice(0, 400));
    assert.match(c.stdout, /^spawned=11999 err=out of memory$/m);
    assert.match(c.stdout, /^cancelled=11999$/m);
    // Without the cap the same program takes the engine to its limit.
    const raw = child(40001);
    t.diagnostic(`without the cap: ${raw.signal ? `killed by ${raw.signal}` : `status ${raw.status}`}; ` +
      `${/StackSegment Allocation failed/.test(raw.stderr) ? 'the engine aborted (StackSegment allocation)' : ''}`);
  });

test('deep stacks switch: two coroutines 128 frames deep, 1,000 switches each', { skip: needsJspi }, async () => {
  const r = await runProgram(program('jspi'), ['depth', '128', '1000']);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['depth=128 switches=2000 results=128,128']);
});

test('a coroutine JS spawns while the tick is paused (a resumed coroutine not yet back) is JS\'s: main\'s end does not stop it',
  { skip: needsJspi, timeout: 60000 }, async () => {
    let spawned = 0;
    const r = await runProgram(program('jspi'), ['js-spawn'], {
      setup: (p) => {
        const jspi = p.host.jspi, resume = jspi.resume.bind(jspi);
        jspi.resume = (co) => {
          // Queued before the resumed coroutine's own promise job: runs while the tick waits for it.
          if (!spawned) queueMicrotask(() => { spawned = p.host.raw.jspi_spawn_from_js(); });
          resume(co);
        };
      },
    });
    assert.equal(r.status, 0, r.error?.message);
    assert.ok(spawned > 0, `jspi_spawn_from_js gave ${spawned}`);
    // Main's end stopped the coroutines main's side started; the lingerer is not one: it has finished or runs on.
    assert.ok(r.stdout.includes('lingerer: done') || r.program.list().some((c) => c.id === spawned && c.name === 'lingerer'),
      `the lingerer outlives main: ${r.stdout.join(' | ')}`);
    while (!r.stdout.includes('lingerer: done')) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(r.stdout, ['main: returns', 'lingerer: done']);
  });
