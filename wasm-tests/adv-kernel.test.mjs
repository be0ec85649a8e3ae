// adv-kernel.test.mjs — the kernel's adversarial catalogue
// (wasm-tests/adv-kernel.c): every public function of the scheduler and the
// JS entry points load() and run(), fed NULL, garbage, boundary values,
// exhaustion and faults. Each case asserts the documented result, that the
// program still works afterwards, and that nothing leaked (weft_get_stats,
// the C heap, the host's handles, ops and timers). Scenarios check
// whole-program outcomes: a fault nobody takes fails run(); returning from
// main or exit() ends the program and releases what it held; hangs end in a
// report; output is never lost. Some run in a child Node process, to see
// how that process ends. WEFT_LONG=1 adds the soak (10M spawn/exit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runProgram, assertNoLeaks, buildDir, backend } from './helpers.mjs';
import { load, codes } from '../runtime/js/weft.mjs';

const functions = { never: () => new Promise(() => {}), text: () => Promise.resolve('settled text') };
// A hang is a failure of its own test, not of the whole file.
const T = { timeout: 120000 };
const program = (name = 'adv-kernel') => new URL(`tests/${name}.mjs`, buildDir);
const runCase = (args, opts = {}, build = 'adv-kernel') => runProgram(program(build), args, { functions, ...opts });

// ---- the cases: one C function each, listed in adv-kernel.c's table ----
const source = readFileSync(new URL('adv-kernel.c', import.meta.url), 'utf8');
const caseNames = [...source.matchAll(/\{"([a-z0-9-]+)", case_\w+, \d\}/g)].map((m) => m[1]);
const only = { 'oom-spawn': 'adv-kernel-64mb' }; // cases that need a build of their own
// On JSPI, cases that spawn more coroutines than its default cap (12,000
// live) raise it (the engine's own limit is about twice that).
const setups = backend === 'jspi' ? { 'spawn-many': (p) => p.host.raw.weft__jspi_cap(20001) } : {};

function assertCaseClean(r, name) {
  assert.equal(r.error, undefined, `run() rejected: ${r.error?.message}\n${r.stderr.join('\n')}`);
  const bad = r.stdout.filter((l) => /^(FAIL|CORRUPT|LEAK)/.test(l));
  assert.deepEqual(bad, [], 'wrong results, corruption or leaks');
  assert.equal(r.stdout.filter((l) => l === 'works').length, 2, 'the program works before and after the case');
  assert.ok(r.stdout.includes(`done ${name} failures=0`), r.stdout.join('\n'));
  assert.equal(r.status, 0);
  assertNoLeaks(r.program);
}

test('the catalogue lists its cases', T, () => assert.ok(caseNames.length >= 40, `${caseNames.length} cases`));

for (const name of caseNames) {
  test(`kernel case ${name}`, T, async () => {
    const r = await runCase([name], { setup: setups[name] }, only[name] ?? 'adv-kernel');
    assertCaseClean(r, name);
    if (name === 'dump-many') {
      assert.ok(r.stderr.some((l) => /^weft: 1501 coroutine\(s\)$/.test(l)), r.stderr.slice(0, 3).join('\n'));
      assert.equal(r.stderr.filter((l) => /^ +\d+ +co\d+ +blocked .* sleep forever$/.test(l)).length, 1500);
    }
  });
}

