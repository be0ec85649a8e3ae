// kernels.mjs — the benchmark's kernels: for each, its sides (a weft C
// kernel from bench/*.c and its JS baseline from baselines.mjs, run by
// harness.mjs), and the figures printed beside their targets (issue 13).
// Where the engine has JSPI, the C kernels also run as weft-cc --jspi
// builds (build/jspi/bench/), beside the Asyncify ones, with the JSPI
// backend's targets (issue 14), except those over its cap on live coroutines.
// Every side checks its own preconditions and values and throws (a C
// kernel exits with status 70) when they do not hold. The same code runs
// in Node and in a page; `quick` shrinks every N for development.
import { load } from '../runtime/js/weft.mjs';
import * as js from './baselines.mjs';
import { hasJspi, jspiLoop } from './jspi.mjs';
import { heapUsed, ratio, readBytes, runPlain, runWeft } from './harness.mjs';
import { streamThroughput, wsThroughput } from './throughput.mjs';

const fmt = (n) => n.toLocaleString('en-US');
const short = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : `${n}`);
const max = (s, key, field) => Math.max(...s[key].runs.map((r) => r[field]));
const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
const atMost = (value) => ({ op: '≤', value });
const atLeast = (value) => ({ op: '≥', value });
const noHeap = 'JS heap bytes: skipped (they need Node run with --expose-gc; a page has no gc)';
const isNode = typeof process === 'object' && !!process.versions?.node;

/** The WebSocket server of the ws-throughput kernel (bench/ws-source.mjs,
 * a worker thread), started once, when first needed. */
let wsSource = null;
const wsSourceUrl = async () => {
  const path = './ws-source.mjs'; // Node only: opaque to bundlers building for the web
  wsSource ??= import(/* @vite-ignore */ path).then((m) => m.startWsSource());
  return (await wsSource).url;
};
const mibPerSecond = (s, key) => ({ label: `${s[key].label}: MiB per second (wall, min)`, value: 1000 / s[key].wall.min, unit: 'MiB/s' });

const digests = new Map();
/** The SHA-256 of the MiB MiB of xorshift32 bytes bench/sha256.c hashes,
 * by WebCrypto (Node and pages alike), as hex. */
export function sha256Digest(mib) {
  if (!digests.has(mib)) {
    digests.set(mib, (async () => {
      const data = new Uint8Array(mib << 20);
      let x = 2463534242;
      for (let i = 0; i < data.length; i++) {
        x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        data[i] = x & 255;
      }
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
      return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
    })());
  }
  return digests.get(mib);
}

/** The kernels, in the order they run. `build`: the folder of the built
 * bench programs; `origin`: the HTTP server with the fixture's /t/big
 * endpoint; `only`: kernel ids (or id prefixes before a '-') to keep. */
