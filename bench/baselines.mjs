// baselines.mjs — the JS side of each benchmark kernel: the same work
// written the way JS does it, bracketed by the same marks as the C kernels
// (mark(1) … mark(0)), checking every value it gets and throwing otherwise.
// Each returns {ops, ...figures}. `heapUsed` (Node with --expose-gc only)
// makes the memory baselines also measure JS heap bytes: used only in an
// extra, untimed run, since a full GC in the middle would change the timing.

const check = (bad, what) => { if (bad) throw new Error(`bench: JS baseline ${what}`); };

/** A JS `await null` hop, n times: the baseline of a coroutine switch. */
export async function awaitHops(mark, n) {
  let hops = 0;
  mark(1);
  for (let i = 0; i < n; i++) { await null; hops++; }
  mark(0);
  check(hops !== n, `made ${hops} of ${n} hops`);
  return { ops: n };
}

/** Await one already-resolved promise of 42, n times. */
export async function awaitResolved(mark, n, resolved) {
  let bad = 0;
  mark(1);
  for (let i = 0; i < n; i++) bad += (await resolved) !== 42;
  mark(0);
  check(bad, `await: ${bad} of ${n} values were not 42`);
  return { ops: n };
}

/** n async calls (each awaits once) in batches of 1000: spawn + exit. */
export async function asyncCalls(mark, n) {
  const f = async (x) => { await null; return x; };
  let bad = 0;
  mark(1);
  for (let done = 0; done < n; done += 1000) {
    const ps = [];
    for (let i = 0; i < 1000 && done + i < n; i++) ps.push(f(done + i + 1));
    const rs = await Promise.all(ps);
    for (let i = 0; i < rs.length; i++) bad += rs[i] !== done + i + 1;
  }
  mark(0);
  check(bad, `async calls: ${bad} of ${n} returned the wrong value`);
  return { ops: n };
}

/** An unbuffered promise-based channel, the baseline of a weft_chan. */
class Channel {
  constructor() { this.takers = []; this.values = []; }
  send(v) { const t = this.takers.shift(); if (t) t(v); else this.values.push(v); }
  recv() { return this.values.length ? Promise.resolve(this.values.shift()) : new Promise((r) => this.takers.push(r)); }
}

/** n round trips through two async-queue channels; values checked at both ends. */
export async function pingPong(mark, n) {
  const ping = new Channel(), pong = new Channel();
  let badThere = 0, bad = 0;
  const ponger = (async () => { for (let i = 0; i < n; i++) { const v = await ping.recv(); badThere += v !== i; pong.send(v); } })();
  mark(1);
  for (let i = 0; i < n; i++) { ping.send(i); bad += (await pong.recv()) !== i; }
  mark(0);
  await ponger;
  check(bad || badThere, `ping-pong: ${bad} + ${badThere} wrong values`);
  return { ops: n };
}

const CANCELED = new Error('canceled');

/** n async chains two calls deep, each asleep in an 11-day setTimeout, all
 * pending at once (checked), then cancelled and awaited: the baseline of
 * sleepers.c. */
export async function sleepers(mark, n, heapUsed) {
  const cancels = new Array(n);
  const sleep = (i, ms) => new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    cancels[i] = () => { clearTimeout(t); reject(CANCELED); };
  });
  const level2 = async (i, x) => {
    try { await sleep(i, 1e9); } catch (e) { if (e === CANCELED) return x * 2; throw e; }
    return -1;
  };
  const level1 = async (i) => (await level2(i, i + 1)) + 1;
  const chains = new Array(n);
  const heap0 = heapUsed?.();
  mark(1);
  for (let i = 0; i < n; i++) chains[i] = level1(i);
  mark(0);
  let asleep = 0;
  for (let i = 0; i < n; i++) asleep += typeof cancels[i] === 'function';
  check(asleep !== n, `sleepers: ${asleep} of ${n} asleep at once`);
  const bytes = heapUsed ? (heapUsed() - heap0) / n : undefined;
  let bad = 0;
  mark(1);
  for (let i = 0; i < n; i++) cancels[i]();
  for (let i = 0; i < n; i++) bad += (await chains[i]) !== 2 * (i + 1) + 1;
  mark(0);
  check(bad, `sleepers: ${bad} of ${n} were not woken by their cancel`);
  return { ops: n, bytes_per_chain: bytes };
}

/** n async functions asleep in setTimeout at pseudo-random 0-999 ms (the
 * same delays as sleepers.c's timers); the lateness of each wake. */
export async function timers(mark, n) {
  const late = new Float64Array(n);
  const sleeper = async (i) => {
    const ms = Number((BigInt(i) * 2654435761n) % 1000n);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    late[i] = performance.now() - t0 - ms;
    return 1;
  };
  const all = new Array(n);
  mark(1);
  for (let i = 0; i < n; i++) all[i] = sleeper(i);
  const woke = (await Promise.all(all)).reduce((a, b) => a + b, 0);
  mark(0);
  check(woke !== n, `timers: ${woke} of ${n} woke`);
  late.sort();
  return { ops: 1, p50_ms: late[n >> 1], p99_ms: late[Math.floor((n * 99) / 100)], max_ms: late[n - 1] };
}

/** n concurrent fetches of url, each body read whole; bodies checked after
 * the measurement, as bridge.c does. */
export async function fetches(mark, url, n, expect) {
  mark(1);
  const bodies = await Promise.all(Array.from({ length: n }, () => fetch(url).then((r) => {
    if (r.status !== 200) throw new Error(`bench: fetch ${url}: HTTP ${r.status}`);
    return r.arrayBuffer();
  })));
  mark(0);
  let bad = 0;
  for (const b of bodies) {
    const p = new Uint8Array(b);
    let ok = p.length === expect;
    for (let i = 0; ok && i < p.length; i++) ok = p[i] === (((i % 65536) * 31 + 7) & 255);
    bad += !ok;
  }
  check(bad, `fetch: ${bad} of ${n} bodies were not the ${expect} bytes expected`);
  return { ops: 1 };
}

/** k async functions round-robin: all pending at once on a gate, then each
 * hops r times (the gate, then r - 1 `await null`): the baseline of
 * scale.c's ring. */
export async function ring(mark, k, r, heapUsed) {
  let release, finish, done = 0, bad = 0;
  const gate = new Promise((res) => { release = res; });
  const all = new Promise((res) => { finish = res; });
  const ringer = async () => {
    let hops = 0;
    await gate;
    hops++;
    for (let j = 1; j < r; j++) { await null; hops++; }
    bad += hops !== r;
    if (++done === k) finish();
  };
  const heap0 = heapUsed?.();
  for (let i = 0; i < k; i++) ringer();
  const bytes = heapUsed ? (heapUsed() - heap0) / k : undefined;
  mark(1);
  release();
  await all;
  mark(0);
  check(bad, `ring: ${bad} of ${k} functions did not hop ${r} times`);
  return { ops: k * r, bytes_per_function: bytes };
}

/** n concurrent calls of an async function that awaits once. */
export async function concurrentCalls(mark, n) {
  const noop = async (x) => { await null; return x; };
  mark(1);
  const r = await Promise.all(Array.from({ length: n }, (_, i) => noop(i)));
  mark(0);
  check(r.some((v, i) => v !== i), 'calls: a wrong result');
  return { ops: n };
}
