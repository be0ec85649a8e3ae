// backend.test.mjs — choosing a backend (runtime/js/backend.mjs): a program
// built by weft-cc --jspi --fallback (build/tests/pair.mjs: wasm-tests/core.c
// twice, beside the manifest) runs on JSPI where the engine has it and on
// Asyncify where not (Node 26 and Node 20 here; the engine without JSPI is
// also played in Node 26); load()'s backend option forces one, with a clear
// error where it cannot be; a manifest whose half is missing, corrupt or of
// the wrong kind is refused with a message naming the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from '../runtime/js/weft.mjs';
import { hasJspi } from '../runtime/js/jspi.mjs';
import { backends, buildUrl, manifestText, pairNames, resolveBuild, sourceMapOf, wasmOf } from '../runtime/js/backend.mjs';
import { buildDir } from './helpers.mjs';

const pair = new URL('tests/pair.mjs', buildDir);
const expected = [0, 1, 2].flatMap((i) => [0, 1, 2, 3].map((y) => `turn y${y} ${i}`));
const needsJspi = !hasJspi && 'this engine has no JSPI (WebAssembly.Suspending): Node >= 25 or Chrome >= 137 runs it';

/** Load `url` with load() `options`, run core.c's yield-order; its backend. */
async function runIt(url, options = {}) {
  const out = [];
  const program = await load(url, { ...options, stdout: (l) => out.push(l) });
  assert.equal(await program.run(['yield-order']), 0);
  assert.deepEqual(out, expected);
  return program.backend;
}

/** Run `fn` as in an engine without JSPI (Node 20), in any engine. */
async function withoutJspi(fn) {
  const saved = WebAssembly.Suspending;
  delete WebAssembly.Suspending;
  try {
    return await fn();
  } finally {
    if (saved) WebAssembly.Suspending = saved;
  }
}

test('a pair runs on JSPI where the engine has it, else on Asyncify', async () => {
  assert.equal(await runIt(pair), hasJspi ? 'jspi' : 'asyncify');
  assert.equal(await runIt(pair, { backend: 'auto' }), hasJspi ? 'jspi' : 'asyncify');
  assert.equal(await withoutJspi(() => runIt(pair)), 'asyncify');
});

test('backend: \'asyncify\' forces the Asyncify build, \'jspi\' the JSPI one', async () => {
  assert.equal(await runIt(pair, { backend: 'asyncify' }), 'asyncify');
  if (hasJspi) assert.equal(await runIt(pair, { backend: 'jspi' }), 'jspi');
});

test('backend: \'jspi\' where the engine lacks JSPI is refused, saying what it needs and what runs instead', async () => {
  await withoutJspi(() => assert.rejects(load(pair, { backend: 'jspi' }),
    /^Error: weft: backend 'jspi' needs JavaScript Promise Integration \(WebAssembly\.Suspending.*Node >= 25.*\), which this engine lacks; without that option load\(\) runs the Asyncify build of .*pair\.mjs here$/));
});

test('a bad backend option, and one a single build does not have, are refused', async () => {
  await assert.rejects(load(pair, { backend: 'wasm' }), /^TypeError: weft: backend is 'auto', 'jspi' or 'asyncify', not "wasm"$/);
  await assert.rejects(load(pair, { backend: 1 }), /not 1$/);
  const single = new URL('tests/core.mjs', buildDir);
  assert.equal(await runIt(single), 'asyncify');
  assert.equal(await runIt(single, { backend: 'asyncify' }), 'asyncify');
  await assert.rejects(load(single, { backend: 'jspi' }),
    /core\.mjs is a weft-cc \(Asyncify\) build only; backend 'jspi' needs a build of both \(weft-cc --jspi --fallback\)/);
});

// ---- a damaged pair: each in a copy of build/tests/pair.* ----
let dir;
before(() => { dir = mkdtempSync(join(tmpdir(), 'weft-pair-')); });
after(() => rmSync(dir, { recursive: true, force: true }));
let copies = 0;
/** A copy of the pair in a folder of its own; `damage(folder)` changes it. */
function copy(damage) {
  const to = join(dir, String(copies++));
  mkdirSync(to);
  const from = fileURLToPath(new URL('tests/', buildDir));
  for (const f of readdirSync(from).filter((n) => n.startsWith('pair.'))) copyFileSync(join(from, f), join(to, f));
  damage(to);
  return pathToFileURL(join(to, 'pair.mjs'));
}

