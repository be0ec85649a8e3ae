// posix.test.mjs — libc's blocking time calls in coroutines
// (runtime/src/lib/posix.c, driven by wasm-tests/posix.c): they suspend only
// their caller, a cancel or a deadline interrupts them with EINTR and the
// time left, bad arguments give EINVAL, any number sleep at once, and
// outside any coroutine they busy-wait as Emscripten's do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram, assertNoLeaks } from './helpers.mjs';

async function scenario(name) {
  const r = await runProgram('posix', [name]);
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.status, 0, r.stderr.join('\n'));
  assert.deepEqual(r.stderr, []);
  assertNoLeaks(r.program);
  return r;
}

test('sleep, usleep, nanosleep, clock_nanosleep, thrd_sleep and emscripten_sleep let other coroutines run', async () => {
  const r = await scenario('others-run');
  assert.deepEqual(r.stdout, ['sleep(0)', 'usleep', 'nanosleep', 'clock_nanosleep', 'thrd_sleep', 'emscripten_sleep']
    .map((n) => `${n} rc=0 others ran=1`));
});

test('a cancel or a deadline interrupts them with EINTR, the time left and the reason', async () => {
  const r = await scenario('interrupted');
  assert.deepEqual(r.stdout, [
    'nanosleep rc=-1 errno=Interrupted system call rem_s>50=1 why=cancelled',
    'sleep left>50=1 why=cancelled',
    'usleep rc=-1 errno=Interrupted system call',
    'emscripten_sleep returned, cancelled: next sleep rc=-1',
    'in a 30 ms scope: nanosleep rc=-1 errno=Interrupted system call rem_s>50=1 why=deadline or timeout expired',
    'scope expired=1',
    'after: usleep rc=0',
  ]);
});

test('bad arguments give EINVAL; an absolute time in the past returns at once', async () => {
  const r = await scenario('arguments');
  assert.deepEqual(r.stdout, [
    'nsec 1e9: nanosleep rc=-1 errno=Invalid argument',
    'negative: nanosleep rc=-1 errno=Invalid argument',
    'NULL: nanosleep rc=-1 errno=Invalid argument',
    'cpu clock: clock_nanosleep=Invalid argument',
    'absolute, past: clock_nanosleep=0',
    'absolute, 20 ms ahead: clock_nanosleep=0 waited=1',
  ]);
});

test('200 coroutines in emscripten_sleep and usleep at once all wake with their own results', async () => {
  const r = await scenario('many');
  assert.deepEqual(r.stdout, ['many: 200 of 200 right']);
});

test('sched_yield takes turns; outside any coroutine the calls busy-wait and return 0', async () => {
  const r = await scenario('turns');
  assert.deepEqual(r.stdout, ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  assert.equal(r.program.module._outside_sleeps(), 1);
});
