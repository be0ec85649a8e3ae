// harness.mjs — the benchmark's engine, the same code in Node and in a page.
// A kernel has sides: a weft C program (the subject), its JS baseline, at
// times more. All sides of a kernel run in this one process, interleaved
// round after round with the order alternating, so drift on a loaded
// machine hits them alike. Each run brackets what it measures with marks
// (bench.h's bench_begin/bench_end in C, mark(1)/mark(0) in JS) and the
// harness reads the clocks there: wall time, and CPU time where the runtime
// has a clock for it (this thread's in Node >= 23, the process's in older
// Node, none in a page: wall only). Reported: min and median per operation
// over the rounds, and each kernel's figures beside their targets.
import { load } from '../runtime/js/weft.mjs';

const isNode = typeof process === 'object' && !!process.versions?.node;

// The CPU clock, in ms. On Linux, getrusage(RUSAGE_THREAD), behind Node's
// process.threadCpuUsage(), advances in scheduler ticks (4 ms here): too
// coarse for a 50 ms measurement. /proc/thread-self/schedstat has this
// thread's run time in ns, brought up to date by any process-wide CPU query
// (the kernel then accounts the running thread): that is the clock used
// where it exists, in every Node. Else the thread's getrusage, else the
// process's (which also counts V8's compiler and GC threads).
const fsName = 'node:fs'; // opaque to bundlers building for the web
const fs = isNode ? await import(/* @vite-ignore */ fsName) : null;
const cpuClock = (() => {
  if (!isNode) return null;
  try {
    const fd = fs.openSync('/proc/thread-self/schedstat', 'r');
    const buf = Buffer.alloc(128);
    const read = () => {
      process.cpuUsage();
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return Number(buf.toString('latin1', 0, n).split(' ')[0]) / 1e6;
    };
    if (Number.isFinite(read())) return { kind: 'thread CPU time (/proc/thread-self/schedstat)', now: read };
  } catch { /* not Linux */ }
  if (process.threadCpuUsage) {
    return { kind: 'thread CPU time (getrusage: coarse)', now: () => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; } };
  }
  return { kind: 'process CPU time', now: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } };
})();
const cpuNow = cpuClock?.now ?? null;

/** The smallest step `clock` was seen to take, in ms (a busy loop of at
 * most 50 ms): printed, so that a coarse clock is known to be one. */
function resolution(clock) {
  let last = clock(), step = Infinity, seen = 0;
  const t0 = performance.now();
  while (seen < 5 && performance.now() - t0 < 50) {
    const c = clock();
    if (c !== last) { step = Math.min(step, c - last); last = c; seen++; }
  }
  return seen ? step : null;
}
const us = (ms) => (ms === null ? '?' : `${(ms * 1000).toFixed(ms < 0.01 ? 1 : 0)} µs`);

/** Where this runs, and which clocks and probes it has. */
export function environment() {
  const jspi = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';
  const gc = typeof globalThis.gc === 'function';
  const clocks = { wallResolutionMs: resolution(() => performance.now()), cpuResolutionMs: cpuNow && resolution(cpuNow) };
  if (isNode) return { runtime: `node ${process.version}`, engine: 'node', cpu: cpuClock.kind, ...clocks, jspi, gc };
  const m = navigator.userAgent.match(/(HeadlessChrome|Chrome|Chromium)\/(\S+)/);
  return { runtime: m ? `chromium ${m[2]}` : navigator.userAgent, engine: 'chromium', cpu: null, ...clocks, jspi, gc };
}

/** Bytes in use on the JS heap after a full collection: Node with
 * --expose-gc only (a page has no gc), else null. */
export const heapUsed = isNode && typeof globalThis.gc === 'function'
  ? () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; }
  : null;

/** Sums the wall and CPU milliseconds between mark(1) and mark(0). */
function recorder() {
  let wall = 0, cpu = 0, w0 = 0, c0 = 0, open = false, segments = 0;
  return {
    mark(begin) {
      if (begin) {
        if (open) throw new Error('bench: mark(1) twice without mark(0)');
        open = true;
        w0 = performance.now();
        c0 = cpuNow?.() ?? 0;
      } else {
        const c = cpuNow?.() ?? 0, w = performance.now();
        if (!open) throw new Error('bench: mark(0) without mark(1)');
        open = false;
        wall += w - w0;
        cpu += c - c0;
        segments++;
      }
    },
    total() {
      if (open || !segments) throw new Error(`bench: the run ${open ? 'left a measurement open' : 'measured nothing'}`);
      return { wall, cpu: cpuNow ? cpu : null };
    },
  };
}

