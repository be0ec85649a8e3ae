// browser-package.test.mjs — the npm package as a user gets it: `npm pack`,
// then the tarball installed under its name, weft-wasm, into a scratch
// project, where weft-cc compiles a C program that (a) a Node script runs
// and TypeScript type-checks, in an optimized and in a debug build, and
// (b) a page built with Vite runs in Chromium. (Named browser-* so that it
// runs once, under the first Node.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumOptions } from './helpers.mjs';
import { brokenLinks } from './doc-links.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', name);
let dir, app, tarball;

// Run a command; on failure, the assertion shows its output.
function sh(cmd, args, cwd, env = {}) {
  try {
    return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.fail(`${cmd} ${args.join(' ')} failed (${e.status}):\n${e.stdout}\n${e.stderr}`);
  }
}

const program = `#include <stdio.h>
#include "weft.h"

static void *worker(void *name) {
  for (int i = 1; i <= 3; i++) {
    printf("%s %d\\n", (const char *)name, i);
    weft_sleep(5);
  }
  return name;
}

WEFT_EXPORT(square) {
  double x = weft_args_double(a, 0);
  weft_sleep(1);
  weft_return_double(a, x * x);
  return 0;
}

int main(void) {
  weft_id a = weft_spawn(worker, "ping", NULL), b = weft_spawn(worker, "pong", NULL);
  void *ra, *rb;
  weft_join(a, &ra);
  weft_join(b, &rb);
  printf("joined %s and %s\\n", (const char *)ra, (const char *)rb);
  return 0;
}
`;
const expectedLines = ['ping 1', 'pong 1', 'ping 2', 'pong 2', 'ping 3', 'pong 3', 'joined ping and pong'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-package-'));
  sh('npm', ['pack', '--pack-destination', dir], root); // runs prepack: ./build.sh --lib
  tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')));
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The package has no dependencies, so this needs no network.
  sh('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], app);
  writeFileSync(join(app, 'hello.c'), program);
  sh(join(app, 'node_modules/.bin/weft-cc'), ['hello.c', '-o', 'hello.mjs'], app);
});

after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Compile hello.c in the scratch project with the installed weft-cc and
 * `flags` into NAME.mjs, and run it with a Node script (`main`: what the
 * script does with `program`); returns the script's output lines. Other
 * builds of the installed package (a traced run, ...) can reuse it. */
function buildAndRun(name, flags, main = 'console.log(\'exit\', await program.run());') {
  sh(join(app, 'node_modules/.bin/weft-cc'), ['hello.c', '-o', `${name}.mjs`, ...flags], app);
  writeFileSync(join(app, `run-${name}.mjs`), `import { load } from 'weft-wasm';
const program = await load('./${name}.mjs');
${main}
`);
  return sh(process.execPath, [`run-${name}.mjs`], app).trim().split('\n');
}

