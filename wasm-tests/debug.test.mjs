// debug.test.mjs — the builds C programmers debug with: wasm-tests/debug.c
// linked with -O0, -sASSERTIONS=1 and =2, -g and --debug (build.sh) loads
// and runs, and a fault in it is reported with the function it happened in;
// weft-cc says what it does with -sASSERTIONS; a module linked without
// weft-cc's flags fails with a message naming the flag; and the raw emcc
// command of docs/building.md is the one weft-cc runs, and works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runProgram, buildDir, backend } from './helpers.mjs';
import { debugLines, debugBuilds, checkFault } from './debug-checks.mjs';
import { load } from '../runtime/js/weft.mjs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const cc = join(root, 'bin/weft-cc.mjs');
let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'weft-debug-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const program = backend === 'jspi' ? null : buildDir;
for (const [name, named] of Object.entries(debugBuilds)) {
  test(`${name}: loads, runs and reports a fault ${named ? 'with the function it happened in' : ''}`, {
    skip: !program && 'the Asyncify builds (the JSPI one is below)',
  }, async () => {
    const r = await runProgram(name);
    assert.equal(r.status, 0, r.error?.message ?? r.stderr.join('\n'));
    assert.deepEqual(r.stdout, debugLines);
    assert.deepEqual(r.stderr, []);
    for (const what of ['assert', 'trap']) checkFault(await runProgram(name, [what]), what, named);
  });
}

test('a --jspi -O0 -g build runs where the engine has JSPI', {
  skip: typeof WebAssembly.Suspending !== 'function' && 'this engine has no JSPI (Node >= 25 runs it)',
}, async () => {
  const url = new URL('jspi/tests/debug-O0.mjs', buildDir);
  const r = await runProgram(url);
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, debugLines);
  for (const what of ['assert', 'trap']) checkFault(await runProgram(url, [what]), what, true);
});

const weftCc = (...args) => spawnSync(process.execPath, [cc, ...args], { encoding: 'utf8', cwd: dir });

test('weft-cc links with -sASSERTIONS=0, and says why when assertions were asked for', () => {
  for (const asked of [['-sASSERTIONS=1'], ['-s', 'ASSERTIONS=2'], ['-sASSERTIONS']]) {
    const r = weftCc('--print-flags', 'a.c', '-o', 'a.mjs', ...asked);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, / -sASSERTIONS=0\n$/);
    assert.doesNotMatch(r.stdout, /ASSERTIONS=[12]|ASSERTIONS /);
    assert.match(r.stderr, /^weft-cc: note: Emscripten's -sASSERTIONS cannot check weft programs .*so weft-cc links with -sASSERTIONS=0; --debug/);
  }
  for (const quiet of [['-O0'], ['-sASSERTIONS=0'], ['--debug']]) {
    const r = weftCc('--print-flags', 'a.c', '-o', 'a.mjs', ...quiet);
    assert.equal(r.stderr, '', `no note for ${quiet}`);
    assert.match(r.stdout, / -sASSERTIONS=0\n$/);
  }
  const asan = weftCc('--print-flags', '--runtime-src', '-g', '-fsanitize=address', 'a.c', '-o', 'a.mjs').stdout;
  assert.match(asan, / -gsource-map /, 'ASan reports get their file:line from a source map');
});

/** The raw command of docs/building.md's "Without weft-cc", as sh words. */
function documentedCommand() {
  const text = readFileSync(join(root, 'docs/building.md'), 'utf8');
  const section = text.slice(text.indexOf('## Without weft-cc'));
  const cmd = section.match(/```sh\n([\s\S]*?)```/)[1];
  return cmd;
}
const words = (cmd, env = {}) => {
  const r = spawnSync('sh', ['-c', `set -- ${cmd.replace(/\\\n/g, ' ')}\nprintf '%s\\n' "$@"`],
    { encoding: 'utf8', env: { ...process.env, ...env } });
  return r.stdout.trim().split('\n');
};

test('docs/building.md\'s raw emcc command is the one weft-cc runs', {
  skip: process.env.EMCC && 'the command names the default emcc',
}, () => {
  const doc = words(documentedCommand(), { WEFT: root }).filter((w) => !w.startsWith('NODE_PATH='));
  const flags = weftCc('--print-flags', 'app.c', '-o', 'app.mjs');
  assert.equal(flags.status, 0, flags.stderr);
  assert.deepEqual(doc, words(flags.stdout.trim()));
});