/** key=value pairs of a line; numbers where they parse. */
export const fields = (line) => Object.fromEntries([...(line ?? '').matchAll(/(\w+)=(\S+)/g)]
  .map(([, k, v]) => [k, v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v]));

export async function readBytes(url) {
  if (isNode && url.protocol === 'file:') {
    return new Uint8Array(await fs.promises.readFile(url));
  }
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

const failure = (what, status, out, err) =>
  new Error(`${what} ${status}:\n    ${[...err, ...out].join('\n    ') || '(it printed nothing)'}`);

/** Run bench program NAME (a weft-cc build in `build`) with `args`; the
 * fields of the last line it printed. Fails on any status but 0. */
export async function runWeft(build, name, args, { functions, trace = false } = {}) {
  const out = [], err = [];
  const program = await load(new URL(`${name}.mjs`, build), { stdout: (l) => out.push(l), stderr: (l) => err.push(l), functions, trace });
  const what = `${name} ${args.join(' ')}`;
  let status;
  try {
    status = await program.run(args.map(String));
  } catch (e) {
    throw failure(what, `failed (${e.code ?? e.name}: ${e.message})`, out, err);
  }
  if (status !== 0) throw failure(what, `exited with status ${status}`, out, err);
  if (trace && !program.trace().traceEvents.some((e) => e.cat === 'run')) throw failure(what, 'was traced, but its trace has no runs', out, err);
  return fields(out.at(-1));
}

/** The same for a baseline built with plain emcc (no weft). */
export async function runPlain(build, name, args) {
  const url = new URL(`${name}.mjs`, build);
  const [{ default: factory }, bytes] = await Promise.all([import(url.href), readBytes(new URL(`${name}.wasm`, build))]);
  const out = [], err = [];
  const mod = await factory({
    noInitialRun: true,
    print: (l) => out.push(l),
    printErr: (l) => err.push(l),
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(bytes, imports).then((r) => receive(r.instance, r.module));
      return {};
    },
  });
  const status = mod.callMain(args.map(String));
  if (status !== 0 || !out.length) throw failure(`${name} ${args.join(' ')}`, `exited with status ${status}`, out, err);
  return fields(out.at(-1));
}

/** One run of one side: its result fields with wall_ms, cpu_ms and ops. */
async function measure(side) {
  globalThis.gc?.(); // the last run's garbage (a whole wasm memory) is not this one's
  const rec = recorder();
  globalThis.weftBenchMark = rec.mark;
  let out;
  try {
    out = await side.run(rec.mark);
  } finally {
    globalThis.weftBenchMark = null;
  }
  const { wall, cpu } = rec.total();
  if (!(out?.ops > 0)) throw new Error(`bench: ${side.label} reported no operations`);
  return { ...out, wall_ms: wall, cpu_ms: cpu };
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const minMedian = (xs) => { const s = sorted(xs); return { min: s[0], median: s[(s.length - 1) >> 1] }; };

/** Run every side of `kernel` for `rounds` rounds (after `kernel.warmup`,
 * default 1, unrecorded). Returns per side: wall and cpu time per operation
 * (min, median; ns, or ms ÷ kernel.scale) and every round's result fields. */
export async function runSides(kernel, rounds) {
  const sides = kernel.sides.filter(Boolean);
  const runs = Object.fromEntries(sides.map((s) => [s.key, []]));
  for (let w = 0; w < (kernel.warmup ?? 1); w++) for (const side of sides) await measure(side);
  for (let r = 0; r < rounds; r++) {
    // The order rotates: with two sides it alternates; with more, each leads in turn.
    for (const side of sides.map((_, i) => sides[(i + r) % sides.length])) runs[side.key].push(await measure(side));
  }
  return Object.fromEntries(sides.map((side) => {
    const rs = runs[side.key];
    const per = (ms) => minMedian(rs.map((x) => (x[ms] * (kernel.scale ?? 1e6)) / x.ops));
    return [side.key, { label: side.label, ops: rs[0].ops, wall: per('wall_ms'), cpu: cpuNow ? per('cpu_ms') : null, runs: rs }];
  }));
}

/** A figure comparing sides a and b: time(a) ÷ time(b), on CPU time where
 * there is a CPU clock (unless `basis` says wall), judged on the min. */
export function ratio(s, a, b, { label, target, basis, note } = {}) {
  const on = basis === 'wall' || !s[a].cpu || !s[b].cpu ? 'wall' : 'cpu';
  return {
    label: label ?? `${s[a].label} ÷ ${s[b].label}`, unit: '×', basis: on, note, target,
    value: s[a][on].min / s[b][on].min, median: s[a][on].median / s[b][on].median,
  };
}

/** Whether a figure meets its target, and by how much it misses. */
function judge(f) {
  if (!f.target || f.value === undefined || Number.isNaN(f.value)) return f;
  const { op, value: t } = f.target;
  const met = op === '≤' ? f.value <= t : f.value >= t;
  const by = met ? 0 : op === '≤' ? (f.value / t - 1) * 100 : (1 - f.value / t) * 100;
  return { ...f, met, missedBy: met ? 0 : by };
}

const num = (x, unit) => {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  if (unit === '×') return `${x.toFixed(2)}×`;
  if (unit === 'B') return `${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)} B`;
  const a = Math.abs(x);
  return (a >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3)) + (unit ? ` ${unit}` : '');
};

