// cc.test.mjs — weft-cc, the compile wrapper: its arguments and errors, the
// Asyncify instrumentation it chooses (a suspension through a function
// pointer works by default; --ignore-indirect needs --suspends), and a
// program linked without Asyncify.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runProgram, buildDir } from './helpers.mjs';

const cc = fileURLToPath(new URL('../bin/weft-cc.mjs', import.meta.url));
const source = fileURLToPath(new URL('indirect.c', import.meta.url));
let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'weft-cc-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const weftCc = (...args) => {
  const r = spawnSync(process.execPath, [cc, ...args], { encoding: 'utf8', cwd: dir });
  return { status: r.status, out: r.stdout + r.stderr };
};
/** Compile indirect.c with these weft-cc options into the scratch folder. */
function build(name, ...options) {
  const r = weftCc(...options, source, '-o', `${name}.mjs`);
  assert.equal(r.status, 0, r.out);
  return { url: pathToFileURL(join(dir, `${name}.mjs`)), out: r.out };
}

const correct = ['worker 1 starts', 'worker 2 starts', 'worker 1 got 40', 'worker 2 got 80', 'twice: 20'];

test('weft-cc explains its usage and refuses bad arguments with a clear message', () => {
  const help = weftCc('--help');
  assert.equal(help.status, 0);
  assert.match(help.out, /usage: weft-cc \[options\] file\.c\.\.\. -o out\.mjs/);
  assert.match(help.out, /--ignore-indirect/);
  const noOut = weftCc(source);
  assert.equal(noOut.status, 2);
  assert.match(noOut.out, /^weft-cc: no output named \(-o out\.mjs\)/);
  const wasm = weftCc(source, '-o', 'x.wasm');
  assert.equal(wasm.status, 2);
  assert.match(wasm.out, /the output must be an ES module \(out\.mjs\), not x\.wasm/);
  const missing = weftCc('no-such-file.c', '-o', 'x.mjs');
  assert.notEqual(missing.status, 0);
  assert.match(missing.out, /no-such-file\.c/);
});

test('weft-cc checks the Emscripten it runs: EMCC names it, and one older than 3.1.6 is refused', () => {
  const fake = join(dir, 'old-emcc');
  writeFileSync(fake, '#!/bin/sh\necho "emcc (Emscripten gcc/clang-like replacement) 2.0.31 (abc)"\n');
  chmodSync(fake, 0o755);
  const old = spawnSync(process.execPath, [cc, source, '-o', 'x.mjs'], { encoding: 'utf8', cwd: dir, env: { ...process.env, EMCC: fake } });
  assert.equal(old.status, 2);
  assert.match(old.stderr, /^weft-cc: Emscripten 2\.0\.31 is older than 3\.1\.6, the oldest weft supports/);
  const none = spawnSync(process.execPath, [cc, source, '-o', 'x.mjs'], { encoding: 'utf8', cwd: dir, env: { ...process.env, EMCC: join(dir, 'nowhere/emcc') } });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /nowhere\/emcc was not found: install Emscripten .* or name it with EMCC=/);
  // The version it reports decides which runtime is linked: the prebuilt
  // library only with the version that built it, else the sources.
  const other = join(dir, 'other-emcc');
  writeFileSync(other, '#!/bin/sh\necho "emcc (Emscripten gcc/clang-like replacement) 9.9.9 (abc)"\n');
  chmodSync(other, 0o755);
  const flags = spawnSync(process.execPath, [cc, '--print-flags', source, '-o', 'x.mjs'],
    { encoding: 'utf8', cwd: dir, env: { ...process.env, EMCC: other, WEFT_LIB: '' } });
  assert.equal(flags.status, 0, flags.stderr);
  assert.match(flags.stdout, /other-emcc .*runtime\/src\/core\/sched\.c/);
  assert.doesNotMatch(flags.stdout, /libweft\.a/);
});

