// adv-lib.test.mjs — the adversarial catalogue of the library layer
// (wasm-tests/adv-lib.c): channels, select, generators, mutex, semaphore,
// event, wait group and groups under NULL, garbage and boundary values,
// exhaustion and misuse. Each case asserts the documented error, that the
// program still works afterwards (its own "after: ok" lines), and that
// nothing leaked: the program's second run of a scenario left no coroutine,
// held byte or heap byte behind, and the host holds nothing. Every case runs
// in the plain build and under AddressSanitizer (adv-lib-asan), which turns
// a use after free or a heap overflow into a report; the out-of-memory cases
// run in adv-lib-small, linked with -sMAXIMUM_MEMORY=64MB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes } from '../runtime/js/weft.mjs';
import { runProgram, assertNoLeaks } from './helpers.mjs';

const noLeft = 'left: live=0 held=0 heap=0';
const roundTrip = 'after: ok';

/** name: the lines the scenario prints (before its leak line). */
const cases = {
  'chan-new-sizes': ['elem 0=NULL', 'elem 0 cap 0=NULL', 'elem SIZE_MAX=NULL', 'cap SIZE_MAX=NULL',
    'elem 1MiB+1=NULL', 'cap 16Mi+1=NULL', 'elem 1MiB: 0 last=z', 'cap 16Mi: x'],
  'chan-new-wrap': ['new(4096, 1048576)=NULL', roundTrip],
  'chan-new-wrap-odd': ['new(65537, 65537)=NULL', roundTrip],
  'chan-new-oom': ['new(1MiB, 4095)=NULL', roundTrip],
  'chan-many': ['made=10000 moved=10000 freed=10000'],
  'chan-null-args': ['send(NULL, &v)=EINVAL', 'send(ch, NULL)=EINVAL', 'recv(NULL, &v)=EINVAL',
    'recv(ch, NULL)=EINVAL', 'close(NULL)=EINVAL', 'free(NULL)=EINVAL', 'send=0', 'recv=0', 'value=7', 'free=0'],
  'chan-double-close': ['close=0', 'close again=EINVAL', 'send after close=EPIPE', 'recv buffered=0', 'value=5',
    'recv drained=ECLOSED', 'recv drained again=ECLOSED', 'free=0', roundTrip],
  'chan-free-waited': ['free with a receiver=EBUSY', 'free with a sender=EBUSY', 'receiver=ECLOSED', 'sender=EPIPE',
    'free=0', 'free=0', roundTrip],
  'chan-free-handed': ['send=0', 'free=0', 'receiver got=4242', roundTrip],
  'chan-free-handed-select': ['send=0', 'free a=0', 'free b=0', 'select got=77', roundTrip],
  'chan-free-buffered': ['recv=0', 'free with one buffered=0', 'sender=0', roundTrip],
  'chan-waiter-cancel': ['cancel=0', 'receiver=ECANCELED', 'free=0', roundTrip],
  'chan-waiter-deadline': ['recv past the deadline=ETIMEDOUT', 'scope expired=1', 'free=0', roundTrip],
  'chan-close-wakes-all': ['close with receivers=0', 'receiver 0=ECLOSED', 'receiver 1=ECLOSED', 'receiver 2=ECLOSED',
    'close with senders=0', 'sender 0=EPIPE', 'sender 1=EPIPE', 'sender 2=EPIPE', 'recv buffered=0', 'free=0'],
  'select-bad-args': ['cases NULL, n 1=EINVAL', 'n -1=EINVAL', 'n INT_MIN=EINVAL', 'op 0=EINVAL', 'op 3=EINVAL',
    'val NULL=EINVAL', 'timeout NaN=EINVAL', 'poll=EAGAIN', 'send case=0', 'recv case=0 value=3', 'free=0'],
  'select-nil-case': ['poll=EAGAIN', 'timeout 1=ETIMEDOUT', 'fired=1 value=31 result=0', 'sender=0', 'free=0'],
  'select-all-nil': ['all nil, poll=EAGAIN', 'all nil, timeout 1=ETIMEDOUT', 'no cases, poll=EAGAIN',
    'no cases, timeout 1=ETIMEDOUT', roundTrip],
  'select-empty-cancel': ['no cases: state=blocked waits=select over no channel', 'result=ECANCELED',
    'nil case: state=blocked waits=select over no channel', 'result=ECANCELED'],
  'select-empty-deadline': ['no cases in a scope=ETIMEDOUT', 'scope expired=1', 'nil case in a scope=ETIMEDOUT',
    'scope expired=1'],
  'select-infinite': ['timeout inf: sleeping=0 got=55', 'timeout -inf: sleeping=0 got=55',
    'timeout -5: sleeping=0 got=55'],
  'select-wrap': ['select=EINVAL', 'free=0', roundTrip],
  'select-closed': ['send case on closed: 0 result=EPIPE', 'recv case on closed: 0 result=ECLOSED', 'free=0'],
  'select-same-channel': ['send=0', 'got=8', 'free=0'],
  'select-many-cases': ['fired*1000+value=777005', 'freed=1000'],
  'gen-new-bad': ['fn NULL=NULL', 'elem 0=NULL', 'elem SIZE_MAX=NULL', 'elem 1GiB=NULL', 'producers spawned=0'],
  'gen-null-args': ['next(NULL)=EINVAL', 'next(g, NULL)=EINVAL', 'next=0', 'value=0', 'free(NULL)=EINVAL', 'free=0',
    'next after yield(NULL)=0', 'yield(NULL)=EINVAL value=10', 'next at the end=ECLOSED', 'free=0'],
  'gen-yield-wrong': ['yield in main=EINVAL', 'yield in a plain coroutine=EINVAL', roundTrip],
  'gen-next-in-producer': ["producer's next=EDEADLK consumer's next=1", 'free=0'],
  'gen-free-twice': ['free=0', 'free again=EINVAL', roundTrip],
  'gen-free-handed': ['free=0', 'consumer got=321', roundTrip],
  'gen-free-blocked-consumer': ['free=0', 'consumer got=ECLOSED', roundTrip],
  'gen-exhausted': ['sum=1 end=ECLOSED', 'next again=ECLOSED', 'free=0'],
  'gen-producer-exit': ['first=0', 'after weft_exit=ECLOSED', 'free=0'],
  'gen-cancel-consumer': ['cancelled consumer=ECANCELED', 'next=0', 'value=0', 'free=0'],
  'gen-many': ['made=1000 took=1000 freed=1000 live=1'],
  'mutex-null': ['lock(NULL)=EINVAL', 'unlock(NULL)=EINVAL', 'free(NULL)=EINVAL', 'lock=0', 'unlock=0', 'free=0'],
  'mutex-exited-holder': ["holder's lock=0", 'next coroutine: lock=EDEADLK unlock=EINVAL',
    "another coroutine's lock=EDEADLK", "main's lock=EDEADLK", "main's unlock=EINVAL", 'free=0'],
  'mutex-wrong-unlock': ['unlock by another=EINVAL', 'free while held=EBUSY', "waiter's wait names the holder=1",
    'free while waited on=EBUSY',
    "holder's unlock=0", 'waiter: lock=0 unlock=0', "main's lock=0", 'lock again=EDEADLK', 'unlock=0',
    'unlock again=EINVAL', 'free=0'],
  'mutex-handover-cancel': ['waiter: lock=0 unlock=0', 'free=0'],
  'mutex-waiter-deadline': ['lock past the deadline=ETIMEDOUT', "holder's unlock=0", 'free=0'],
  'mutex-many': ['ok=30000 of 30000'],
  'sem-bad': ['new(-1)=NULL', 'new(INT_MIN)=NULL', 'acquire(NULL)=EINVAL', 'release(NULL)=EINVAL', 'free(NULL)=EINVAL',
    'release=0', 'acquire=0', 'free=0'],
  'sem-overflow': ['new(INT_MAX)=object', 'release at INT_MAX=EINVAL', 'acquire=0', 'release=0', 'free=0'],
  'sem-free-waited': ['free while waited on=EBUSY', 'cancelled waiter=ECANCELED', 'release=0', 'free=0',
    'woken waiter=0'],
  'event-null': ['set(NULL)=EINVAL', 'clear(NULL)=EINVAL', 'wait(NULL)=EINVAL', 'free(NULL)=EINVAL',
    'wait unset in a scope=ETIMEDOUT', 'set=0', 'set again=0', 'wait=0', 'free=0'],
  'event-free-waited': ['free while waited on=EBUSY', 'set=0', 'free=0', 'waiter 0=0', 'waiter 1=0', 'waiter 2=0'],
  'waitgroup-null': ['add(NULL, 1)=EINVAL', 'done(NULL)=EINVAL', 'wait(NULL)=EINVAL', 'free(NULL)=EINVAL',
    'done at 0=EINVAL', 'add(INT_MIN)=EINVAL', 'wait at 0=0', 'free=0'],
  'waitgroup-overflow': ['add(INT_MAX)=0', 'add(1)=EINVAL', 'add(INT_MAX)=EINVAL', 'free while waited on=EBUSY',
    'add(-INT_MAX)=0', 'free=0', 'waiter=0'],
  'group-null': ['spawn(NULL)=EINVAL', 'wait(NULL)=EINVAL', 'cancel(NULL)=EINVAL', 'free(NULL)=EINVAL',
    'spawn fn NULL=EINVAL', 'spawn stack 1=EINVAL', 'spawn flags ~0=EINVAL', 'spawn ok=1', 'wait=0', 'wait again=0',
    'cancel with none=0', 'free=0'],
  'group-two-waiters': ['child succeeds: waiter a=0 waiter b=0', 'free=0', 'child fails: waiter a=EPIPE waiter b=EPIPE',
    'free=0'],
  'group-wait-in-child': ["wait (the child's error)=EDEADLK", 'free=0'],
  'group-free-woken': ['free before the waiter resumed=EBUSY', 'waiter=0', 'free=0'],
  'group-waiter-cancel': ['cancelled waiter=ECANCELED other waiter=0', 'free=0'],
  'group-many-children': ['spawned=1000', 'wait=0', 'wait with a failure=ENET', 'cancel after=0', 'free=0', 'live=1'],
  'group-cancel': ['free with children=EBUSY', 'cancel=0', 'cancel again=0',
    'wait (cancelled children are no failure)=0', 'free=0'],
};

