// core.test.mjs — the core runtime through wasm-tests/core.c: scheduling
// order, sleeping, joining, address-taken locals across thousands of
// interleaved suspensions, the host timer and host turns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram } from './helpers.mjs';
import { checks } from './checks.mjs';

test('yields are round-robin: every ready coroutine runs once between two turns of another', async () => {
  checks['yield-order'](await runProgram('core', ['yield-order']));
});

test('sleepers wake in deadline order, FIFO among equal deadlines, never early', async () => {
  checks['sleep-order'](await runProgram('core', ['sleep-order']));
});

test("join returns each coroutine's result, whether it finished long ago or not yet", async () => {
  checks.join(await runProgram('core', ['join']));
});

for (const mode of ['locals', 'locals-compact']) {
  test(`${mode}: 10,000 interleaved coroutines keep address-taken locals intact`, async () => {
    checks[mode](await runProgram('core', [mode, '10000']), 10000);
  });
}

test('timers: zero delays never arm a host timer; many sleepers share one', async () => {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  let host;
  let phase = 'sleep0';
  const armed = { sleep0: 0, park: 0, many: 0 };
  const live = new Set();
  let maxLive = 0;
  globalThis.setTimeout = (fn, ms, ...rest) => {
    if (fn !== host?.fired) return realSet(fn, ms, ...rest);
    const h = realSet(() => { live.delete(h); fn(...rest); }, ms);
    armed[phase]++;
    live.add(h);
    maxLive = Math.max(maxLive, live.size);
    return h;
  };
  globalThis.clearTimeout = (h) => { live.delete(h); realClear(h); };
  globalThis.weftTestMark = (p) => { phase = p; };
  try {
    const r = await runProgram('core', ['timers'], { setup: (p) => { host = p.host; } });
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, ['sleep0 done', 'parked: sleeping=500 host_timers=1',
      'cancelled: sleeping=0 host_timers=0', 'bad=0', 'after sleeping=0 host_timers=0']);
    assert.equal(armed.sleep0, 0, '1000 sleep(0) calls armed a host timer');
    assert.equal(armed.park, 1, '500 sleepers asleep at once armed one host timer');
    assert.ok(armed.many >= 1, 'sleepers armed the host timer');
    // One timer per sleeper would arm 500; re-arming for each new earliest
    // deadline arms at most about one per millisecond of spread (40 here).
    assert.ok(armed.many < 250, `host timer armed ${armed.many} times for 500 sleepers`);
    assert.equal(maxLive, 1, 'never more than one host timer at a time');
    assert.equal(live.size, 0, 'no host timer left behind');
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
    delete globalThis.weftTestMark;
  }
});

// Run a program while a setImmediate chain counts host turns in
// globalThis.weftHostTurns (core.c reads it through EM_JS).
async function countingHostTurns(args) {
  let running = true;
  globalThis.weftHostTurns = 0;
  const turn = () => { globalThis.weftHostTurns++; if (running) setImmediate(turn); };
  setImmediate(turn);
  try {
    return await runProgram('core', args);
  } finally {
    running = false;
  }
}

test('weft_yield_host lets the host event loop run a turn each time', async () => {
  const r = await countingHostTurns(['yield-host']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['host turns seen 5 of 5']);
});

test('a busy program still gives the host turns (time slices)', async () => {
  const r = await countingHostTurns(['slice']);
  assert.equal(r.status, 0);
  checks.slice(r);
});

test('ids, names, argv and detached coroutines', async () => {
  checks.identity(await runProgram('core', ['identity']));
});

test('the program resolves with main\'s status, or exit()\'s', async () => {
  assert.equal((await runProgram('core', ['exit-code'])).status, 42);
  assert.equal((await runProgram('core', ['c-exit'])).status, 9);
});
