// trace.test.mjs — load()'s `trace` option and WEFT_TRACE (runtime/js/trace.mjs)
// on wasm-tests/trace.c: the file is a Chrome trace of the known program
// (a track per coroutine, running slices closed and apart, waits named by
// kind with their reasons, host operations as paired async spans, every
// flow's start matched by its end); it is written when the program fails
// too; off, there is no trace and no file; bad option values are refused;
// the records kept stay within the bound; long names are cut, and a
// large trace is written whole; each load() WEFT_TRACE traces has its own file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDir } from './helpers.mjs';
import { load, run } from '../runtime/js/weft.mjs';
import { Trace, NAME_MAX, envTraceFile } from '../runtime/js/trace.mjs';

const program = new URL('tests/trace.mjs', buildDir);
const dir = mkdtempSync(join(tmpdir(), 'weft-trace-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const quiet = { stdout: () => {}, stderr: () => {} };
// The host function the caller awaits: a promise JS settles on a later turn.
const functions = { later: () => new Promise((r) => setTimeout(() => r(7), 5)) };

const byPh = (t, ph) => t.traceEvents.filter((e) => e.ph === ph);
const tidOf = (t, name) => byPh(t, 'M').find((e) => e.name === 'thread_name' && e.args.name.endsWith(` ${name}`))?.tid;

/** The structural rules every trace keeps. */
function checkStructure(t) {
  assert.ok(Array.isArray(t.traceEvents));
  for (const e of t.traceEvents) {
    assert.equal(typeof e.ph, 'string');
    assert.equal(typeof e.pid, 'number');
    assert.equal(typeof e.tid, 'number');
    if (e.ph !== 'M') assert.ok(Number.isFinite(e.ts) && e.ts >= 0, JSON.stringify(e));
  }
  const names = byPh(t, 'M').filter((e) => e.name === 'thread_name');
  assert.equal(new Set(names.map((e) => e.tid)).size, names.length, 'one thread_name per track');
  // Running slices: closed (a duration), and apart on each track.
  const runs = byPh(t, 'X').filter((e) => e.cat === 'run');
  const perTid = new Map();
  for (const r of runs) {
    assert.ok(r.dur > 0, JSON.stringify(r));
    if (!perTid.has(r.tid)) perTid.set(r.tid, []);
    perTid.get(r.tid).push(r);
  }
  for (const list of perTid.values()) {
    list.sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < list.length; i++) assert.ok(list[i].ts >= list[i - 1].ts + list[i - 1].dur, 'running slices overlap');
  }
  // Async host spans: each 'b' has its 'e', same id and name, not before it.
  const begins = new Map(byPh(t, 'b').map((e) => [e.id, e]));
  const ends = byPh(t, 'e');
  assert.equal(ends.length, begins.size);
  for (const e of ends) {
    const b = begins.get(e.id);
    assert.ok(b && b.name === e.name && b.ts <= e.ts, JSON.stringify(e));
  }
  // Flows: each 's' has exactly one 'f' with its id, bound to the enclosing slice, later.
  const starts = byPh(t, 's');
  const fins = new Map(byPh(t, 'f').map((e) => [e.id, e]));
  assert.equal(fins.size, starts.length);
  for (const s of starts) {
    const f = fins.get(s.id);
    assert.ok(f && f.bp === 'e' && f.ts > s.ts, JSON.stringify(s));
    // ...inside a running slice of its track
    assert.ok(runs.some((r) => r.tid === f.tid && r.ts < f.ts && f.ts < r.ts + r.dur), `flow ${s.id} ends in no run`);
  }
  return { runs, starts, fins };
}

test('the trace of a known program: its tracks, runs, waits, host spans and flows', async () => {
  const file = join(dir, 'known.json');
  const lines = [];
  const status = await run(program, { args: ['known'], trace: file, functions, stdout: (l) => lines.push(l), stderr: () => {} });
  assert.equal(status, 0);
  assert.deepEqual([...lines].sort(), ['caller rc=0 got 7', 'joined', 'receiver got 42']);
  const t = JSON.parse(readFileSync(file, 'utf8'));
  const { runs, starts, fins } = checkStructure(t);
  const tids = Object.fromEntries(['main', 'sleeper', 'receiver', 'caller'].map((n) => [n, tidOf(t, n)]));
  for (const [n, tid] of Object.entries(tids)) {
    assert.equal(typeof tid, 'number', `a track for ${n}`);
    assert.ok(runs.some((r) => r.tid === tid), `${n} ran`);
    assert.equal(byPh(t, 'i').filter((e) => e.tid === tid && e.cat === 'exit').length, 1, `${n} ended once`);
  }
  const waits = byPh(t, 'X').filter((e) => e.cat === 'wait');
  const waitOf = (who, kind) => waits.find((w) => w.tid === tids[who] && w.name === kind);
  assert.match(waitOf('sleeper', 'sleep')?.args.reason ?? '', /^sleep until /);
  assert.match(waitOf('receiver', 'channel')?.args.reason ?? '', /^receive on channel/);
  assert.match(waitOf('caller', 'js-call')?.args.reason ?? '', /later/);
  assert.match(waitOf('main', 'join')?.args.reason ?? '', /^join of #\d+ "(sleeper|receiver|caller)"$/);
  assert.ok(waits.every((w) => !w.args.unfinished), 'every wait ended');
  // The host function's promise as an async span; the scheduler's timer too, when it was armed (a tick
  // slower than the sleeps finds them due without one).
  assert.ok(byPh(t, 'b').some((e) => e.name === 'host function "later"'));
  const hostSpans = byPh(t, 'b').map((e) => e.name);
  assert.ok(hostSpans.every((n) => n === 'host function "later"' || /^timer \d+ ms$/.test(n)), hostSpans.join(', '));
  // The settle of "later" woke the caller: a flow from the host's settle slice to the caller's run.
  const settle = byPh(t, 'X').find((e) => e.tid === 0 && e.name === 'settle: host function "later"');
  assert.ok(settle, 'a settle slice on the host track');
  assert.ok(starts.some((s) => s.tid === 0 && s.ts >= settle.ts && s.ts <= settle.ts + settle.dur
    && fins.get(s.id).tid === tids.caller), 'a flow from the settle to the caller');
  // main's send woke the receiver: a flow between the two tracks.
  assert.ok(starts.some((s) => s.tid === tids.main && fins.get(s.id).tid === tids.receiver), 'a flow from main to the receiver');
  // A timer that fired (the sleepers may also be found due by an earlier tick) has its slice on the host track.
  assert.equal(byPh(t, 'e').filter((e) => e.args.end === 'fired').length,
    byPh(t, 'X').filter((e) => e.tid === 0 && e.name === 'timer fired').length);
  assert.equal(t.otherData.dropped, 0);
});

test('a failing program\'s trace is written too', async () => {
  const file = join(dir, 'fail.json');
  await assert.rejects(run(program, { args: ['fail'], trace: file, ...quiet }), /faulty/);
  const t = JSON.parse(readFileSync(file, 'utf8'));
  checkStructure(t);
  const faulty = tidOf(t, 'faulty');
  assert.ok(byPh(t, 'i').some((e) => e.tid === faulty && e.name === 'stopped' && e.args.error < 0), 'faulty was stopped');
});

test('WEFT_TRACE=file traces a program that did not ask; without it nothing is traced', async () => {
  const file = join(dir, 'env.json');
  const script = `import { run } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
    process.exitCode = await run(${JSON.stringify(new URL('tests/trace.mjs', buildDir).href)}, { args: ['many', '3'], stdout: () => {} });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, WEFT_TRACE: file }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const t = JSON.parse(readFileSync(file, 'utf8'));
  assert.ok(typeof tidOf(t, 'spinner') === 'number');
  assert.ok(byPh(t, 'X').filter((e) => e.tid === tidOf(t, 'spinner') && e.name === 'yield').length >= 3);
  // Off: no trace, no file.
  const off = join(dir, 'off.json');
  const p = await load(program, { ...quiet });
  assert.equal(await p.run(['many', '3']), 0);
  assert.equal(p.trace(), null);
  assert.equal(existsSync(off), false);
});

test('bad trace options are refused with a clear error', async () => {
  for (const trace of [1, '', {}, null, []]) {
    await assert.rejects(load(program, { trace, ...quiet }), /^TypeError: weft: trace is true, false or a file name/);
  }
  for (const traceLimit of [0, 9, 1.5, '100', NaN, 1e9]) {
    await assert.rejects(load(program, { trace: true, traceLimit, ...quiet }), /^TypeError: weft: traceLimit is an integer from 10/);
  }
  await assert.rejects(load(program, { trace: join(dir, 'no', 'such', 'dir', 't.json'), ...quiet }),
    /^Error: weft: cannot write the trace file .*t\.json: ENOENT/);
});

test('a trace keeps at most its limit of records, however many events', async () => {
  const p = await load(program, { trace: true, traceLimit: 100, ...quiet });
  assert.equal(await p.run(['many', '20000']), 0);
  const t = p.trace();
  checkStructure(t);
  const records = t.traceEvents.filter((e) => e.ph !== 'M');
  assert.ok(records.length <= 2 * 100, `${records.length} events`); // a record is one event, or a pair
  assert.ok(t.otherData.dropped > 20000, `dropped ${t.otherData.dropped}`);
  assert.equal(t.otherData.limit, 100);
  // The records kept are the last: the spinner's end is among them.
  assert.ok(byPh(t, 'i').some((e) => e.tid === tidOf(t, 'spinner')));
});

test('trace: true keeps the trace in memory: program.trace() while it runs and after', async () => {
  const p = await load(program, { trace: true, functions, ...quiet });
  const ran = p.run(['known']);
  const early = p.trace();
  assert.ok(early.traceEvents.some((e) => e.name === 'thread_name' && e.args.name === '#1 main'));
  assert.equal(await ran, 0);
  checkStructure(p.trace());
});

test('long names and reasons are cut; a trace of many long-named spans is written whole', async () => {
  // A fetch of a 60 KB data: URL, 6,000 times: names of 60 KB each would make pieces of the file longer
  // than the engine's longest string.
  const url = `data:text/plain,${'x'.repeat(60000)}`;
  const file = join(dir, 'long.json');
  const t = new Trace(20000, file);
  for (let op = 1; op <= 6000; op++) {
    t.spanBegin(op, `fetch ${url}`);
    t.settle(op, 200);
    t.hostEnd();
  }
  t.event(0, 1, 0, `co ${'n'.repeat(1000)}`); // a spawn (WEFT_ABI_TRACE_SPAWN) with a long name
  await t.save();
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const spans = byPh(j, 'b'), settles = byPh(j, 'X').filter((e) => e.name.startsWith('settle: '));
  assert.equal(spans.length, 6000);
  assert.equal(settles.length, 6000);
  for (const e of [...spans, ...settles]) {
    assert.ok(e.name.length <= NAME_MAX && e.name.endsWith('…'), e.name);
  }
  assert.ok(spans[0].name.startsWith('fetch data:text/plain,xxxx'));
  assert.ok(settles[0].name.startsWith('settle: fetch data:text/plain,xxxx'));
  const co = byPh(j, 'M').find((e) => e.tid === 1 && e.name === 'thread_name');
  assert.ok(co.args.name.length <= NAME_MAX + 4 && co.args.name.startsWith('#1 co nnn'), co.args.name);
});

test('WEFT_TRACE=FILE gives each load() in the process its own file: FILE, then FILE-2, FILE-3', async () => {
  assert.equal(envTraceFile('t.json', 1), 't.json');
  assert.equal(envTraceFile('t.json', 2), 't-2.json');
  assert.equal(envTraceFile('out/t', 3), 'out/t-3');
  assert.equal(envTraceFile('a.d/t', 2), 'a.d/t-2');
  const file = join(dir, 'two.json');
  // Two programs at once in one process, then a third after them.
  const script = `import { run } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
    const p = ${JSON.stringify(new URL('tests/trace.mjs', buildDir).href)}, o = { stdout: () => {} };
    const all = await Promise.all([run(p, { ...o, args: ['many', '300'] }), run(p, { ...o, args: ['many', '200'] })]);
    all.push(await run(p, { ...o, args: ['many', '100'] }));
    process.exitCode = all.reduce((a, b) => a + b);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, WEFT_TRACE: file }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const yields = [];
  for (const f of [file, join(dir, 'two-2.json'), join(dir, 'two-3.json')]) {
    const t = JSON.parse(readFileSync(f, 'utf8'));
    checkStructure(t);
    const spinner = byPh(t, 'M').filter((e) => e.name === 'thread_name' && e.args.name.endsWith(' spinner'));
    assert.equal(spinner.length, 1, `${f}: one program's trace`);
    yields.push(byPh(t, 'X').filter((e) => e.tid === spinner[0].tid && e.name === 'yield').length);
  }
  assert.deepEqual(yields, [300, 200, 100]);
});