/** Out of memory: only in the build whose heap stops at 64 MiB. */
const oomCases = {
  'oom-channels': ['1 MiB channels until NULL: some=1 all=0', 'freed all=1', roundTrip],
  'oom-select': ['select=ENOMEM', 'free (no wait left behind)=0', roundTrip],
  'oom-objects': ['mutexes until NULL: 1', 'freed all=1', 'generators until NULL: 1', 'freed all=1',
    `live=1 ${roundTrip}`],
  'oom-group': ['spawned some=1 then ENOMEM', 'wait=0', 'free=0', roundTrip],
};

/** Scenarios that end in the deadlock report: what it must say. */
const deadlocks = {
  'select-deadlock-empty': /#1 "main" waits for select over no channel/,
  'select-deadlock-nil': /#1 "main" waits for select over no channel/,
  'select-deadlock-infinite': /#1 "main" waits for receive on channel 0x[0-9a-f]+/,
  'mutex-exited-holder-waiter': /"waiter" waits for mutex held by #\d+ "holder"/,
};

const text = (r) => [...r.stdout, ...r.stderr, r.error ? String(r.error.stack ?? r.error) : ''].join('\n');

// (ASan's "WARNING: ... failed to allocate" for a request that cannot be
// met is expected: the program asks for 4 GiB on purpose.)
function assertClean(r) {
  assert.doesNotMatch(text(r), /ERROR: AddressSanitizer|heap-use-after-free|heap-buffer-overflow/, text(r));
}

