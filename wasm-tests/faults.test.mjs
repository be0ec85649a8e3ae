// faults.test.mjs — every error the core must report clearly, through
// wasm-tests/faults.c: misuse returns documented codes; deadlock rejects
// with a report; a coroutine that overflows its C stack or save area, or
// meets a JS exception, is stopped and named while the program carries on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram, assertNoLeaks, backend } from './helpers.mjs';
import { codes } from '../runtime/js/weft.mjs';

test('misuse gets documented error codes', async () => {
  const r = await runProgram('faults', ['misuse']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'ctor: sleep=suspending call made outside any coroutine yield=suspending call made outside any coroutine join=suspending call made outside any coroutine self=0',
    'weft_join(123456, NULL) = not found (no such coroutine, export, header or index)',
    'weft_join(-3, NULL) = not found (no such coroutine, export, header or index)',
    'weft_join(weft_self(), NULL) = deadlock: the wait could never end',
    'weft_join(a, NULL) = busy: already being joined, or waited on',
    "helper's join = success",
    'weft_join(a, NULL) = coroutine already joined or detached',
    'weft_detach(d) = success',
    'weft_join(d, NULL) = coroutine already joined or detached',
    'weft_detach(d) = coroutine already joined or detached',
    'weft_sleep(-1) = invalid argument',
    'weft_sleep(NAN) = invalid argument',
    'weft_spawn(NULL, NULL, NULL) = invalid argument',
    'weft_spawn(nap, NULL, &(weft_opts){.stack_size = 100}) = invalid argument',
    'weft_spawn(nap, NULL, &(weft_opts){.flags = 0x80}) = invalid argument',
    'strerror(999) = unknown error',
  ]);
});

test('a suspending call from JS, outside any coroutine, returns WEFT_ENOTCO', async () => {
  const r = await runProgram('faults', ['misuse'], {
    setup: (p) => assert.equal(p.module._outside_sleep(), codes.ENOTCO),
  });
  assert.equal(r.status, 0);
  assert.equal(r.program.module._outside_sleep(), codes.ENOTCO, 'after the program ended too');
});

test('deadlock: the run rejects with WEFT_EDEADLK and lists who waits for what', async () => {
  const r = await runProgram('faults', ['deadlock']);
  assert.equal(r.status, undefined);
  assert.equal(r.error?.code, 'WEFT_EDEADLK');
  assert.match(r.error.message, /#1 "main" waits for join of #2 "joiner"/);
  assert.match(r.error.message, /#2 "joiner" waits for join of #1 "main"/);
  assert.ok(r.stderr.some((l) => l.includes('weft: deadlock')), 'also printed to stderr');
  assert.ok(!r.stdout.includes('deadlock not detected'));
});

test('returning from main ends the program: coroutines still waiting are stopped, not reported', async () => {
  // x and y join each other; main returns 0 meanwhile, as a C program would.
  const r = await runProgram('faults', ['deadlock-after-main']);
  assert.equal(r.status, 0, r.error?.message);
  assert.ok(!r.stderr.some((l) => l.includes('deadlock')), r.stderr.join('\n'));
  assert.equal(r.program.module._outside_live(), 0, 'x and y were stopped and freed');
  assertNoLeaks(r.program);
});

const overflowCases = [
  ['faults', 'overflow-at-suspend'],
  ['faults', 'overflow-before-suspend'],
  ['faults-checked', 'overflow-at-suspend'],
  ['faults-checked', 'overflow-before-suspend'],
  ['faults-checked', 'overflow-deep'],
];
for (const [build, scenario] of overflowCases) {
  test(`${build} ${scenario}: the coroutine is stopped with WEFT_ESTACK, named, and the rest carries on`, async () => {
    const r = await runProgram(build, [scenario]);
    assert.equal(r.status, 0);
    assert.ok(r.stdout.includes('join greedy = coroutine overflowed its C stack'), r.stdout.join('\n'));
    assert.ok(r.stdout.includes('main carried on'));
    assert.ok(!r.stdout.includes('overflowing coroutine carried on'));
    assert.ok(r.stderr.some((l) => /coroutine #2 "greedy" was stopped: .*overflowed its C stack/.test(l)), r.stderr.join('\n'));
  });
}

test('save-area overflow stops only that coroutine, with WEFT_ESAVEAREA', {
  skip: backend === 'jspi' && 'JSPI has no save area: the engine keeps suspended frames',
}, async () => {
  const r = await runProgram('faults-smallstack', ['save-area']);
  assert.equal(r.status, 0);
  assert.ok(r.stdout.includes('join deep = coroutine stack did not fit its save area'), r.stdout.join('\n'));
  assert.ok(r.stdout.includes('join shallow = success'));
  assert.ok(r.stderr.some((l) => l.includes('coroutine #3 "deep" was stopped: its stack did not fit the save area')));
  // The same program with the default 5 MiB main stack has room for it.
  const big = await runProgram('faults', ['save-area']);
  assert.ok(big.stdout.includes('join deep = success'));
});

test('recursion deeper than the engine\'s stack stops the coroutine with WEFT_ESTACK', async () => {
  const r = await runProgram('faults', ['native-stack']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['join plunger = coroutine overflowed its C stack']);
  assert.ok(r.stderr.some((l) => /"plunger" was stopped: it exhausted the host's call stack/.test(l)));
});

test('a JS exception in a host call stops that coroutine with WEFT_EHOST and its message', async () => {
  const r = await runProgram('faults', ['js-exception']);
  assert.equal(r.status, 5);
  assert.deepEqual(r.stdout, ['join caller = JS exception or wasm trap in a coroutine']);
  assert.ok(r.stderr.some((l) => l.includes('coroutine #2 "caller" was stopped: host callback failed on 7')));
});

for (const build of ['faults', 'faults-checked']) {
  test(`${build}: atof, strtod, sscanf and printf of doubles fit the default C stack`, async () => {
    // The checked build stops any coroutine whose frame crosses its stack limit.
    const r = await runProgram(build, ['libc-stack']);
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, ['libc on default stacks: 300 of 300 ok']);
    assert.deepEqual(r.stderr, []);
  });
}
