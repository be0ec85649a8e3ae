// introspect.test.mjs — program.list() and program.dump() from JS, Ctrl-C
// (SIGINT) in Node printing the table and ending the process as Node
// would, and the stalled report at an unsettled exit printing it too
// (wasm-tests/introspect.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runProgram, buildDir, assertNoLeaks } from './helpers.mjs';

const program = new URL('tests/introspect.mjs', buildDir);
const weft = new URL('../runtime/js/weft.mjs', import.meta.url);

test('program.list() shows each coroutine, its state and what it waits for; dump() prints the table', async () => {
  let seen, prog;
  const r = await runProgram(program, ['snapshot'], {
    setup: (p) => { prog = p; },
    functions: {
      snapshot: () => {
        seen = prog.list();
        prog.dump();
        return seen.length;
      },
    },
  });
  assert.equal(r.error, undefined, r.error?.stack);
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout, ['snapshot rc=0 n=4']);
  assert.deepEqual(seen.map((c) => [c.id, c.name, c.state]),
    [[1, 'main', 'running'], [2, 'sleeper', 'blocked'], [3, 'receiver', 'blocked'], [4, 'runner', 'ready']]);
  assert.match(seen[1].waits, /^sleep until \d+\.\d ms/);
  assert.match(seen[2].waits, /^receive on channel 0x[0-9a-f]+$/);
  assert.equal(seen[0].waits, '');
  assert.equal(seen[3].waits, '');
  for (const c of seen) {
    assert.deepEqual(Object.keys(c), ['id', 'name', 'state', 'waits', 'saveBytes', 'stackBytes']);
    assert.ok(Number.isInteger(c.saveBytes) && c.saveBytes >= 0 && Number.isInteger(c.stackBytes) && c.stackBytes > 0, JSON.stringify(c));
  }
  assert.equal(r.stderr[0], 'weft: 4 coroutine(s)');
  assert.match(r.stderr[1], /^\s+id\s+name\s+state\s+save B\s+stack B\s+waits for$/);
  assert.match(r.stderr[3], /^\s+2 {2}sleeper\s+ {2}blocked\s+\d+\s+\d+ {2}sleep until/);
  assert.match(r.stderr[4], /^\s+3 {2}receiver\s+blocked .*receive on channel/);
  assert.equal(r.stderr.length, 6);
  assert.deepEqual(r.program.list(), [], 'after the end: none');
  assertNoLeaks(r.program);
});

/** Run `node -e script` in a child; resolves with its output and how it ended. */
function child(script, onStdout) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d) => { stdout += d; onStdout?.(stdout, c); });
    c.stderr.on('data', (d) => { stderr += d; });
    c.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('Ctrl-C (SIGINT) in Node prints the table of coroutines, then ends the process as Node would', { timeout: 30000 }, async () => {
  const script = `import { run } from ${JSON.stringify(weft.href)};
await run(${JSON.stringify(program.href)}, { args: ['forever'] });`;
  let sent = false;
  const r = await child(script, (out, c) => {
    if (!sent && out.includes('sleeping')) { sent = true; c.kill('SIGINT'); }
  });
  assert.ok(sent, r.stderr);
  assert.ok(r.signal === 'SIGINT' || r.code === 130, `ended by ${r.signal ?? r.code}:\n${r.stderr}`);
  assert.match(r.stderr, /^weft: interrupted \(SIGINT\): 2 coroutine\(s\)\n/);
  assert.match(r.stderr, /\n\s+1 {2}main\s+blocked .*sleep until/);
  assert.match(r.stderr, /\n\s+2 {2}napper\s+blocked .*sleep until/);
});

test('the SIGINT listener lives only while the program runs', async () => {
  const before = process.listenerCount('SIGINT'), beforeExit = process.listenerCount('beforeExit');
  let during;
  const r = await runProgram(program, ['snapshot'], { functions: { snapshot: () => { during = process.listenerCount('SIGINT'); return 0; } } });
  assert.equal(r.status, 0);
  assert.equal(during, before + 1);
  assert.equal(process.listenerCount('SIGINT'), before, 'removed when run() settled');
  assert.equal(process.listenerCount('beforeExit'), beforeExit);
});

test('an unsettled exit (Node\'s event loop drained) prints the table before the stalled report', { timeout: 30000 }, async () => {
  const script = `import { load } from ${JSON.stringify(weft.href)};
const p = await load(${JSON.stringify(program.href)}, { functions: { never: () => new Promise(() => {}) } });
try { await p.run(['stall']); } catch (e) { console.log(e.code); console.log(e.message); }`;
  const r = await child(script);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^weft: stalled: 1 coroutine\(s\)\n.*waits for\n\s+1 {2}main\s+blocked .*JS call never\n/);
  assert.match(r.stdout, /^WEFT_EDEADLK\n.*stalled.*\n {2}#1 "main" waits for JS call never/);
});