/** The lines that report one kernel's result. */
export function formatResult(k) {
  const lines = [`[${k.id}] ${k.title}`];
  if (k.error) return [...lines, `  FAILED: ${k.error}`];
  if (k.sides) {
    const w = Math.max(...Object.values(k.sides).map((s) => s.label.length), 10);
    lines.push(`  ${''.padEnd(w)}  ${k.unit} (min / median of ${k.rounds})`);
    for (const s of Object.values(k.sides)) {
      const cpu = s.cpu ? `CPU ${num(s.cpu.min).padStart(9)} / ${num(s.cpu.median).padEnd(9)}  ` : '';
      lines.push(`  ${s.label.padEnd(w)}  ${cpu}wall ${num(s.wall.min).padStart(9)} / ${num(s.wall.median)}`);
    }
  }
  for (const f of k.figures) {
    let line = `  ${f.label}: ${num(f.value, f.unit)}`;
    if (f.median !== undefined) line += ` (median ${num(f.median, f.unit)})`;
    if (f.basis) line += `, ${f.basis === 'cpu' ? 'CPU' : 'wall'} time`;
    if (f.target) {
      line += `   target ${f.target.op} ${num(f.target.value, f.unit)}: ` +
        (f.met ? 'met' : `missed by ${f.missedBy.toFixed(f.missedBy < 10 ? 1 : 0)}%`);
    }
    if (f.note) line += `  (${f.note})`;
    lines.push(line);
  }
  for (const t of k.table ?? []) lines.push(`  ${t}`);
  for (const n of k.notes ?? []) lines.push(`  note: ${n}`);
  return lines;
}

/** Run `kernels` (from kernels.mjs) and print each result with `log` as it
 * is known; resolves to the results (what --json writes). A kernel whose
 * run fails (a precondition, a wrong value) is reported as FAILED and the
 * others go on; `failed` counts them. */
export async function runKernels(kernels, { rounds, log = console.log, title = 'weft benchmarks' } = {}) {
  const env = environment();
  log(`${title}, ${env.runtime}: ${rounds} interleaved rounds per kernel; ` +
    (env.cpu ? `${env.cpu} (seen to step by ${us(env.cpuResolutionMs)}) and wall time` : 'wall time only (a page has no CPU clock)') +
    ` (performance.now() seen to step by ${us(env.wallResolutionMs)})` +
    '; ratios are judged on the min, compare ratios rather than absolute figures');
  const results = [];
  for (const kernel of kernels) {
    const k = { id: kernel.id, title: kernel.title, unit: kernel.unit, rounds, notes: [...(kernel.notes ?? [])] };
    try {
      if (kernel.sides) k.sides = await runSides(kernel, rounds);
      const probe = kernel.probe ? await kernel.probe() : {};
      k.figures = (kernel.figures?.(k.sides, probe, env) ?? []).filter(Boolean).map(judge);
      k.table = kernel.table?.(k.sides, probe, env);
    } catch (e) {
      k.error = String(e?.message ?? e);
    }
    for (const line of formatResult(k)) log(line);
    results.push(k);
  }
  const failedIds = results.filter((k) => k.error).map((k) => k.id);
  const failed = failedIds.length;
  const missed = results.flatMap((k) => (k.figures ?? []).filter((f) => f.met === false).map((f) => `${k.id}: ${f.label}`));
  log(`${results.length - failed} of ${results.length} kernels measured, ${failed} FAILED${failed ? ` (${failedIds.join(', ')})` : ''}; ` +
    `${missed.length} target${missed.length === 1 ? '' : 's'} missed${missed.length ? `: ${missed.join('; ')}` : ''}`);
  return { env, results, failed };
}