for (const half of ['asyncify', 'jspi']) {
  const skip = half === 'jspi' && needsJspi;
  const wrong = (what) => new RegExp(`pair\\.mjs names .*pair\\.${half}\\.mjs as its ${half} build, which cannot be loaded: .*${what}.*; rebuild the program with weft-cc --jspi --fallback`);
  test(`a pair whose ${half} build's .wasm is missing or corrupt, or whose .mjs is missing, is refused naming it`, { skip }, async () => {
    const options = { backend: half };
    await assert.rejects(load(copy((d) => unlinkSync(join(d, `pair.${half}.wasm`))), options), wrong('ENOENT'));
    await assert.rejects(load(copy((d) => writeFileSync(join(d, `pair.${half}.wasm`), 'not wasm at all')), options), wrong('CompileError|magic'));
    await assert.rejects(load(copy((d) => unlinkSync(join(d, `pair.${half}.mjs`))), options), wrong('Cannot find module|ERR_MODULE_NOT_FOUND'));
    // The other half is untouched and still runs.
    const other = half === 'jspi' ? 'asyncify' : 'jspi';
    if (other === 'asyncify' || hasJspi) {
      assert.equal(await runIt(copy((d) => unlinkSync(join(d, `pair.${half}.wasm`))), { backend: other }), other);
    }
  });
}

test('a pair whose manifest names the wrong kind of build, or is not one weft-cc wrote, is refused', async () => {
  const swapped = copy((d) => writeFileSync(join(d, 'pair.mjs'),
    'export const weftBackends = { jspi: "./pair.asyncify.mjs", asyncify: "./pair.jspi.mjs" };\n'));
  await assert.rejects(load(swapped, { backend: 'asyncify' }),
    /pair\.mjs names .*pair\.jspi\.mjs as its asyncify build, but that file is built for jspi; rebuild the program with weft-cc --jspi --fallback/);
  const bad = copy((d) => writeFileSync(join(d, 'pair.mjs'), 'export const weftBackends = { jspi: 1 };\n'));
  await assert.rejects(load(bad), /pair\.mjs is not a manifest weft-cc --jspi --fallback wrote: weftBackends must name a jspi and an asyncify build; rebuild it/);
  const nested = copy((d) => writeFileSync(join(d, 'pair.mjs'),
    'export const weftBackends = { jspi: "./pair.mjs", asyncify: "./pair.mjs" };\n'));
  await assert.rejects(load(nested, { backend: 'asyncify' }), /is a manifest of two builds, not a build/);
});

test('the manifest refuses to be used as an Emscripten module factory', async () => {
  const { default: factory } = await import(pair.href);
  assert.throws(() => factory(), /pair\.mjs names two builds of a program; load it with load\(\) from weft-wasm/);
});

test('weft-cc: --fallback goes with --jspi; --print-flags shows both links', () => {
  const cc = fileURLToPath(new URL('../bin/weft-cc.mjs', import.meta.url));
  const weftCc = (...args) => spawnSync(process.execPath, [cc, ...args], { encoding: 'utf8', cwd: dir });
  const alone = weftCc('--fallback', 'x.c', '-o', 'x.mjs');
  assert.equal(alone.status, 2);
  assert.match(alone.stderr, /^weft-cc: --fallback goes with --jspi/m);
  const flags = weftCc('--jspi', '--fallback', 'x.c', '-o', 'x.mjs', '--print-flags');
  assert.equal(flags.status, 0, flags.stderr);
  const lines = flags.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /-o x\.asyncify\.mjs .*-sASYNCIFY /);
  assert.match(lines[1], /-DWEFT_JSPI .*-o x\.jspi\.mjs /);
  assert.doesNotMatch(lines[1], /-sASYNCIFY/);
});

// ---- names and URLs ----