export function kernels({ quick = false, build = new URL('../build/bench/', import.meta.url), origin, only } = {}) {
  const q = (full, small) => (quick ? small : full);
  const weft = (name, args, options) => () => runWeft(build, name, args, options);
  // The same C kernels built with weft-cc --jspi (build.sh: build/jspi/bench/),
  // where the engine has JSPI: a side `jspi(side)` adds, or nothing.
  const jspiBuild = new URL('../jspi/bench/', build);
  const weftJ = (name, args, options) => () => runWeft(jspiBuild, name, args, options);
  const onJspi = (side) => (hasJspi ? side : false);
  /** The JSPI build's side beside the Asyncify one, and their ratio. */
  const both = (key, label, name, args, options) => [
    { key, label: `${label} (Asyncify)`, run: weft(name, args, options) },
    onJspi({ key: `${key}J`, label: `${label} (JSPI)`, run: weftJ(name, args, options) }),
  ];
  const jspiVsAsyncify = (s, key, target) => s[`${key}J`] && ratio(s, `${key}J`, key, { label: 'JSPI build ÷ Asyncify build', target });
  const resolved = Promise.resolve(42);

  const N = q(2e6, 2e5), A = q(2e5, 2e4), P = q(5e5, 5e4), S = q(2e5, 2e4);
  // Live coroutines a JSPI run may hold at once: under its cap of 12,000 in
  // Node; in a page only 1,000 (Chromium crashes far sooner once earlier
  // kernels' memory is held).
  const jspiLive = isNode ? 1e4 : 1e3;
  const M = q(1e6, 1e5), MD = q(1e5, 1e4), T = q(1e5, 1e4), F = q(1000, 200), MiB = q(64, 16);
  const jspiSide = (n) => hasJspi && {
    key: 'jspi', label: 'JSPI await',
    run: async (mark) => {
      const run = await jspiLoop(() => resolved);
      mark(1);
      const sum = await run(n);
      mark(0);
      if (sum !== 42 * n) throw new Error(`bench: JSPI loop summed ${sum}, expected ${42 * n}`);
      return { ops: n };
    },
  };
  const noJspi = hasJspi ? [] : ['no JSPI in this engine (WebAssembly.Suspending): its JSPI sides are skipped'];
  const overCap = ['the JSPI build is not run: this many live coroutines is over its cap (12,000: each holds an engine stack)'];

  const expectedDigest = () => sha256Digest(MiB);
  const sha = (run) => async () => {
    const f = await run();
    const want = await expectedDigest();
    if (f.digest !== want) throw new Error(`bench: sha256 digest ${f.digest}, expected ${want}`);
    return { ...f, ops: MiB };
  };
  const size = async (name) => (await readBytes(new URL(`${name}.wasm`, build))).length;

  const list = [
    {
      id: 'switch', title: `coroutine switch: two coroutines yielding through the scheduler, ${fmt(N)} yields each`,
      unit: 'ns per switch',
      sides: [
        ...both('weft', 'weft switch', 'core', ['switch', N]),
        { key: 'js', label: 'JS await null hop', run: (mark) => js.awaitHops(mark, 2 * N) },
        { key: 'fiber', label: 'emscripten_fiber_swap', run: () => runPlain(build, 'fibers', [N / 10]) },
      ],
      figures: (s) => [
        ratio(s, 'weft', 'js', { label: 'switch ÷ JS await null hop', target: atMost(1) }),
        jspiVsAsyncify(s, 'weft'),
        ratio(s, 'fiber', 'weft', { label: 'emscripten_fiber_swap ÷ switch (times faster)', target: atLeast(10) }),
        { label: 'bytes unwound per switch', value: max(s, 'weft', 'bytes_per_unwind'), unit: 'B' },
      ],
    },
    {
      // The trace (load's `trace`, runtime/js/trace.mjs): off, each event
      // point in the kernel is one branch on a flag (the switch's code is
      // the same as before tracing existed); on, each switch sends two
      // events to JS (suspend, resume), each a record kept in the ring.
      id: 'trace-switch', title: `the trace's cost: the switch kernel (${fmt(N / 4)} yields each) with trace off and on`,
      unit: 'ns per switch',
      sides: [
        { key: 'off', label: 'switch, trace off', run: weft('core', ['switch', N / 4]) },
        { key: 'on', label: 'switch, trace on', run: weft('core', ['switch', N / 4], { trace: true }) },
      ],
      // In a page performance.now(), read for each event, is dearer: there
      // the same targets are missed (21-28x measured in Chromium 156).
      figures: (s, _, env) => [ratio(s, 'on', 'off', { label: 'trace on ÷ off', target: atMost(8) })],
    },
    {
      id: 'trace-pingpong', title: `the trace's cost: channel ping-pong (${fmt(P / 4)} round trips) with trace off and on`,
      unit: 'ns per round trip',
      sides: [
        { key: 'off', label: 'ping-pong, trace off', run: weft('core', ['pingpong', P / 4]) },
        { key: 'on', label: 'ping-pong, trace on', run: weft('core', ['pingpong', P / 4], { trace: true }) },
      ],
      // A round trip is four waits, each with its words (snprintf in C, decoded in JS), four wakes and their flows.
      figures: (s, _, env) => [ratio(s, 'on', 'off', { label: 'trace on ÷ off', target: atMost(10) })],
    },
    {
      id: 'await', title: 'await of an already-resolved JS promise: weft_call from C',
      unit: 'ns per await', notes: noJspi,
      sides: [
        ...both('weft', 'weft_call from C', 'bridge', ['await', A], { functions: { resolved: () => resolved } }),
        { key: 'js', label: 'JS await', run: (mark) => js.awaitResolved(mark, 10 * A, resolved) },
        jspiSide(10 * A),
      ],
      figures: (s, _, env) => [
        ratio(s, 'weft', 'js', { label: 'weft_call ÷ JS await', target: atMost(env.engine === 'chromium' ? 8 : 5) }),
        s.jspi && ratio(s, 'weft', 'jspi', { label: 'weft_call (Asyncify) ÷ JSPI await' }),
        s.jspi && ratio(s, 'weftJ', 'jspi', { label: 'weft_call (JSPI build) ÷ raw JSPI await', target: atMost(1.5) }),
        jspiVsAsyncify(s, 'weft'),
      ],
    },
    {
      id: 'pingpong', title: 'channel ping-pong: a round trip through two unbuffered channels, every value checked',
      unit: 'ns per round trip',
      sides: [
        ...both('weft', 'weft_chan', 'core', ['pingpong', P]),
        { key: 'js', label: 'JS async-queue channel', run: (mark) => js.pingPong(mark, P) },
      ],
      figures: (s) => [ratio(s, 'weft', 'js', { label: 'ping-pong ÷ JS', target: atMost(0.8) }), jspiVsAsyncify(s, 'weft')],
    },
    {
      id: 'pipe-pingpong', title: 'pipe ping-pong: a round trip of a long through two pipes with read() and write(), every value checked',
      unit: 'ns per round trip',
      sides: [
        ...both('weft', 'weft pipes', 'pipes', ['pipe-pingpong', P]),
        { key: 'chan', label: 'weft_chan', run: weft('core', ['pingpong', P]) },
        { key: 'js', label: 'JS async-queue channel', run: (mark) => js.pingPong(mark, P) },
      ],
      figures: (s) => [ratio(s, 'weft', 'chan', { label: 'pipe ping-pong ÷ channel ping-pong' }),
        ratio(s, 'weft', 'js', { label: 'pipe ping-pong ÷ JS async-queue ping-pong' }), jspiVsAsyncify(s, 'weft')],
    },
    {
      id: 'pipe-throughput', warmup: 1, scale: 1, unit: 'ms per MiB',
      title: `${MiB} MiB through a pipe between two coroutines: write() and read() of 64 KiB, every byte and the count checked`,
      sides: [
        ...both('weft', 'weft pipe', 'pipes', ['pipe-throughput', MiB]),
        { key: 'js', label: 'JS ReadableStream, 64 KiB chunks', run: (mark) => streamThroughput(mark, MiB) },
      ],
      figures: (s) => [
        mibPerSecond(s, 'weft'),
        mibPerSecond(s, 'js'),
        ratio(s, 'weft', 'js', { label: 'pipe ÷ JS stream', basis: 'wall' }),
        jspiVsAsyncify(s, 'weft'),
      ],
    },
    {
      id: 'ws-throughput', warmup: 1, scale: 1, unit: 'ms per MiB',
      title: `${MiB} MiB from a WebSocket server on 127.0.0.1 (64 KiB messages): read() in C against plain JS onmessage, every byte and the count checked`,
      notes: ['the server runs in a worker thread of this Node (bench/ws-source.mjs): its CPU time is in neither side'],
      ...(isNode && typeof WebSocket === 'function' ? {
        sides: [
          { key: 'weft', label: 'weft_socket_connect + read() (Asyncify)', run: async () => runWeft(build, 'pipes', ['ws-throughput', await wsSourceUrl(), MiB]) },
          onJspi({ key: 'weftJ', label: 'weft_socket_connect + read() (JSPI)', run: async () => runWeft(jspiBuild, 'pipes', ['ws-throughput', await wsSourceUrl(), MiB]) }),
          { key: 'js', label: 'JS WebSocket onmessage', run: async (mark) => wsThroughput(mark, await wsSourceUrl(), MiB) },
        ],
        figures: (s) => [
          ratio(s, 'weft', 'js', { label: 'WebSocket read ÷ JS', basis: 'wall', target: atMost(1.1) }),
          s.weft.cpu && ratio(s, 'weft', 'js', { label: 'WebSocket read ÷ JS' }),
          mibPerSecond(s, 'weft'),
          mibPerSecond(s, 'js'),
          jspiVsAsyncify(s, 'weft'),
        ],
      } : {
        table: () => [isNode ? `skipped: Node ${process.versions.node} has no global WebSocket (Node 20: only with --experimental-websocket)`
          : 'skipped: its server is a Node worker thread, which a page cannot start'],
      }),
    },
    {
      id: 'spawn', title: `spawn + exit + join, ${fmt(S)} in batches of 1000, every result checked`,
      unit: 'ns per coroutine',
      sides: [
        ...both('weft', 'weft (default stack)', 'core', ['spawn', S]),
        { key: 'compact', label: 'weft (compact)', run: weft('core', ['spawn-compact', S]) },
        { key: 'js', label: 'JS async call', run: (mark) => js.asyncCalls(mark, S) },
      ],
      figures: (s) => [
        ratio(s, 'weft', 'js', { label: 'spawn+exit (default stacks) ÷ JS async call', target: atMost(1) }),
        ratio(s, 'compact', 'js', { label: 'spawn+exit (compact) ÷ JS async call' }),
        jspiVsAsyncify(s, 'weft'),
      ],
    },
    {
      id: 'select8', title: 'select over 8 buffered channels: one send + one select, the value checked',
      unit: 'ns per send + select', sides: both('weft', 'weft_select', 'core', ['select8', P]),
      figures: (s) => [jspiVsAsyncify(s, 'weft')],
    },
    {
      id: 'mutex', title: `a contended mutex: ${fmt(S / 2)} coroutines, each yields while holding it, count checked`,
      // On JSPI, as many as it may hold at once (jspiLive).
      unit: 'ns per coroutine', sides: [both('weft', 'weft_mutex', 'core', ['mutex', S / 2])[0],
        onJspi({ key: 'weftJ', label: `weft_mutex (JSPI, ${fmt(Math.min(S / 2, jspiLive))} coroutines)`, run: weftJ('core', ['mutex', Math.min(S / 2, jspiLive)]) })],
      figures: (s) => [jspiVsAsyncify(s, 'weft')],
    },
    {
      id: 'sleepers', warmup: 0, unit: 'ns per coroutine (spawned until all asleep + cancelled until all joined)',
      title: `${fmt(M)} coroutines asleep at once (compact, two calls deep; checked), woken by cancel`,
      notes: [...(heapUsed ? [] : [noHeap]), ...overCap],
      sides: [
        { key: 'weft', label: 'weft compact coroutines', run: weft('sleepers', ['sleepers', M, 'compact']) },
        { key: 'js', label: 'JS async chains in setTimeout', run: (mark) => js.sleepers(mark, M) },
      ],
      probe: async () => (heapUsed ? js.sleepers(() => {}, M, heapUsed) : {}),
      figures: (s, p) => [
        { label: 'heap bytes per compact sleeper (malloc, all asleep)', value: max(s, 'weft', 'bytes_per_coroutine'), unit: 'B', target: atMost(300) },
        { label: 'held bytes per compact sleeper (weft_get_stats)', value: max(s, 'weft', 'held_per_coroutine'), unit: 'B' },
        ratio(s, 'weft', 'js', { label: 'created and joined ÷ JS', basis: 'wall', target: atMost(1.5) }),
        s.weft.cpu && ratio(s, 'weft', 'js', { label: 'created and joined ÷ JS' }),
        p.bytes_per_chain !== undefined && { label: 'JS heap bytes per pending chain (with its Timeout)', value: p.bytes_per_chain, unit: 'B' },
      ],
    },
    {
      id: 'sleepers-default', warmup: 0, unit: 'ns per coroutine',
      title: `${fmt(MD)} coroutines with default stacks asleep at once (checked), woken by cancel`,
      notes: ['WEFT_DEFAULT_STACK is 16 KiB; the stack size is the caller\'s choice (weft_opts.stack_size, or WEFT_COMPACT)', ...overCap],
      sides: [{ key: 'weft', label: 'weft default coroutines', run: weft('sleepers', ['sleepers', MD, 'default']) }],
      figures: (s) => [
        { label: 'heap bytes per default-stack sleeper (malloc, all asleep)', value: max(s, 'weft', 'bytes_per_coroutine'), unit: 'B' },
        { label: 'held bytes per default-stack sleeper (weft_get_stats)', value: max(s, 'weft', 'held_per_coroutine'), unit: 'B' },
      ],
    },
    {
      id: 'timers', warmup: 0, scale: 1, unit: 'ms for the run',
      title: `${fmt(T)} sleepers at pseudo-random 0-999 ms (compact), each wake's lateness`,
      notes: ['lateness counts from each sleeper\'s start; one due before all have started waits for the others\' ' +
        'start-up to end (on both sides): that, more than the timers, sets the p99', ...overCap],
      sides: [
        { key: 'weft', label: 'weft_sleep', run: weft('sleepers', ['timers', T]) },
        { key: 'js', label: 'JS async + setTimeout', run: (mark) => js.timers(mark, T) },
      ],
      figures: (s) => [
        ratio(s, 'weft', 'js', { label: 'wall ÷ JS', basis: 'wall', target: atMost(1) }),
        s.weft.cpu && ratio(s, 'weft', 'js', { label: 'CPU ÷ JS' }),
        { label: 'weft p99 lateness, median of the rounds', value: median(s.weft.runs.map((r) => r.p99_ms)), unit: 'ms', target: atMost(2),
          note: `p50 ${median(s.weft.runs.map((r) => r.p50_ms)).toFixed(2)} ms; JS: p99 ${median(s.js.runs.map((r) => r.p99_ms)).toFixed(2)}, p50 ${median(s.js.runs.map((r) => r.p50_ms)).toFixed(2)} ms` },
      ],
    },
    origin && {
      id: 'fetch', scale: 1, unit: 'ms for the run',
      title: `${fmt(F)} concurrent 64 KiB fetches, every body checked byte by byte`,
      sides: [
        ...both('weft', 'weft_fetch', 'bridge', ['fetch', `${origin}/t/big?kb=64`, F, 65536]),
        { key: 'js', label: 'JS fetch → arrayBuffer', run: (mark) => js.fetches(mark, `${origin}/t/big?kb=64`, F, 65536) },
      ],
      figures: (s) => [
        ratio(s, 'weft', 'js', { label: 'fetch ÷ JS', target: atMost(1.1) }),
        s.weft.cpu && ratio(s, 'weft', 'js', { label: 'fetch ÷ JS', basis: 'wall' }),
        jspiVsAsyncify(s, 'weft'),
      ],
    },
    {
      id: 'calls', title: `${fmt(F * 10)} concurrent calls from JS: program.call of a C export vs an async JS function`,
      unit: 'ns per call',
      sides: [
        { key: 'weft', label: 'program.call (C, Asyncify)', run: calls(build) },
        onJspi({ key: 'weftJ', label: 'program.call (C, JSPI)', run: calls(jspiBuild) }),
        { key: 'js', label: 'JS async call', run: (mark) => js.concurrentCalls(mark, F * 100) },
      ],
      figures: (s) => [ratio(s, 'weft', 'js', { label: 'program.call ÷ JS async call' }), jspiVsAsyncify(s, 'weft')],
    },
    {
      id: 'sha256', warmup: 0, scale: 1, unit: 'ms per MiB',
      title: `the Asyncify tax: SHA-256 over ${MiB} MiB (digests checked by WebCrypto), last of 2 rounds`,
      sides: [
        { key: 'weft', label: 'weft-cc, yields every MiB', run: sha(weft('sha256', ['yield', MiB, 2])) },
        onJspi({ key: 'weftJ', label: 'weft-cc --jspi, yields every MiB', run: sha(weftJ('sha256', ['yield', MiB, 2])) }),
        { key: 'bare', label: 'same program, no Asyncify', run: sha(weft('sha256-noasyncify', ['noyield', MiB, 2])) },
        { key: 'plain', label: 'kernel alone, plain emcc', run: sha(() => runPlain(build, 'sha256-plain', ['noyield', MiB, 2])) },
      ],
      probe: async () => ({ weft: await size('sha256'), bare: await size('sha256-noasyncify'), plain: await size('sha256-plain'),
        jspi: (await readBytes(new URL('sha256.wasm', jspiBuild))).length }),
      figures: (s, p) => [
        ratio(s, 'bare', 'weft', { label: 'throughput ÷ without Asyncify', target: atLeast(0.95) }),
        ratio(s, 'plain', 'weft', { label: 'throughput ÷ the plain kernel' }),
        { label: `.wasm ${fmt(p.weft)} B ÷ ${fmt(p.bare)} B without Asyncify`, value: p.weft / p.bare, unit: '×', target: atMost(1.15),
          note: `the kernel alone is ${fmt(p.plain)} B` },
        s.weftJ && ratio(s, 'bare', 'weftJ', { label: 'JSPI build: throughput ÷ without Asyncify', target: atLeast(0.99) }),
        { label: `JSPI build: .wasm ${fmt(p.jspi)} B ÷ ${fmt(p.bare)} B without Asyncify`, value: p.jspi / p.bare, unit: '×', target: atMost(1.02) },
      ],
    },
    depthKernel(),
    parkKernel(),
    ...ringKernels(),
  ];
  /** F * 10 concurrent program.call()s of bridge.c's noop export, from `dir`. */
  function calls(dir) {
    return async (mark) => {
      const program = await load(new URL('bridge.mjs', dir));
      mark(1);
      const r = await Promise.all(Array.from({ length: F * 10 }, (_, i) => program.call('noop', i)));
      mark(0);
      if (r.some((v, i) => v !== i)) throw new Error('bench: program.call returned a wrong value');
      return { ops: F * 10 };
    };
  }

  const named = (k, o) => k.id === o || k.id.startsWith(`${o}-`);
  const unknown = (only ?? []).filter((o) => !list.some((k) => k && named(k, o)));
  if (unknown.length) throw new Error(`bench: no kernel named ${unknown.join(', ')}; known: ${list.filter(Boolean).map((k) => k.id).join(', ')}`);
  return list.filter((k) => k && (!only?.length || only.some((o) => named(k, o))));

  /** Switch cost against the stack depth under the yield, on both
   * backends, beside a raw JSPI await. */
  function depthKernel() {
    const depths = [0, 8, 32, 128];
    const n = q(1e6, 1e5);
    return {
      id: 'depth', title: `switch cost against stack depth: two coroutines recurse D frames, then yield ${fmt(n)} times each`,
      unit: 'ns per switch or await', notes: noJspi,
      sides: [...depths.flatMap((d) => both(`d${d}`, `depth ${d}`, 'scale', ['depth', d, n])), jspiSide(2 * n)],
      figures: (s) => {
        // Asyncify saves the frames it unwinds: they must grow with the depth.
        const bytes = depths.map((d) => max(s, `d${d}`, 'bytes_per_unwind'));
        if (bytes.some((b, i) => i && b < bytes[i - 1] + 4 * (depths[i] - depths[i - 1])))
          throw new Error(`bench: bytes per unwind ${bytes.join(', ')} do not grow with depth ${depths.join(', ')}: the frames are not on the stack`);
        return depths.flatMap((d, i) => [
          { label: `depth ${d}: bytes unwound per switch (Asyncify)`, value: bytes[i], unit: 'B' },
          s.jspi && ratio(s, `d${d}`, 'jspi', { label: `depth ${d}: Asyncify switch ÷ raw JSPI await` }),
          s[`d${d}J`] && ratio(s, `d${d}J`, `d${d}`, { label: `depth ${d}: JSPI switch ÷ Asyncify switch`, target: d === 128 ? atMost(0.25) : undefined }),
        ]);
      },
    };
  }

  /** Memory per suspended coroutine against the depth it waits at: K
   * coroutines (default stacks) parked D frames deep at once, on both
   * backends. The heap bytes are weft's (malloc); in Node the process's
   * resident memory is read there too, which holds JSPI's engine stacks. */
  function parkKernel() {
    const depths = [0, 8, 32, 128];
    const k = q(2000, 500);
    const rssNow = isNode ? () => { globalThis.gc?.(); return process.memoryUsage.rss(); } : null;
    /** A side whose run also reads the resident memory at the program's two probes. */
    const parked = (run) => async (mark) => {
      let rss0 = 0, rss = null;
      globalThis.weftBenchProbe = rssNow && ((phase) => { if (phase === 0) rss0 = rssNow(); else rss = (rssNow() - rss0) / k; });
      try {
        const f = await run(mark);
        if (rssNow && rss === null) throw new Error('bench: park: the program never reached its memory probe');
        return { ...f, rss_per_coroutine: rss ?? undefined };
      } finally {
        globalThis.weftBenchProbe = null;
      }
    };
    const sides = depths.flatMap((d) => both(`d${d}`, `depth ${d}`, 'scale', ['park', d, k]))
      .map((side) => side && { ...side, run: parked(side.run) });
    return {
      id: 'depth-memory', warmup: 1, unit: 'ns per coroutine spawned and parked',
      title: `memory per suspended coroutine against stack depth: ${fmt(k)} coroutines (16 KiB stacks) parked D frames deep at once`,
      notes: [...noJspi, ...(rssNow ? ['resident bytes: the process\'s RSS growth from before the spawns to all parked, after a GC, ' +
        'the max of the rounds; it holds the wasm pages touched and the engine\'s stacks'] : ['resident bytes: Node only'])],
      sides,
      figures: (s) => depths.flatMap((d) => [`d${d}`, `d${d}J`].filter((key) => s[key]).flatMap((key) => [
        { label: `depth ${d}, ${key.endsWith('J') ? 'JSPI' : 'Asyncify'}: heap bytes per parked coroutine (malloc)`, value: max(s, key, 'bytes_per_coroutine'), unit: 'B' },
        rssNow && { label: `depth ${d}, ${key.endsWith('J') ? 'JSPI' : 'Asyncify'}: resident bytes per parked coroutine`, value: max(s, key, 'rss_per_coroutine'), unit: 'B' },
      ])),
    };
  }

  /** K coroutines round-robin, K from 1k to 1M (quick: to 100k); default
   * stacks only while they fit, and a summary of how it scales. */
  function ringKernels() {
    const ks = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
    const defaultCap = 1e5;
    const switches = q(2e6, 2e5);
    const rows = [];
    const kernelsK = ks.map((k) => {
      const r = Math.max(3, Math.ceil(switches / k));
      return {
        id: `ring-${short(k)}`, warmup: k >= 1e5 ? 0 : 1, unit: 'ns per switch or hop',
        title: `${fmt(k)} coroutines round-robin yielding (all suspended at once, checked), ${r} yields each`,
        sides: [
          { key: 'compact', label: 'weft compact', run: weft('scale', ['ring', k, r, 'compact']) },
          k <= defaultCap && { key: 'default', label: 'weft default stack', run: weft('scale', ['ring', k, r, 'default']) },
          k <= jspiLive && onJspi({ key: 'compactJ', label: 'weft compact (JSPI)', run: weftJ('scale', ['ring', k, r, 'compact']) }),
          { key: 'js', label: 'JS async functions', run: (mark) => js.ring(mark, k, r) },
        ],
        probe: async () => (heapUsed ? js.ring(() => {}, k, 2, heapUsed) : {}),
        figures: (s, p) => {
          const on = s.compact.cpu ? 'cpu' : 'wall';
          rows.push({ k, on, compact: s.compact[on].min, cb: max(s, 'compact', 'bytes_per_coroutine'),
            default: s.default?.[on].min, db: s.default && max(s, 'default', 'bytes_per_coroutine'), js: s.js[on].min, jb: p.bytes_per_function });
          return [
            { label: 'heap bytes per compact coroutine', value: rows.at(-1).cb, unit: 'B' },
            s.default && { label: 'heap bytes per default-stack coroutine', value: rows.at(-1).db, unit: 'B' },
            p.bytes_per_function !== undefined && { label: 'JS heap bytes per pending async function', value: p.bytes_per_function, unit: 'B' },
            ratio(s, 'compact', 'js', { label: 'compact switch ÷ JS hop' }),
            s.default && ratio(s, 'default', 'js', { label: 'default-stack switch ÷ JS hop' }),
            s.compactJ && ratio(s, 'compactJ', 'compact', { label: 'compact switch: JSPI build ÷ Asyncify build' }),
          ];
        },
      };
    });
    const summary = {
      id: 'ring-scaling', title: 'how the switch and the bytes per coroutine scale (from the ring kernels above)',
      notes: heapUsed ? [] : [noHeap],
      table: () => {
        if (!rows.length) return ['(no ring kernel ran)'];
        const cell = (ns, b) => (ns === undefined ? '—' : `${ns.toFixed(1)} ns${b === undefined ? '' : `, ${fmt(Math.round(b))} B`}`);
        const last = rows.findLast((r) => r.db !== undefined);
        return [
          `${'K'.padEnd(10)} ${'compact'.padEnd(20)} ${'default stack'.padEnd(20)} JS async function   (${rows[0].on === 'cpu' ? 'CPU' : 'wall'} min per switch, heap bytes each)`,
          ...rows.map((r) => `${fmt(r.k).padEnd(10)} ${cell(r.compact, r.cb).padEnd(20)} ${cell(r.default, r.db).padEnd(20)} ${cell(r.js, r.jb)}`),
          last && `default stacks stop at ${fmt(defaultCap)}: 1,000,000 of ${fmt(Math.round(last.db))} B would need ` +
            `${(last.db * 1e6 / 1e9).toFixed(1)} GB, over wasm32's 4 GiB`,
        ].filter(Boolean);
      },
    };
    return [...kernelsK, summary];
  }
}