test('the tarball ships the header, the prebuilt runtime, the JS host and the wrapper, and nothing else', () => {
  const files = sh('tar', ['tzf', tarball], dir).trim().split('\n').map((f) => f.replace(/^package\//, ''));
  for (const f of ['runtime/include/weft.h', 'build/lib/libweft.a', 'build/lib/libweft-jspi.a', 'build/lib/emscripten-version', 'runtime/js/weft.mjs',
    'runtime/js/weft.d.ts', 'runtime/js/bridge.mjs', 'runtime/js/fetch.mjs', 'runtime/js/memory.mjs', 'runtime/js/library_weft.js', 'bin/weft-cc.mjs', 'package.json', 'README.md']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  for (const f of ['examples/quickstart.c', 'examples/seed.c', 'docs/api.md']) assert.ok(files.includes(f), `${f} is in the tarball`);
  const stray = files.filter((f) => /^(wasm-tests|web|bench|tools|node_modules|\.ci)\/|^examples\/.*(?<!\.c)$|^build\/(?!lib\/(libweft(-jspi)?\.a|emscripten-version)$)/.test(f));
  assert.deepEqual(stray, []);
});

test('the installed package\'s README and docs link only to files the package has', () => {
  const { broken, checked } = brokenLinks(join(app, 'node_modules/weft-wasm'));
  assert.ok(checked > 10, `links checked: ${checked}`);
  assert.deepEqual(broken, []);
});

test('the installed weft-cc links the prebuilt runtime, stamped with the Emscripten that built it', () => {
  const flags = sh(join(app, 'node_modules/.bin/weft-cc'), ['--print-flags', 'hello.c', '-o', 'hello.mjs'], app);
  assert.match(flags, /node_modules\/weft-wasm\/build\/lib\/libweft\.a/);
  assert.doesNotMatch(flags, /runtime\/src\/sched\.c/);
});

test('(a) a Node script loads a program weft-cc compiled from the installed package', () => {
  writeFileSync(join(app, 'main.mjs'), `import { load } from 'weft-wasm';
const program = await load('./hello.mjs');
const [status, square] = await Promise.all([program.run(), program.call('square', 12)]);
console.log('exit', status, 'square', square);
`);
  const out = sh(process.execPath, ['main.mjs'], app).trim().split('\n');
  assert.deepEqual(out, [...expectedLines, 'exit 0 square 144']);
});

test('(a) the installed package is weft-wasm, and a -O0 -sASSERTIONS=1 build from it runs', () => {
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/weft-wasm/package.json'), 'utf8'));
  assert.equal(installed.name, 'weft-wasm');
  assert.deepEqual(buildAndRun('hello-debug', ['-O0', '-sASSERTIONS=1']), [...expectedLines, 'exit 0']);
  assert.deepEqual(buildAndRun('hello-checked', ['--debug']), [...expectedLines, 'exit 0']);
});

test('(a) a traced run from the installed package writes a Chrome trace', () => {
  sh(join(app, 'node_modules/.bin/weft-cc'), ['hello.c', '-o', 'hello-traced.mjs'], app);
  writeFileSync(join(app, 'traced.mjs'), `import { run } from 'weft-wasm';
console.log('exit', await run('./hello-traced.mjs', { trace: 'trace.json' }));
`);
  const out = sh(process.execPath, ['traced.mjs'], app).trim().split('\n');
  assert.deepEqual(out, [...expectedLines, 'exit 0']);
  const { traceEvents } = JSON.parse(readFileSync(join(app, 'trace.json'), 'utf8'));
  const names = traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  assert.ok(names.includes('#1 main'), `main's track: ${names}`);
  for (const id of [2, 3]) assert.ok(names.some((t) => t.startsWith(`#${id} `)), `worker #${id}'s track: ${names}`);
  assert.ok(traceEvents.some((e) => e.cat === 'wait' && e.name === 'sleep'), 'the workers\' sleeps are waits');
  assert.ok(traceEvents.some((e) => e.cat === 'wait' && e.name === 'join'), 'main\'s joins are waits');
});

test('(a) a program built for both backends from the installed package runs on the one this Node has', () => {
  sh(join(app, 'node_modules/.bin/weft-cc'), ['hello.c', '-o', 'pair.mjs', '--jspi', '--fallback'], app);
  writeFileSync(join(app, 'pair-run.mjs'), `import { load } from 'weft-wasm';
const program = await load('./pair.mjs');
console.log('exit', await program.run(), program.backend);
`);
  const out = sh(process.execPath, ['pair-run.mjs'], app).trim().split('\n');
  const backend = typeof WebAssembly.Suspending === 'function' ? 'jspi' : 'asyncify';
  assert.deepEqual(out, [...expectedLines, `exit 0 ${backend}`]);
});

test('(a) the package types resolve through its exports map and check a TypeScript caller', () => {
  writeFileSync(join(app, 'check.ts'), `import { load, run, codes, WeftError, type Program } from 'weft-wasm';
const program: Program = await load('./hello.mjs', { stdout: (line: string) => console.log(line) });
const status: number = await program.run(['a']);
const deadlock: -7 = codes.EDEADLK;
for await (const value of program.iterate('numbers', 3)) console.log(value);
const e = new Error() as WeftError;
const code: string = e.code;
// @ts-expect-error run() takes string arguments
await run('./hello.mjs', { args: [1, 2] });
// @ts-expect-error there is no such option
await load('./hello.mjs', { stdot: () => {} });
export { status, deadlock, code };
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false },
    files: ['check.ts'],
  }));
  sh(process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
});

test('(b) a page built with Vite runs the program in Chromium', async () => {
  mkdirSync(join(app, 'public'), { recursive: true });
  for (const f of ['hello.mjs', 'hello.wasm']) copyFileSync(join(app, f), join(app, 'public', f));
  writeFileSync(join(app, 'index.html'), `<!doctype html>
<meta charset="utf-8">
<title>weft in a Vite app</title>
<pre id="out"></pre>
<p id="status">loading</p>
<script type="module" src="/main.js"></script>
`);
  writeFileSync(join(app, 'main.js'), `import { load } from 'weft-wasm';
const out = document.getElementById('out');
const program = await load('/hello.mjs', { stdout: (line) => { out.textContent += line + '\\n'; } });
const [status, square] = await Promise.all([program.run(), program.call('square', 7)]);
document.getElementById('status').textContent = \`exit \${status} square \${square}\`;
`);
  const vite = bin('vite/bin/vite.js');
  const built = sh(process.execPath, [vite, 'build'], app);
  assert.match(built, /built in/);
  const bundled = readdirSync(join(app, 'dist/assets')).filter((f) => f.endsWith('.js'));
  assert.equal(bundled.length, 1, 'the JS host is bundled into the page');

  const preview = spawn(process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let browser;
  try {
    const url = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`vite preview did not start:\n${text}`)), 30000);
      preview.stdout.on('data', (d) => {
        text += d;
        // eslint-disable-next-line no-control-regex
        const m = text.replace(/\x1b\[[0-9;]*m/g, '').match(/http:\/\/127\.0\.0\.1:\d+\//);
        if (m) { clearTimeout(timer); resolve(m[0]); }
      });
      preview.on('exit', (code) => reject(new Error(`vite preview exited (${code}):\n${text}`)));
    });
    browser = await chromium.launch(chromiumOptions);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('status').textContent !== 'loading', null, { timeout: 30000 });
    assert.equal(await page.textContent('#status'), 'exit 0 square 49');
    assert.deepEqual((await page.textContent('#out')).trim().split('\n'), expectedLines);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    preview.kill();
  }
});