test('the raw emcc command builds a program that runs, with the system Node too', {
  skip: process.env.EMCC && 'the command names the default emcc',
}, async () => {
  copyFileSync(join(root, 'examples/quickstart.c'), join(dir, 'app.c'));
  const r = spawnSync('sh', ['-c', documentedCommand()], { cwd: dir, encoding: 'utf8', env: { ...process.env, WEFT: root } });
  assert.equal(r.status, 0, r.stderr);
  const out = await runProgram(pathToFileURL(join(dir, 'app.mjs')));
  assert.equal(out.status, 0, out.error?.message);
  assert.equal(out.stdout.at(-1), 'joined a and b');
});

test('a module linked without -sENVIRONMENT=web,worker fails in Node with a message naming the flag', {
  skip: process.env.EMCC && 'linked with the default emcc',
}, async () => {
  const flags = words(weftCc('--print-flags', join(root, 'examples/quickstart.c'), '-o', 'cjs.mjs').stdout.trim())
    .filter((w) => !/^-sENVIRONMENT=/.test(w));
  const r = spawnSync(flags[0], flags.slice(1), { cwd: dir, encoding: 'utf8',
    env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
  assert.equal(r.status, 0, r.stderr);
  await assert.rejects(load(pathToFileURL(join(dir, 'cjs.mjs'))),
    /weft: \S*cjs\.mjs was linked for CommonJS in Node \(__dirname is not defined.*\): link it with -sENVIRONMENT=web,worker -sMODULARIZE -sEXPORT_ES6, as weft-cc does/);
});

/** `promise`, or a rejection naming `what` if it has not settled in `ms` (a hang fails the test, not the suite). */
function bounded(promise, what, ms = 30000) {
  let timer;
  const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} never settled`)), ms); });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

test('a -g AddressSanitizer build whose source map is bad fails to load, saying so', {
  skip: (backend === 'jspi' || !existsSync(new URL('tests/adv-kernel-asan.wasm.map', buildDir))) && 'the Asyncify ASan build with its map',
}, async () => {
  const sub = mkdtempSync(join(dir, 'map-'));
  for (const ext of ['mjs', 'wasm', 'wasm.map']) {
    copyFileSync(new URL(`tests/adv-kernel-asan.${ext}`, buildDir), join(sub, `adv-kernel-asan.${ext}`));
  }
  truncateSync(join(sub, 'adv-kernel-asan.wasm.map'), 100); // the start of a JSON object, cut
  const url = pathToFileURL(join(sub, 'adv-kernel-asan.mjs'));
  await assert.rejects(bounded(load(url, { stdout: () => {}, stderr: () => {} }), 'load()'),
    /^Error: weft: bad source map file:\/\/\S*adv-kernel-asan\.wasm\.map: .*JSON/);
  // A missing map: the same.
  rmSync(join(sub, 'adv-kernel-asan.wasm.map'));
  await assert.rejects(bounded(load(url, { stdout: () => {}, stderr: () => {} }), 'load()'),
    /^Error: weft: bad source map file:\/\/\S*adv-kernel-asan\.wasm\.map: .*ENOENT/);
});

test('a program built with a weft whose weft__settle takes no tick still runs a lone await', {
  skip: backend === 'jspi' && 'the Asyncify build of trace.c',
}, async () => {
  // Such a program's weft__settle has four parameters and readies the coroutine without a tick, as
  // today's does when passed tick 0: the host must queue the tick itself.
  const instantiate = WebAssembly.instantiate;
  let arity;
  WebAssembly.instantiate = async (...args) => {
    const { exports } = await instantiate(...args);
    const settle = exports.weft__settle;
    arity = settle.length;
    return { exports: { ...exports, weft__settle: (op, status, type, value) => settle(op, status, type, value, 0) } };
  };
  let program;
  try {
    program = await load(new URL('tests/trace.mjs', buildDir), { stdout: () => {}, stderr: () => {},
      // The caller's promise settles after main's sleep: a lone op, nothing else to tick.
      functions: { later: () => new Promise((r) => setTimeout(() => r(7), 40)) } });
  } finally {
    WebAssembly.instantiate = instantiate;
  }
  assert.equal(arity, 5, 'this weft\'s weft__settle takes tick');
  assert.equal(await bounded(program.run(['known']), 'run()'), 0);
  assert.equal(program.host.settleTicks, false);
  // This weft's own program: the direct tick.
  const own = await load(new URL('tests/trace.mjs', buildDir), { stdout: () => {}, stderr: () => {} });
  assert.equal(own.host.settleTicks, true);
});