test('a manifest is a valid module whatever its file name: a quote, a newline, a backslash', async () => {
  for (const name of ["bob's.mjs", 'two\nlines.mjs', 'back\\slash "q".mjs', 'sep\u2028arator.mjs']) {
    const files = pairNames(name);
    const m = await import(`data:text/javascript,${encodeURIComponent(manifestText(name, files))}`);
    assert.deepEqual(m.weftBackends, files);
    assert.throws(() => m.default(), (e) => e.message === `weft: ${name} names two builds of a program; load it with load() from weft-wasm`);
  }
});

test('a manifest names its builds as URLs: a #, ? or % in a file name is encoded', () => {
  assert.deepEqual(pairNames('app.mjs'), { jspi: './app.jspi.mjs', asyncify: './app.asyncify.mjs' });
  assert.deepEqual(pairNames('app.js'), { jspi: './app.jspi.js', asyncify: './app.asyncify.js' });
  assert.deepEqual(pairNames('a#b?c%41.mjs'), { jspi: './a%23b%3Fc%2541.jspi.mjs', asyncify: './a%23b%3Fc%2541.asyncify.mjs' });
  const at = new URL('https://example.com/x/a%23b%3Fc%2541.mjs');
  assert.equal(buildUrl(pairNames('a#b?c%41.mjs').jspi, at).href, 'https://example.com/x/a%23b%3Fc%2541.jspi.mjs');
});

test('the URL of a build keeps the manifest\'s query; its .wasm keeps the query and drops the fragment', () => {
  const m = new URL('https://example.com/app/app.mjs?v=2&sig=abc#top');
  assert.equal(buildUrl('./app.jspi.mjs', m).href, 'https://example.com/app/app.jspi.mjs?v=2&sig=abc');
  assert.equal(buildUrl('./app.jspi.mjs?v=3', m).href, 'https://example.com/app/app.jspi.mjs?v=3'); // its own wins
  assert.equal(buildUrl('https://cdn.example/app.jspi.mjs', m).href, 'https://cdn.example/app.jspi.mjs?v=2&sig=abc');
  assert.equal(wasmOf(new URL('https://example.com/app.mjs?v=2')).href, 'https://example.com/app.wasm?v=2');
  assert.equal(wasmOf(new URL('https://example.com/app.mjs#x')).href, 'https://example.com/app.wasm');
  assert.equal(wasmOf(new URL('https://example.com/app.js?v=2#x')).href, 'https://example.com/app.wasm?v=2');
  assert.equal(wasmOf(new URL('https://example.com/app.mjs.d/app.mjs')).href, 'https://example.com/app.mjs.d/app.wasm');
  assert.equal(sourceMapOf(new URL('https://example.com/app.mjs?v=2#x')).href, 'https://example.com/app.wasm.map?v=2');
});

test('load() with a query carries it to the build it picks, and runs it', async () => {
  const url = new URL(`${pair.href}?v=2`);
  for (const b of hasJspi ? backends : ['asyncify']) {
    const built = await resolveBuild(url, b, true);
    assert.equal(built.url.search, '?v=2');
    assert.match(built.url.pathname, new RegExp(`/pair\\.${b}\\.mjs$`));
    assert.equal(await runIt(url, { backend: b }), b);
  }
});

test('load() of a URL with a fragment runs the build (not its .mjs read as wasm)', async () => {
  assert.equal(await runIt(new URL(`${new URL('tests/core.mjs', buildDir).href}#frag`)), 'asyncify');
  assert.equal(await runIt(new URL(`${pair.href}#frag`), { backend: 'asyncify' }), 'asyncify');
});

// ---- weft-cc --jspi --fallback, with an emcc that copies build/tests/pair.* ----

/** A stand-in emcc: --version says 3.1.6; a link copies the pair's half of
 * its kind to -o (and the .wasm beside it), or fails with FAIL_JSPI set. */
