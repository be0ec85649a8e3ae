// toolchains.mjs — `npm run bench:toolchains`: the same benchmark programs
// built by each Emscripten weft is tested with (tools/toolchains.mjs), run
// side by side in one process: the coroutine switch, the channel ping-pong,
// the SHA-256 Asyncify tax and the .wasm sizes. Rounds alternate between the
// builds so that drift on a loaded machine hits both alike; each figure is
// the min and median of the rounds, beside the process CPU time per
// operation. Ratios are newer ÷ older.
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { load } from '../runtime/js/weft.mjs';
import { prepareToolchain, toolchains } from '../tools/toolchains.mjs';

const quick = process.env.WEFT_BENCH_QUICK === '1';
const ROUNDS = 5;
const names = Object.keys(toolchains);
for (const name of names) prepareToolchain(name, { stdio: 'ignore' });
const benchDir = (name) => new URL(`file://${toolchains[name].build}/bench/`);

const fields = (line) => Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
/** Run bench/PROGRAM.mjs of toolchain `name`: its first line's fields, and
 * the CPU time (ms) the run took. */
async function runOnce(name, program, args) {
  const out = [];
  const p = await load(new URL(`${program}.mjs`, benchDir(name)), { stdout: (l) => out.push(l) });
  const cpu0 = process.cpuUsage();
  const status = await p.run(args.map(String));
  const cpu = process.cpuUsage(cpu0);
  if (status !== 0 || !out[0]) throw new Error(`${name} ${program} ${args.join(' ')}: status ${status}, printed ${out[0]}`);
  return { ...fields(out[0]), cpu_ms: (cpu.user + cpu.system) / 1000 };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[s.length >> 1] };
};
const fmt = (x, d = 1) => Number(x).toFixed(d);

/** Each kernel: arguments, and how to read its figure (lower is better
 * unless `higher`). Each verifies its own result. */
const N = quick ? 200000 : 2000000;
const P = quick ? 50000 : 500000;
const MiB = quick ? 16 : 64;
const expectedDigest = (() => { // bench/sha256.c's xorshift32 bytes, hashed by node:crypto
  const data = new Uint8Array(MiB << 20);
  let x = 2463534242;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    data[i] = x & 255;
  }
  return createHash('sha256').update(data).digest('hex');
})();
const kernels = [
  { label: 'switch through the scheduler (ns)', program: 'core', args: ['switch', N], per: N, read: (f) => Number(f.ns_per_switch) },
  { label: 'channel ping-pong round trip (ns)', program: 'core', args: ['pingpong', P], per: P, read: (f) => Number(f.ns_per_round_trip) },
  {
    label: `SHA-256 over ${MiB} MiB in a coroutine (MB/s)`, program: 'sha256', args: ['yield', MiB, 3], higher: true,
    read: (f) => {
      if (f.digest !== expectedDigest) throw new Error(`sha256 digest ${f.digest}, expected ${expectedDigest}`);
      return Number(f.mb_per_s);
    },
  },
];

console.log(`\nweft built by each Emscripten, node ${process.version}: min / median of ${ROUNDS} interleaved rounds` +
  ' (the program\'s own figure; CPU = process CPU time per operation)');
for (const k of kernels) {
  const got = Object.fromEntries(names.map((n) => [n, { figure: [], cpu: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const r = await runOnce(name, k.program, k.args);
      got[name].figure.push(k.read(r));
      if (k.per) got[name].cpu.push((r.cpu_ms * 1e6) / k.per);
    }
  }
  console.log(`${k.label}:`);
  for (const name of names) {
    const f = stats(got[name].figure);
    const c = k.per ? stats(got[name].cpu) : null;
    console.log(`  emscripten ${toolchains[name].version.padEnd(7)} ${fmt(f.min, 2)} / ${fmt(f.median, 2)}` +
      (c ? `   CPU ${fmt(c.min, 2)} / ${fmt(c.median, 2)} ns` : ''));
  }
  const [a, b] = names.map((n) => (k.higher ? Math.max(...got[n].figure) : stats(got[n].figure).min));
  console.log(`  ${toolchains[names[1]].version} ÷ ${toolchains[names[0]].version}: ${fmt(b / a, 3)}×` +
    (k.higher ? ' (higher is faster)' : ' (lower is faster)'));
}

console.log('.wasm sizes (bytes):');
for (const program of ['core', 'bridge', 'sha256', 'sha256-noasyncify']) {
  const sizes = names.map((n) => statSync(new URL(`${program}.wasm`, benchDir(n))).size);
  console.log(`  ${program.padEnd(18)} ${names.map((n, i) => `${toolchains[n].version} ${sizes[i]}`).join('   ')}` +
    `   ${fmt(sizes[1] / sizes[0], 3)}×`);
}