async function check(program, name, want) {
  const r = await runProgram(program, [name]);
  assertClean(r);
  assert.equal(r.error, undefined, text(r));
  assert.equal(r.status, 0, text(r));
  assert.deepEqual(r.stdout, [...want, noLeft], text(r));
  assertNoLeaks(r.program);
}

for (const [name, want] of Object.entries(cases)) {
  test(`lib: ${name}`, () => check('adv-lib', name, want));
  test(`lib under ASan: ${name}`, () => check('adv-lib-asan', name, want));
}

for (const [name, want] of Object.entries(oomCases)) {
  test(`lib out of memory: ${name}`, () => check('adv-lib-small', name, want));
}

for (const [name, report] of Object.entries(deadlocks)) {
  for (const program of ['adv-lib', 'adv-lib-asan']) {
    test(`lib deadlock report${program.endsWith('asan') ? ' under ASan' : ''}: ${name}`, async () => {
      const r = await runProgram(program, [name]);
      assertClean(r);
      assert.equal(r.status, undefined, `the run must not end normally: ${text(r)}`);
      assert.equal(r.error?.code, 'WEFT_EDEADLK', text(r));
      assert.match(r.error.message, report);
      assert.ok(!r.stdout.some((l) => l.includes('returned')), 'the wait did not end');
      assertNoLeaks(r.program);
    });
  }
}

// Calls made from JS, outside any coroutine: the suspending ones return
// WEFT_ENOTCO and do nothing, before the program runs and after it ended.
const outside = [
  ['weft_chan_send', codes.ENOTCO], ['weft_chan_recv', codes.ENOTCO], ['weft_select', codes.ENOTCO],
  ['weft_select with no cases', codes.ENOTCO], ['weft_gen_next', codes.ENOTCO], ['weft_gen_yield', codes.ENOTCO],
  ['weft_mutex_lock', codes.ENOTCO], ['weft_sem_acquire', codes.ENOTCO], ['weft_event_wait', codes.ENOTCO],
  ['weft_waitgroup_wait', codes.ENOTCO], ['weft_group_wait', codes.ENOTCO],
  ['weft_chan_close', 0], ['weft_mutex_unlock (not held)', codes.EINVAL], ['weft_sem_release', 0],
  ['weft_event_set', 0], ['weft_waitgroup_add and done', 0], ['weft_group_cancel', 0],
];

for (const program of ['adv-lib', 'adv-lib-asan']) {
  test(`lib outside any coroutine${program.endsWith('asan') ? ' under ASan' : ''}: ${outside.length} calls`, async () => {
    const calls = (p) => outside.map((_, k) => p.module._adv_outside(k));
    const want = outside.map(([, rc]) => rc);
    let before;
    const r = await runProgram(program, ['outside'], { setup: (p) => { before = calls(p); } });
    assertClean(r);
    assert.equal(r.status, 0, text(r));
    assert.deepEqual(r.stdout, ['main ran']);
    assert.deepEqual(before, want, outside.map(([n]) => n).join(', '));
    assert.deepEqual(calls(r.program), want, 'after the program ended too');
    await new Promise((resolve) => setImmediate(resolve)); // the cancelled producer of weft_gen_next's case ends
    assertNoLeaks(r.program);
  });
}