// ---- outside any coroutine: JS calling kernel functions directly ----
test('kernel calls from JS, outside any coroutine: documented results, before and after run()', T, async () => {
  const p = await load(program(), { functions, stderr: () => {} });
  const outside = (what) => p.module._adv_outside(what);
  const want = () => ({
    sleep: outside(0), yield: outside(1), yieldHost: outside(2), join: outside(3), exit: outside(4),
    self: outside(5), nameNull: outside(6), scopeEnter: outside(7), scopeExit: outside(8),
    lastErrorEmpty: outside(9), cancel: outside(12), now: outside(14),
  });
  const expected = {
    sleep: codes.ENOTCO, yield: codes.ENOTCO, yieldHost: codes.ENOTCO, join: codes.ENOTCO, exit: codes.ENOTCO,
    self: 0, nameNull: 1, scopeEnter: codes.ENOTCO, scopeExit: codes.ENOTCO, lastErrorEmpty: 1,
    cancel: codes.ESRCH, now: 1,
  };
  assert.deepEqual(want(), expected);
  assert.equal(outside(10), 0, 'no coroutine before run()');
  assert.equal(await p.run(['idle']), 0);
  assert.deepEqual(want(), expected, 'after the program ended');
  assert.equal(outside(13), 0);
  outside(11); // weft_dump with nothing to list
  // A coroutine spawned from JS runs at the host's next turn.
  assert.ok(p.module._adv_spawn_from_js() > 0);
  for (let i = 0; i < 10000 && p.module._adv_from_js_ran() === 0; i++) await new Promise((r) => setTimeout(r, 1));
  assert.equal(p.module._adv_from_js_ran(), 1);
  assert.equal(await p.call('adv_ping'), 1, 'still serves calls');
  assertNoLeaks(p);
});