test('weft-cc refuses Emscripten\'s own Asyncify APIs at link time, naming the weft replacement', () => {
  const src = join(dir, 'async.c');
  writeFileSync(src, `#include <emscripten.h>
EM_ASYNC_JS(int, slow_double, (int x), { await null; return x * 2; });
int main(void) { emscripten_wget("a", "b"); return slow_double(21); }
`);
  const r = weftCc(src, '-o', 'async.mjs');
  assert.equal(r.status, 2, r.out);
  assert.match(r.out, /^weft-cc: /m); // (emcc may print cache lines first, on a cold cache)
  assert.match(r.out, /EM_ASYNC_JS slow_double suspends through Emscripten's own Asyncify, which would corrupt weft's coroutines; declare the function with WEFT_JS_FUNCTION and call it with weft_call/);
  assert.match(r.out, /emscripten_wget(_data)? suspends through Emscripten's own Asyncify, .*; use weft_fetch and weft_response_body/);
  assert.ok(!existsSync(join(dir, 'async.mjs')) && !existsSync(join(dir, 'async.wasm')), 'no output is left behind');
});

test('weft-cc merges the user\'s export and Asyncify lists with its own', () => {
  const flags = weftCc('--print-flags', '-sEXPORTED_FUNCTIONS=_mine', '-s', 'ASYNCIFY_REMOVE=slow_path', 'a.c', '-o', 'a.mjs', '-O3').out;
  assert.match(flags, /-sEXPORTED_FUNCTIONS=_weft__boot,[^ ]*,_mine\s/);
  assert.match(flags, /-sASYNCIFY_REMOVE=weft__boot,[^ ]*,slow_path'? /);
  assert.match(flags, / -O3 /);
  assert.doesNotMatch(flags, /-O2/);
  assert.doesNotMatch(flags, /IGNORE_INDIRECT/);
  const lean = weftCc('--print-flags', '--ignore-indirect', '--suspends=f,g', 'a.c', '-o', 'a.mjs').out;
  assert.match(lean, /-sASYNCIFY_IGNORE_INDIRECT '?-sASYNCIFY_REMOVE=[^ ]* -sASYNCIFY_ADD=export_entry_run,f,g /);
});

test('by default a suspension through a function pointer works: indirect calls are instrumented', async () => {
  const r = await runProgram('indirect');
  assert.equal(r.status, 0, r.stderr.join('\n'));
  assert.deepEqual(r.stdout, correct);
});

test('the default instruments only what can reach a suspend point', () => {
  // (weft-cc runs Binaryen on one thread for -sASYNCIFY_ADVISE: on several,
  // its report's lines can splice into each other and lose a name.)
  const { out } = build('advise', '-sASYNCIFY_ADVISE');
  assert.doesNotMatch(out, /\[asyncify\][^\n]*\[asyncify\]/, 'one report line per function');
  const instrumented = new Set([...out.matchAll(/\[asyncify\] (\S+) can change the state/g)].map((m) => m[1]));
  // (Binaryen inlines call_through into its callers and weft_sleep into nap.)
  for (const f of ['worker', 'nap', 'weft_join', 'export_entry_run']) assert.ok(instrumented.has(f), `${f} is instrumented`);
  // main(void), under the name its compiler gives it (clang 22: __original_main).
  const mains = ['main', '__original_main', '__main_void', '__main_argc_argv'].filter((f) => instrumented.has(f));
  assert.ok(mains.length > 0, 'main is instrumented');
  // Reached only through functions on weft-cc's remove list (stdio, the
  // scheduler): without the list, Asyncify instruments these too.
  for (const f of ['twice', 'weft_spawn', 'iprintf', 'vfiprintf', 'weft__tick', 'weft__boot']) {
    assert.ok(!instrumented.has(f), `${f} is not instrumented`);
  }
});

test('--ignore-indirect without --suspends breaks this program (so the tests above exercise something)', async () => {
  const r = await runProgram(build('lean', '--ignore-indirect').url);
  // The uninstrumented caller runs on through the unwind, then from the top again.
  assert.notDeepEqual(r.stdout, correct);
  assert.equal(r.stdout.filter((l) => l === 'worker 1 starts').length, 2);
});

test('--ignore-indirect with --suspends naming the chain works again', async () => {
  const r = await runProgram(build('named', '--ignore-indirect', '--suspends=call_through,worker').url);
  assert.equal(r.status, 0, r.stderr.join('\n'));
  assert.deepEqual(r.stdout, correct);
});

test('a program linked without Asyncify runs until it would suspend, then stops with a clear message', async () => {
  const url = new URL('bench/sha256-noasyncify.mjs', buildDir);
  const ok = await runProgram(url, ['noyield', '1', '1']);
  assert.equal(ok.status, 0);
  assert.match(ok.stdout[0], /^sha256 mib=1 .* digest=[0-9a-f]{64}$/);
  const stopped = await runProgram(url, ['yield', '1', '1']);
  assert.equal(stopped.error?.code, 'WEFT_ENOASYNC', 'main was stopped with its own code: run() rejects');
  assert.match(stopped.error.message, /coroutine #1 "main" was stopped: this program was linked without -sASYNCIFY, so it cannot suspend/);
  assert.deepEqual(stopped.stdout, []);
  assert.match(stopped.stderr.join('\n'), /coroutine #1 "main" was stopped: this program was linked without -sASYNCIFY, so it cannot suspend/);
});

test('weft-cc --jspi links without the Asyncify pass, with the JSPI library and entry points; not with --debug', () => {
  const flags = weftCc('--jspi', '--print-flags', source, '-o', 'j.mjs');
  assert.equal(flags.status, 0, flags.out);
  assert.doesNotMatch(flags.out, /-sASYNCIFY/);
  assert.match(flags.out, /-DWEFT_JSPI/);
  assert.match(flags.out, /_weft__co_run/);
  assert.match(flags.out, /libweft-jspi\.a|switch_jspi\.c/);
  const plain = weftCc('--print-flags', source, '-o', 'a.mjs');
  assert.match(plain.out, /-sASYNCIFY /);
  assert.doesNotMatch(plain.out, /WEFT_JSPI|_weft__co_run|libweft-jspi/);
  const debug = weftCc('--jspi', '--debug', source, '-o', 'd.mjs');
  assert.equal(debug.status, 2);
  assert.match(debug.out, /--jspi and --debug do not go together/);
});

test('a --jspi build of indirect.c runs where the engine has JSPI', {
  skip: typeof WebAssembly.Suspending !== 'function' && 'this engine has no JSPI (Node >= 25 runs it)',
}, async () => {
  const { url } = build('jspi-indirect', '--jspi');
  const r = await runProgram(url);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, correct);
});
