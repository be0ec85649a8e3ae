// checks.mjs — what the core scenarios must print, shared by the Node tests
// and the browser tests so both paths are held to the same facts.
import assert from 'node:assert/strict';
import { fields } from './helpers.mjs';

export const checks = {
  'yield-order'(r) {
    assert.equal(r.status, 0);
    const want = [];
    for (let turn = 0; turn < 3; turn++) for (let i = 0; i < 4; i++) want.push(`turn y${i} ${turn}`);
    assert.deepEqual(r.stdout, want);
  },
  'sleep-order'(r) {
    assert.equal(r.status, 0);
    // A sleeper's deadline lies between its start + ms and the next
    // sleeper's start + ms (they start one after another, in tag order,
    // then "closer"): consecutive wakes must be possible in deadline order.
    const woke = r.stdout.filter((l) => l.startsWith('woke ')).map((l) => ({ tag: Number(l.split(' ')[1]), ...fields(l) }));
    const closer = Number(fields(r.stdout.at(-1)).t0);
    assert.equal(woke.length, 8);
    assert.deepEqual(woke.map((w) => w.tag).sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    const byTag = [];
    for (const w of woke) byTag[w.tag] = w;
    const lo = (w) => Number(w.t0) + Number(w.ms);
    const hi = (w) => (w.tag === 7 ? closer : Number(byTag[w.tag + 1].t0)) + Number(w.ms);
    for (let i = 1; i < woke.length; i++) {
      assert.ok(lo(woke[i - 1]) <= hi(woke[i]), `woke out of deadline order: ${woke.map((w) => w.tag)}`);
    }
    for (const w of woke) {
      assert.equal(w.rc, '0');
      assert.ok(Number(w.late) >= 0, `woke early: ${JSON.stringify(w)}`);
    }
  },
  join(r) {
    assert.equal(r.status, 0);
    for (let i = 0; i < 20; i++) assert.ok(r.stdout.includes(`join ${i} rc=0 result=${i * i}`), `join ${i}`);
    assert.ok(r.stdout.includes('exit rc=0 result=77'), 'weft_exit result reaches the joiner');
    assert.ok(!r.stdout.includes('weft_exit returned'));
  },
  locals(r, n = 10000) {
    assert.equal(r.status, 0);
    const f = fields(r.stdout.at(-1));
    assert.equal(f.n, String(n));
    assert.equal(f.bad, '0', 'a local changed across a suspension');
    assert.equal(f.ok, String(n), 'every coroutine saw its own struct intact at the end');
    // 5 suspensions each (yield or sleep(0)): real unwinds and rewinds happened.
    assert.ok(Number(f.unwinds) >= 5 * n, `unwinds=${f.unwinds}`);
    assert.ok(Number(f.rewinds) >= 5 * n, `rewinds=${f.rewinds}`);
  },
  slice(r) {
    // Two coroutines yield to each other until the host has had 3 turns;
    // a tick runs at least 128 of them, so yields never each cost a turn.
    const f = fields(r.stdout[0]);
    assert.ok(Number(f.host_turns) >= 3, `the host got ${f.host_turns} turns while coroutines yielded`);
    assert.ok(Number(f.yields) >= 64 * Number(f.host_turns), `yields=${f.yields} for ${f.host_turns} host turns`);
  },
  identity(r) {
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, [
      'main self=1 name=main argc=2 argv1=identity',
      'self=2 name=a-rather-long-coroutine',
      'self=3 name=co3',
      'detached gone=1',
    ]);
  },
};
checks['locals-compact'] = checks.locals;