// ---- faults: a failure nobody takes fails the program ----
test('a coroutine that traps and is never joined fails run(), named', T, async () => {
  const r = await runCase(['fault-unjoined']);
  assert.equal(r.error?.code, 'WEFT_EHOST', r.stderr.join('\n'));
  assert.match(r.error.message, /#2 "victim"/);
  assert.match(r.error.message, /nothing took its failure/);
  assert.ok(r.stdout.includes('main returns'));
  assertNoLeaks(r.program);
});

test('a detached coroutine that traps fails run() at once; what others held is released', T, async () => {
  const r = await runCase(['fault-detached']);
  assert.equal(r.error?.code, 'WEFT_EHOST');
  assert.match(r.error.message, /#2 "victim"/);
  assert.ok(!r.stdout.includes('main woke'));
  assertNoLeaks(r.program); // the sleepers' timer, the JS call
  await assert.rejects(r.program.call('adv_ping'), { code: 'WEFT_EHOST', message: /program has stopped/ });
});

test('detaching a coroutine after it faulted gives its failure up: run() fails', T, async () => {
  const r = await runCase(['fault-detached-later']);
  assert.equal(r.error?.code, 'WEFT_EHOST');
  assert.match(r.error.message, /#2 "victim" was stopped: .*nothing took its failure/);
  assert.deepEqual(r.stdout, ['detach = success']);
  assertNoLeaks(r.program);
});

test('abort() in a detached coroutine fails run(), named', T, async () => {
  const r = await runCase(['fault-abort']);
  assert.equal(r.error?.code, 'WEFT_EHOST');
  assert.match(r.error.message, /"aborter"/);
  assert.match(r.error.message, /Abort/i);
  assertNoLeaks(r.program);
});

test('a failed assert() in an unjoined coroutine fails run(), with the assertion', T, async () => {
  const r = await runCase(['fault-assert']);
  assert.equal(r.error?.code, 'WEFT_EHOST');
  assert.match(r.error.message, /"asserter"/);
  assert.match(r.error.message + r.stderr.join('\n'), /Assertion failed/);
});

test('a fault that a join takes does not fail the program', T, async () => {
  const r = await runCase(['fault-joined']);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['join = JS exception or wasm trap in a coroutine']);
});

test('a fault that a group takes does not fail the program', T, async () => {
  const r = await runCase(['fault-group']);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['group = JS exception or wasm trap in a coroutine']);
});

test('a generator\'s consumer takes its producer\'s fault, once, then the end', T, async () => {
  const r = await runCase(['fault-generator']);
  assert.equal(r.status, 0, r.error?.message);
  assert.equal(r.stdout[0], 'next = success (1)');
  assert.match(r.stdout[1], /^next = JS exception or wasm trap in a coroutine: the generator's producer #\d+ was stopped/);
  assert.equal(r.stdout[2], 'next = closed: read after the end, or channel closed and drained');
  assertNoLeaks(r.program);
});

test('a producer\'s fault the consumer let go of without taking fails run()', T, async () => {
  const r = await runCase(['fault-generator-untaken']);
  assert.equal(r.error?.code, 'WEFT_EHOST', r.stderr.join('\n'));
  assert.match(r.error.message, /"generator" was stopped: .*nothing took its failure/);
  assert.deepEqual(r.stdout, ['next = success (1)']);
  assertNoLeaks(r.program);
});

test('a fault in a producer whose consumer let go fails run(): no one took it', T, async () => {
  const r = await runCase(['fault-generator-orphaned']);
  assert.equal(r.error?.code, 'WEFT_EHOST', r.stderr.join('\n'));
  assert.match(r.error.message, /"generator" was stopped: .*nothing took its failure/);
  assert.ok(!r.stdout.includes('main woke'));
  assertNoLeaks(r.program);
});

test('a trap in main fails run(), naming main', T, async () => {
  const r = await runCase(['fault-main']);
  assert.equal(r.error?.code, 'WEFT_EHOST');
  assert.match(r.error.message, /#1 "main"/);
});

// ---- the end of main ----
test('returning from main ends the program: the others are stopped, their timers and JS calls released', T, async () => {
  const r = await runCase(['main-returns']);
  assert.equal(r.status, 3, r.error?.message);
  assert.deepEqual(r.stdout, ['before return: live=9 host_ops=2 sleeping=4']);
  assertNoLeaks(r.program);
  assert.equal(await r.program.call('adv_live'), 1, 'only the call itself lives');
  assertNoLeaks(r.program);
});

test('a coroutine whose call settled but that never ran again leaves nothing held: main returned first', T, async () => {
  const r = await runCase(['settled-unrun']);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['main returns'], 'the caller was stopped before it ran');
  assertNoLeaks(r.program); // its settled text, held for a take that never came
  for (let i = 0; i < 3; i++) assert.equal(await r.program.call('adv_live'), 1, 'the program still serves calls');
  assertNoLeaks(r.program);
});

test('weft_exit() from main ends the program with its status', T, async () => {
  const r = await runCase(['main-exits']);
  assert.equal(r.status, 6, r.error?.message);
  assertNoLeaks(r.program);
});

test('exit() ends the program: status, flushed output, resources released; later calls reject', T, async () => {
  const r = await runCase(['exit-pending']);
  assert.equal(r.status, 4, r.error?.message);
  assert.deepEqual(r.stdout, ['exiting']);
  assertNoLeaks(r.program);
  await assert.rejects(r.program.call('adv_ping'), { message: /exited with status 4/ });
  await assert.rejects(r.program.call('adv_ping'), { message: /exited with status 4/ }, 'every time');
  await assert.rejects(r.program.iterate('adv_ping').next(), { message: /exited with status 4/ });
});

// ---- hangs end in a report ----
test('weft_sleep(INFINITY) with nothing else to do is a deadlock, reported', T, async () => {
  const r = await runCase(['sleep-forever']);
  assert.equal(r.error?.code, 'WEFT_EDEADLK');
  assert.match(r.error.message, /#1 "main" waits for sleep forever/);
});

test('a select with an infinite timeout and nothing else to do is a deadlock, reported', T, async () => {
  const r = await runCase(['select-forever']);
  assert.equal(r.error?.code, 'WEFT_EDEADLK');
  assert.match(r.error.message, /#1 "main" waits for/);
});

test('a deadlock rejects run() and the JS calls in flight; later calls reject', T, async () => {
  let pending;
  const r = await runCase(['deadlock-call'], {
    setup: (p) => { pending = p.call('adv_block'); pending.catch(() => {}); },
  });
  assert.equal(r.error?.code, 'WEFT_EDEADLK');
  assert.match(r.error.message, /"adv_block" waits for/);
  await assert.rejects(pending, { code: 'WEFT_EDEADLK' });
  await assert.rejects(r.program.call('adv_ping'), { code: 'WEFT_EDEADLK', message: /program has stopped/ });
  assertNoLeaks(r.program);
});

test('after main returned, a deadlock among JS-started coroutines rejects their calls', T, async () => {
  const p = await load(program(), { functions, stderr: () => {} });
  assert.equal(await p.run(['idle']), 0);
  const calls = [p.call('adv_block'), p.call('adv_block')];
  for (const c of calls) await assert.rejects(c, { code: 'WEFT_EDEADLK', message: /"adv_block" waits for/ });
  await assert.rejects(p.call('adv_ping'), { code: 'WEFT_EDEADLK', message: /program has stopped/ });
  assertNoLeaks(p);
});

test('a trap in the scheduler (a bad hook) fails run(); later calls reject instead of hanging', T, async () => {
  const r = await runCase(['hook-trap']);
  assert.ok(r.error, 'run() rejected');
  await assert.rejects(r.program.call('adv_ping'), { message: /program has stopped/ });
  assertNoLeaks(r.program);
});

// ---- JS entry points ----
test('run(): twice, or with arguments that are not a list, rejects; the program still runs', T, async () => {
  const p = await load(program(), { functions });
  await assert.rejects(p.run('idle'), { name: 'TypeError', message: /array/ });
  await assert.rejects(p.run(42), { name: 'TypeError' });
  await assert.rejects(p.run([{ toString() { throw new Error('hostile'); } }]), { message: /hostile/ });
  assert.equal(await p.run(['idle', 7, null]), 0);
  await assert.rejects(p.run(['idle']), { message: /already been run/ });
  assertNoLeaks(p);
});

test('load(): a missing module rejects with its URL', T, async () => {
  await assert.rejects(load(new URL('tests/no-such-program.mjs', buildDir)), /no-such-program/);
});

// ---- output is never lost ----
test('output: a partial last line reaches stdout at return', T, async () => {
  const r = await runCase(['out-partial']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['no newline']);
});

test('output: a partial last line reaches stdout at exit(0)', T, async () => {
  const r = await runCase(['out-exit']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['line', 'before exit']);
});

test('output: a partial line on stderr is not lost', T, async () => {
  const r = await runCase(['out-stderr']);
  assert.deepEqual(r.stderr, ['err partial']);
});

test('output: a partial line reaches the callback by the end of the host turn', T, async () => {
  let seen;
  globalThis.advMark = () => { seen = [...stdout]; }; // called when the program wakes
  const stdout = [];
  try {
    const p = await load(program(), { functions, stdout: (l) => stdout.push(l) });
    assert.equal(await p.run(['out-turn']), 0);
  } finally {
    delete globalThis.advMark;
  }
  assert.deepEqual(seen, ['waiting'], 'delivered while the program slept');
  assert.deepEqual(stdout, ['waiting', ' done']);
});

test('output: files of Emscripten\'s FS keep their own writes', T, async () => {
  const r = await runCase(['out-file']);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['wrote 9, read back: in a file']);
});

test('output: UTF-8 split across writes, and a 100 KB line', T, async () => {
  assert.deepEqual((await runCase(['out-utf8'])).stdout, ['héllo €']);
  const big = await runCase(['out-big']);
  assert.equal(big.stdout.length, 1);
  assert.equal(big.stdout[0].length, 100000);
});

// ---- in a child Node process: how the process ends ----
const weftUrl = new URL('../runtime/js/weft.mjs', import.meta.url).href;
function child(body) {
  const src = `import { load } from ${JSON.stringify(weftUrl)};
const program = await load(${JSON.stringify(program().href)}, { functions: { never: () => new Promise(() => {}) } });
${body}`;
  // The timeout only stops a child that would hang (the failure); a correct
  // run ends as soon as its work is done.
  return spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8', timeout: 120000 });
}

test('Node: a JS promise that never settles ends run() with a report, not a silent exit 13', T, () => {
  const c = child(`try { console.log('status', await program.run(['call-never'])); }
catch (e) { console.log('rejected', e.code); console.log(e.message); }`);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^rejected WEFT_EDEADLK/);
  assert.match(c.stdout, /#1 "main" waits for JS call never/);
});

test('Node: a program.call() that never settles rejects with a report when the event loop drains', T, () => {
  const c = child(`await program.run(['idle']);
try { await program.call('adv_never'); } catch (e) { console.log('rejected', e.code); console.log(e.message); }`);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /^rejected WEFT_EDEADLK/);
  assert.match(c.stdout, /"adv_never" waits for JS call never/);
});

test('Node: returning from main and exit() let the process end at once', T, () => {
  for (const [scenario, status] of [['main-returns', 3], ['exit-pending', 4]]) {
    const c = child(`process.exitCode = await program.run([${JSON.stringify(scenario)}]);`);
    assert.equal(c.status, status, `${scenario}: ${c.signal ?? ''} ${c.stderr}`);
  }
});

test('Node: without a stdout callback, output is written raw: \\r progress lines and partial lines', T, () => {
  const c = child(`process.exitCode = await program.run(['out-progress']);`);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, '\r0%\r33%\r66%\r99%\nend');
  assert.equal(c.stderr, 'E1\nE2');
});

test('Node: an unhandled fault makes the process fail at once, with the report', T, () => {
  const c = child(`await program.run(['fault-detached']);`);
  assert.equal(c.signal, null, 'it ended by itself');
  assert.equal(c.status, 1);
  assert.match(c.stderr, /#2 "victim" was stopped: .*nothing took its failure/);
});

// ---- faults of the switch, in builds made for them ----
for (const [scenario, victim] of [['overflow', 'greedy'], ['overflow-recursion', 'plunger']]) {
  test(`--debug build, ${scenario}: a caught stack overflow stops only that coroutine`, T, async () => {
    const r = await runCase([scenario], {}, 'adv-kernel-debug');
    assert.equal(r.status, 0, r.error?.message);
    assert.deepEqual(r.stdout, [`join ${victim} = coroutine overflowed its C stack`, 'works']);
    assert.ok(r.stderr.some((l) => new RegExp(`"${victim}" was stopped`).test(l)), r.stderr.join('\n'));
  });
}

test('recursion without end in a coroutine stops only that coroutine', T, async () => {
  const r = await runCase(['overflow-recursion']);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['join plunger = coroutine overflowed its C stack', 'works']);
});

test('a 400 KB main stack: an unwind that outgrows the scratch area is never silent', {
  ...T, skip: backend === 'jspi' && 'JSPI unwinds nothing: no scratch area',
}, async () => {
  const r = await runCase(['save-deep'], {}, 'adv-kernel-stack400');
  if (r.error) {
    // Refused, or the program failed loudly before anything could be trusted.
    assert.equal(r.error.code, 'WEFT_ESAVEAREA', r.error.message);
  } else {
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, ['join deep = coroutine stack did not fit its save area', 'join shallow = success',
      "main's data: intact", 'works']);
  }
  assert.ok(!r.stdout.includes("main's data: CORRUPT"));
});

