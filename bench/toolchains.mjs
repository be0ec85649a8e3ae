// toolchains.mjs — `npm run bench:toolchains`: the same benchmark programs
// built by each Emscripten weft is tested with (tools/toolchains.mjs), run
// side by side in one process by the benchmark's harness (harness.mjs):
// rounds alternate between the builds, each figure is the min and median of
// the rounds in thread CPU and wall time, every run checks its values. The
// coroutine switch, the channel ping-pong, SHA-256 in a coroutine (digest
// checked), and the .wasm sizes. Ratios are newer ÷ older.
//   node bench/toolchains.mjs [--quick] [--rounds=N]
import { pathToFileURL } from 'node:url';
import { prepareToolchain, toolchains } from '../tools/toolchains.mjs';
import { ratio, readBytes, runKernels, runWeft } from './harness.mjs';
import { sha256Digest } from './kernels.mjs';

const quick = process.argv.includes('--quick') || process.env.WEFT_BENCH_QUICK === '1';
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? (quick ? 3 : 5));
const names = Object.keys(toolchains);
for (const name of names) prepareToolchain(name, { stdio: 'ignore' });
const [older, newer] = names;
const version = (name) => toolchains[name].version;
const dir = (name) => pathToFileURL(`${toolchains[name].build}/bench/`);
const lower = `${version(newer)} ÷ ${version(older)} (lower is faster)`;

const N = quick ? 2e5 : 2e6, P = quick ? 5e4 : 5e5, MiB = quick ? 16 : 64;
/** A kernel run by both builds: each side runs bench/PROGRAM with ARGS. */
const across = (id, title, unit, program, args, { check = (f) => f, ...extra } = {}) => ({
  id, title, unit, ...extra,
  sides: names.map((name) => ({ key: name, label: `emscripten ${version(name)}`, run: () => runWeft(dir(name), program, args).then(check) })),
  figures: (s) => [ratio(s, newer, older, { label: lower })],
});

const { failed } = await runKernels([
  across('switch', 'coroutine switch through the scheduler', 'ns per switch', 'core', ['switch', N]),
  across('pingpong', 'channel ping-pong round trip', 'ns per round trip', 'core', ['pingpong', P]),
  across('sha256', `SHA-256 over ${MiB} MiB in a coroutine (last of 2 rounds)`, 'ms per MiB', 'sha256', ['yield', MiB, 2], {
    warmup: 0, scale: 1,
    check: async (f) => {
      const want = await sha256Digest(MiB);
      if (f.digest !== want) throw new Error(`bench: sha256 digest ${f.digest}, expected ${want}`);
      return { ...f, ops: MiB };
    },
  }),
  {
    id: 'sizes', title: '.wasm sizes',
    probe: async () => Object.fromEntries(await Promise.all(['core', 'bridge', 'sha256', 'sha256-noasyncify'].map(async (p) =>
      [p, await Promise.all(names.map(async (n) => (await readBytes(new URL(`${p}.wasm`, dir(n)))).length))]))),
    figures: (_, sizes) => Object.entries(sizes).map(([p, [a, b]]) => ({
      label: `${p}.wasm: ${a.toLocaleString('en-US')} B → ${b.toLocaleString('en-US')} B, ${version(newer)} ÷ ${version(older)}`, value: b / a, unit: '×',
    })),
  },
], { rounds, title: `weft built by Emscripten ${names.map(version).join(' and ')}` });
process.exit(failed ? 1 : 0);