function fakeEmcc() {
  const emcc = join(dir, 'fake-emcc');
  writeFileSync(emcc, `#!/bin/sh
if [ "$1" = --version ]; then echo "emcc (Emscripten gcc/clang-like replacement) 3.1.6 (fake)"; exit 0; fi
kind=asyncify; out=
while [ $# -gt 0 ]; do case "$1" in -DWEFT_JSPI) kind=jspi;; -o) shift; out="$1";; esac; shift; done
if [ $kind = jspi ] && [ -n "$FAIL_JSPI" ]; then echo "fake emcc: the jspi link fails" >&2; exit 1; fi
cp "$PAIR/pair.$kind.mjs" "$out" && cp "$PAIR/pair.$kind.wasm" "\${out%.*}.wasm"
`);
  chmodSync(emcc, 0o755);
  return emcc;
}
const cc = fileURLToPath(new URL('../bin/weft-cc.mjs', import.meta.url));
/** Run weft-cc in a fresh folder with the stand-in emcc; the folder and the result. */
function fakeLink(out, env = {}, prepare = () => {}) {
  const at = join(dir, String(copies++));
  mkdirSync(at);
  prepare(at);
  const r = spawnSync(process.execPath, [cc, '--jspi', '--fallback', 'x.c', '-o', out], {
    encoding: 'utf8', cwd: at,
    env: { ...process.env, EMCC: fakeEmcc(), PAIR: fileURLToPath(new URL('tests/', buildDir)), ...env },
  });
  return { at, r };
}

test('weft-cc --fallback writes a manifest that names its builds by URL, which load() runs, whatever the file name', async () => {
  const name = "a#b?c%41 d's.mjs";
  const { at, r } = fakeLink(name);
  assert.equal(r.status, 0, r.stderr);
  const url = pathToFileURL(join(at, name));
  const { weftBackends } = await import(url.href);
  assert.deepEqual(weftBackends, { jspi: "./a%23b%3Fc%2541%20d's.jspi.mjs", asyncify: "./a%23b%3Fc%2541%20d's.asyncify.mjs" });
  assert.equal(await runIt(url, { backend: 'asyncify' }), 'asyncify');
  if (hasJspi) assert.equal(await runIt(url, { backend: 'jspi' }), 'jspi');
});

test('weft-cc --fallback whose second link fails leaves no manifest and no half of a pair, old or new', () => {
  const files = ['app.mjs', 'app.asyncify.mjs', 'app.asyncify.wasm', 'app.jspi.mjs', 'app.jspi.wasm'];
  const { at, r } = fakeLink('app.mjs', { FAIL_JSPI: '1' }, (d) => {
    for (const f of files) writeFileSync(join(d, f), f === 'app.mjs' ? manifestText('app.mjs', pairNames('app.mjs')) : 'an earlier build');
  });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /the jspi link fails/);
  assert.deepEqual(files.filter((f) => existsSync(join(at, f))), []);
});

// ---- one copy of each: the backend names, JSPI detection, the .m?js rewrite ----

test('the demo\'s backend switch and weft-cc use the runtime\'s backend names, JSPI detection and file-name rewrite', async () => {
  const text = (p) => readFileSync(new URL(p, import.meta.url), 'utf8');
  const sw = text('../web/backend-switch.mjs');
  assert.match(sw, /import \{ backends \} from '\.\.\/runtime\/js\/backend\.mjs'/);
  assert.match(sw, /import \{ jspiSupported \} from '\.\.\/runtime\/js\/jspi\.mjs'/);
  assert.doesNotMatch(sw, /WebAssembly\.Suspending|'asyncify', 'jspi'|'jspi', 'asyncify'/);
  assert.doesNotMatch(text('../bin/weft-cc.mjs'), /m\?js/); // backend.mjs's jsEnding and jsSibling
  // ...and the switch works: ?backend= picks, the JSPI choice is off where the engine lacks it.
  const { chosenBackend } = await import('../web/backend-switch.mjs');
  const option = { disabled: false, textContent: 'JSPI' };
  const select = { value: '', querySelector: () => option, addEventListener() {} };
  const note = { hidden: true };
  globalThis.document = { getElementById: (id) => ({ backend: select, 'backend-note': note })[id] };
  try {
    for (const [search, want] of [['?backend=jspi', 'jspi'], ['?backend=asyncify', 'asyncify'], ['?backend=x', 'asyncify'], ['', 'asyncify']]) {
      globalThis.location = { search, href: `https://example.com/${search}` };
      assert.equal(chosenBackend(), want);
      assert.equal(select.value, want);
      assert.equal(note.hidden, want !== 'jspi');
    }
    assert.equal(option.disabled, !hasJspi);
    option.disabled = false;
    await withoutJspi(() => chosenBackend());
    assert.equal(option.disabled, true);
  } finally {
    delete globalThis.document;
    delete globalThis.location;
  }
});