test('AddressSanitizer reports from a coroutine are complete: frames with file:line, and summary', T, async () => {
  const r = await runCase(['asan-overflow'], {}, 'adv-kernel-asan');
  const err = r.stderr.join('\n');
  assert.match(err, /ERROR: AddressSanitizer: heap-buffer-overflow/);
  // (-g: weft-cc adds -gsource-map, and the host loads the map.)
  assert.match(err, /#0 0x[0-9a-f]+ in read_past \S*adv-kernel\.c:\d+:\d+/, err);
  assert.match(err, /#\d+ 0x[0-9a-f]+ in asan_victim \S*adv-kernel\.c:\d+/);
  assert.match(err, /allocated by thread T0 here:\n +#0 0x[0-9a-f]+ in malloc/);
  // (Its address, one byte before the access, may fall where the map has no line.)
  assert.match(err, /SUMMARY: AddressSanitizer: heap-buffer-overflow \S+ in read_past/);
  assert.match(err, /ABORTING/);
  assert.equal(r.status, 1, 'ASan ends the process with exit(1), like a native one');
  assert.deepEqual(r.stdout, []);
});

// ---- soak ----
test('soak: 10M spawn/exit keeps memory flat', { timeout: 3600000, skip: process.env.WEFT_LONG !== '1' && 'set WEFT_LONG=1' }, async () => {
  const r = await runCase(['soak', '10000000']);
  assert.equal(r.status, 0);
  const f = Object.fromEntries([...r.stdout[0].matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.equal(f.bad, 0);
  assert.ok(f.spawned >= 10000000);
  assert.equal(f.heap_now, f.heap_then, 'the C heap grew');
  assert.equal(f.memory_now, f.memory_then, 'the wasm memory grew');
  assertNoLeaks(r.program);
});
