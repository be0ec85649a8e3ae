// toolkit.test.mjs — channels, select and generators (wasm-tests/toolkit.c),
// and the C twin of the seed's question (examples/seed.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../runtime/js/weft.mjs';
import { runProgram, buildDir } from './helpers.mjs';

const closed = 'closed: read after the end, or channel closed and drained';

test('channels: FIFO, values copied, close semantics distinct for senders and receivers', async () => {
  const r = await runProgram('toolkit', ['channels']);
  assert.equal(r.status, 0);
  const items = '[0 item 0] [1 item 1] [2 item 2] [3 item 3] [4 item 4]';
  assert.deepEqual(r.stdout, [
    `cap 0: ${items} then ${closed}`,
    'send on closed = send on a closed channel',
    'close again = invalid argument',
    'free = success',
    `cap 3: ${items} then ${closed}`,
    'send on closed = send on a closed channel',
    'close again = invalid argument',
    'free = success',
    `drain 1 2 then ${closed}`,
    'free while waited on = busy: already being joined, or waited on',
    `woken by close: receiver ${closed}, sender send on a closed channel`,
    'bad: new(0)=1 new(huge)=1 send(NULL)=invalid argument',
  ]);
});

test('select: fair among ready cases, timeout, non-blocking default, mixed send and receive', async () => {
  const r = await runProgram('toolkit', ['select']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'fair: both picked often: 1',
    'nothing ready, no wait = nothing ready (non-blocking select)',
    'timeout = deadline or timeout expired after>=30:1',
    'blocked select: case 1 result success value 42',
    'bad case = invalid argument',
    'nil channel, no wait = nothing ready (non-blocking select)',
  ]);
});

test('generators: values one at a time; letting go early cancels the producer, which cleans up', async () => {
  const r = await runProgram('toolkit', ['generators']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'took 0+1+2 = 3',
    'producer stopped by: cancelled',
    'producer cleaned up: 1, live: 1',
    'yield outside a producer = invalid argument',
  ]);
});

test('examples/seed.c gets the 5 and the 6 out of a two-deep generator chain', async () => {
  const out = [];
  const program = await load(new URL('examples/seed.mjs', buildDir), { stdout: (l) => out.push(l) });
  assert.equal(await program.run(), 0);
  assert.deepEqual(out, ['Got 5 from the coroutine.', 'Got 6 from the coroutine.', 'The generator is done.']);
});

const busy = 'busy: already being joined, or waited on';

test('mutex, semaphore, event and wait group: FIFO, exclusive, errors', async () => {
  const r = await runProgram('toolkit', ['sync']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'lock twice = deadlock: the wait could never end',
    `free while held = ${busy}`,
    'mutex order 01234',
    'mutex counter=200 max_holders=1',
    'unlock not held = invalid argument',
    'after cancelling waiter 1: order 02',
    'free = success',
    'semaphore max holders=2',
    'before set woke=0',
    'after set woke=3',
    'wait on a set event = success',
    'wait on a cleared event = deadline or timeout expired',
    'wait group done after 3 workers',
    'add below zero = invalid argument',
  ]);
});

test('groups: wait for all; the first failure cancels siblings; no child outlives a deadline', async () => {
  const r = await runProgram('toolkit', ['groups']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, [
    'all succeed = success',
    `free while children live = ${busy}`,
    'first failure = invalid argument',
    'siblings cancelled and cleaned up: 3, quickly: 1',
    'free = success',
    'wait past the deadline = deadline or timeout expired',
    'children waited for: cleanups=2 live=1',
  ]);
});
