// host-events.test.mjs — load()'s onHostEvent hook, against the real HTTP
// fixture and real timers: the scheduler's timer armed and cleared, each
// fetch started, settled (answered, failed, timed out, aborted) and ended;
// a hook that throws changes nothing. And in Node, a fetch waiting only on
// its timeout (AbortSignal.timeout, whose timer does not keep the event
// loop alive) times out instead of being taken for a stall.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildDir, assertNoLeaks } from './helpers.mjs';
import { startFixture } from './http-fixture.mjs';
import { load, codes } from '../runtime/js/weft.mjs';

let fx;
before(async () => { fx = await startFixture(); });
after(async () => { await fx.close(); });

async function runWithEvents(scenario, onHostEvent) {
  const events = [];
  const stdout = [];
  const program = await load(new URL('tests/bridge.mjs', buildDir), {
    stdout: (l) => stdout.push(l), stderr: () => {},
    onHostEvent: onHostEvent ?? ((e) => events.push({ ...e })),
  });
  const status = await program.run([scenario, fx.url, fx.refusedUrl]);
  return { status, events, stdout, program };
}

/** Each request's events, by id, in order. */
const byRequest = (events) => {
  const m = new Map();
  for (const e of events.filter((x) => x.type.startsWith('fetch-'))) {
    if (!m.has(e.id)) m.set(e.id, []);
    m.get(e.id).push(e);
  }
  return [...m.values()];
};

test('onHostEvent: each fetch starts, settles (answered, refused, timed out) and ends', async () => {
  const { status, events, program } = await runWithEvents('fetch-failures');
  assert.equal(status, 0);
  const requests = byRequest(events);
  for (const r of requests) {
    assert.deepEqual(r.map((e) => e.type), ['fetch-start', 'fetch-settled', 'fetch-end'], JSON.stringify(r));
  }
  const find = (part) => requests.find((r) => r[0].url.includes(part));
  const refused = find('/nothing');
  assert.equal(refused[1].ok, false);
  assert.equal(refused[1].code, codes.ENET);
  assert.equal(refused[0].timeout, null);
  const reset = find('/t/reset');
  assert.equal(reset[0].method, 'GET');
  assert.deepEqual([reset[1].ok, reset[1].status], [true, 200]);
  const slow = find('/t/slow');
  assert.equal(slow[0].timeout, 100);
  assert.equal(slow[1].code, codes.ETIMEDOUT);
  assert.match(slow[1].message, /timed out after 100 ms$/);
  assert.equal(requests.length, 3, 'the invalid URL and the bad signal are refused before any request');
  assertNoLeaks(program);
});

test('onHostEvent: the scheduler\'s timer is armed for a sleep and cleared; an aborted fetch reports it', async () => {
  const { status, events, program } = await runWithEvents('fetch-abort');
  assert.equal(status, 0);
  const timers = events.filter((e) => e.type === 'timer');
  assert.ok(timers.some((e) => e.ms !== null && e.ms >= 40 && e.ms <= 50), JSON.stringify(timers));
  assert.equal(timers.at(-1).ms, null, 'no timer armed at the end');
  assert.equal(program.stats().timerArmed, false);
  const aborted = byRequest(events).filter((r) => r[1]?.code === codes.ECANCELED);
  assert.ok(aborted.length >= 1, JSON.stringify(events));
  assert.match(aborted[0][1].message, /was aborted$/);
  assertNoLeaks(program);
});

test('onHostEvent: a hook that throws is ignored', async () => {
  let calls = 0;
  const { status, stdout, program } = await runWithEvents('fetch-failures', () => { calls++; throw new Error('observer'); });
  assert.equal(status, 0);
  assert.ok(calls >= 9, `called ${calls} times`);
  assert.match(stdout.at(-1), /timeout rc=deadline or timeout expired/);
  assertNoLeaks(program);
  await assert.rejects(load(new URL('tests/bridge.mjs', buildDir), { onHostEvent: 5 }), TypeError);
});

test('a fetch waiting only on its timeout times out; the stall watcher does not take it for a deadlock', { timeout: 60000 }, () => {
  // A separate process, without the fixture's server keeping its loop
  // alive: fetch() never answers and holds nothing, so only the timeout
  // is left (the other requests fail at once).
  const script = `
    globalThis.fetch = (url, init) => String(url).includes('/t/slow')
      ? new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)))
      : Promise.reject(new TypeError('fetch failed'));
    const { load } = await import(${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)});
    const out = [];
    const p = await load(${JSON.stringify(new URL('tests/bridge.mjs', buildDir).href)}, { stdout: (l) => out.push(l), stderr: () => {} });
    p.run(['fetch-failures', 'http://127.0.0.1:9', 'http://127.0.0.1:9/nothing']).then(
      (s) => console.log('status', s, out.at(-1)), (e) => console.log('failed', e.message));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^status 0 .*timeout rc=deadline or timeout expired msg=weft: fetch .*timed out after 100 ms$/m);
});
