// bridge.test.mjs — the host bridges in Node against a real HTTP server on
// 127.0.0.1 (wasm-tests/http-fixture.mjs): weft_call, handles, fetch, and
// JS calling C coroutines. Every run also checks nothing leaked: handles,
// pending ops, timeout timers, calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram, buildDir, assertNoLeaks } from './helpers.mjs';
import { hostFunctions, gateStats } from './host-functions.mjs';
import { bridgeChecks } from './bridge-checks.mjs';
import { startFixture } from './http-fixture.mjs';
import { load, codes } from '../runtime/js/weft.mjs';

let fx;
before(async () => { fx = await startFixture(); });
after(async () => { await fx.close(); });

const noLeaks = assertNoLeaks;

for (const scenario of Object.keys(bridgeChecks)) {
  test(`bridge ${scenario}`, async () => {
    gateStats.maxInFlight = 0;
    const before = fx.stats.maxActive;
    fx.stats.maxActive = 0;
    // fetch-many: the server answers none until all 500 are in flight at
    // once (a condition, not a time: a loaded machine only makes it slower).
    const extra = scenario === 'fetch-many' ? ['500', '-1'] : [];
    const r = await runProgram('bridge', [scenario, fx.url, fx.refusedUrl, ...extra], { functions: hostFunctions });
    bridgeChecks[scenario](r, { fetchError: /ECONNREFUSED/ });
    noLeaks(r.program);
    if (scenario === 'calls') assert.equal(gateStats.maxInFlight, 200, 'all 200 weft_calls were in flight at once');
    if (scenario === 'fetch-many') assert.equal(fx.stats.maxActive, 500, 'the server saw 500 requests at once');
    // Every request the program made has been closed, aborted ones too (the
    // server would hold an unheard one for a minute): wait for that, with a
    // bound only so that a leak fails instead of hanging.
    for (let waited = 0; fx.stats.active && waited < 20000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.equal(fx.stats.active, 0, 'connections left open on the server');
    fx.stats.maxActive = Math.max(before, fx.stats.maxActive);
  });
}

test('weft_call outside any coroutine returns WEFT_ENOTCO', async () => {
  const program = await load(new URL('tests/bridge.mjs', buildDir), { functions: hostFunctions });
  assert.equal(program.module._outside_call(), codes.ENOTCO);
  noLeaks(program);
});

test('JS calls C coroutines and gets promises of their results', async () => {
  const program = await load(new URL('tests/bridge.mjs', buildDir), { functions: hostFunctions, stderr: () => {} });
  assert.equal(await program.call('add_numbers', 2, 3.5), 5.5);
  assert.equal(await program.call('shout', 'hey', new Uint8Array([1, 2, 250])), 'hey! (3 bytes, last 250)');
  assert.equal(await program.call('calls_js', 41), 42, 'a JS-called coroutine can itself await JS');
  // 1,000 at once, each sleeping with a local on its own stack.
  const many = await Promise.all(Array.from({ length: 1000 }, (_, i) => program.call('nap_then_double', i)));
  assert.deepEqual(many, Array.from({ length: 1000 }, (_, i) => 2 * i));
  noLeaks(program);
});

test('a failing C coroutine rejects its promise with a readable error', async () => {
  const errors = [];
  const program = await load(new URL('tests/bridge.mjs', buildDir), { functions: hostFunctions, stderr: (l) => errors.push(l) });
  await assert.rejects(program.call('refuses'), { name: 'WeftError', code: 'WEFT_EINVAL', message: 'refused: bad input' });
  await assert.rejects(program.call('shout', 7), { code: 'WEFT_EINVAL', message: 'shout wants a string and bytes' });
  await assert.rejects(program.call('crashes'), { code: 'WEFT_EHOST', message: /JS exception or wasm trap/ });
  assert.ok(errors.some((l) => /"crashes" was stopped: boom from a host callback/.test(l)), errors.join('\n'));
  await assert.rejects(program.call('no_such_export'), { code: 'WEFT_ESRCH', message: /no WEFT_EXPORT function named "no_such_export"/ });
  // The program is still usable after all that.
  assert.equal(await program.call('add_numbers', 1, 1), 2);
  noLeaks(program);
});

test('a program whose main has returned still serves calls from JS', async () => {
  const program = await load(new URL('tests/bridge.mjs', buildDir), { functions: hostFunctions });
  assert.equal(await program.run(['idle']), 0);
  const late = program.call('nap_then_double', 21);
  const never = new Promise((_, reject) => setTimeout(() => reject(new Error('the call never settled')), 10000).unref());
  assert.equal(await Promise.race([late, never]), 42);
  assert.deepEqual(await Promise.all([1, 2, 3].map((x) => program.call('nap_then_double', x))), [2, 4, 6]);
  noLeaks(program);
});

test('a C generator is consumed with for await; an early break cancels the producer', async () => {
  const program = await load(new URL('tests/bridge.mjs', buildDir), { functions: hostFunctions });
  const all = [];
  for await (const v of program.iterate('count_up', 4)) all.push(v);
  assert.deepEqual(all, [0, 10, 20, 30]);
  const some = [];
  for await (const v of program.iterate('count_up', 1000)) {
    some.push(v);
    if (some.length === 3) break;
  }
  assert.deepEqual(some, [0, 10, 20]);
  assert.equal(await program.call('stops'), 1, 'the producer saw WEFT_ECANCELED and returned');
  const none = [];
  for await (const v of program.iterate('add_numbers', 1, 2)) none.push(v);
  assert.deepEqual(none, [], 'an export that never yields iterates as empty');
  // Started by program.call, weft_args_yield refuses (WEFT_EINVAL) and count_up stops.
  assert.equal(await program.call('count_up', 3), 0);
  assert.equal(await program.call('stops'), 2);
  noLeaks(program);
});
