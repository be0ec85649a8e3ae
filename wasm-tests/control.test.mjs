// control.test.mjs — cancellation, deadline scopes, introspection and the
// event hook (wasm-tests/control.c), with the host resources each one must
// release counted afterwards: ops, handles, timers, server connections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProgram, assertNoLeaks, backend } from './helpers.mjs';
import { startFixture } from './http-fixture.mjs';

let fx;
before(async () => { fx = await startFixture(); });
after(async () => { await fx.close(); });

const functions = { never: () => new Promise(() => {}) };
const run = (scenario) => runProgram('control', [scenario, fx.url], { functions });
const noLeaks = assertNoLeaks;

/** The server sees the aborted requests' connections close. */
async function serverSettles() {
  for (let i = 0; i < 3000 && fx.stats.active > 0; i++) await sleep(10); // a wait for the condition
  assert.equal(fx.stats.active, 0, 'a cancelled fetch kept its connection open');
}

test('cancel: current and later suspending calls return WEFT_ECANCELED, cleanup runs, waits are released', async () => {
  const r = await run('cancel');
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'before: sleeping=1 host_timers=0',
    'cancel = success',
    'sleep = cancelled',
    'sleep again = cancelled',
    'yield = cancelled',
    'join = cancelled',
    'join cancelled = success',
    'after: result=7 cleaned=1 sleeping=0',
    'join = cancelled',
    'sleep = cancelled',
    'sleep again = cancelled',
    'yield = cancelled',
    'join = cancelled',
    'join b after its joiner was cancelled = success',
    'in flight: host_ops=2',
    'fetch = cancelled',
    'call = cancelled',
    'released: host_ops=0',
    'first sleep = cancelled',
    'cancel self = success',
    'sleep after cancelling self = cancelled',
    'cancel unknown = not found (no such coroutine, export, header or index)',
  ]);
  noLeaks(r.program);
  await serverSettles();
});

test('deadline scopes: the earliest wins, expiry is WEFT_ETIMEDOUT, distinct from cancellation', async () => {
  const r = await run('scopes');
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'sleep in 40 ms scope = deadline or timeout expired after_ms>=40:1 cut_short:1',
    'sleep past the deadline = deadline or timeout expired',
    'exit expired = 1',
    'sleep after the scope = success',
    'nested sleep = deadline or timeout expired',
    'inner exit = 0',
    'outer exit = 1',
    'short sleep in a long scope = success',
    'exit not expired = 0',
    'join in scope = deadline or timeout expired',
    'join after the scope = success',
    'fetch in scope = deadline or timeout expired',
    'call in scope = deadline or timeout expired',
    'after scopes: host_ops=0 sleeping=0',
    'exit foreign scope = invalid argument',
    'negative scope = invalid argument',
  ]);
  noLeaks(r.program);
  await serverSettles();
});

test('introspection lists every coroutine with its state and what it waits for', async () => {
  const saved = backend === 'jspi' ? 0 : 1;
  const r = await run('introspect');
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'count=5',
    // (On JSPI the engine keeps a suspended coroutine's frames: only a
    // compact one, #4, has a save area, for its copy of the shared stack.)
    `#1 main state=1 waits=[] save>0:${saved} stack>0:1`,
    `#2 napper state=2 waits=[sleep until] save>0:${saved} stack>0:1`,
    `#3 waiter state=2 waits=[join of #2 "napper"] save>0:${saved} stack>0:1`,
    '#4 promiser state=2 waits=[JS call never] save>0:1 stack>0:1',
    '#5 fresh state=0 waits=[] save>0:0 stack>0:1',
    'call = cancelled',
    'after count=1',
  ]);
  const table = r.stderr.join('\n');
  assert.match(table, /weft: 5 coroutine\(s\)/);
  assert.match(table, /2 +napper +blocked +\d+ +16384 +sleep until [\d.]+ ms \(in [\d.]+ ms\)/);
  assert.match(table, /4 +promiser +blocked +\d+ +\d+ +JS call never/);
  noLeaks(r.program);
});

test('the event hook sees spawn, resume, suspend (with its wait kind) and exit', async () => {
  const r = await run('hook');
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['events: spawn:0 resume:0 suspend:1 resume:0 exit:0 ']);
});
