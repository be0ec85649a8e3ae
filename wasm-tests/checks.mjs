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
    const woke = r.stdout.map((l) => ({ tag: Number(l.split(' ')[1]), ...fields(l) }));
    assert.deepEqual(woke.map((w) => w.tag), [2, 5, 6, 1, 4, 3, 7, 0]);
    for (const w of woke) {
      assert.equal(w.rc, '0');
      assert.ok(Number(w.late) >= 0, `woke early: ${JSON.stringify(w)}`);
      assert.ok(Number(w.late) < 250, `absurdly late: ${JSON.stringify(w)}`);
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
