// seed-fd.test.mjs — examples/seed-fd.c, the seed's descriptor question:
// read()/write() chains on pipes (and on a WebSocket to the echo fixture,
// where the engine has WebSocket) suspend only their coroutine; the poll
// loop reports what each waits for before the chain resumes; every
// result arrives whole and nothing is left held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../runtime/js/weft.mjs';
import { assertNoLeaks, buildDir } from './helpers.mjs';
import { startWsFixture } from './ws-fixture.mjs';

const programUrl = new URL('examples/seed-fd.mjs', buildDir);

async function runSeed(args) {
  const stdout = [], stderr = [];
  const program = await load(programUrl, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), stdin: null });
  assert.equal(await program.run(args), 0, stderr.join('\n'));
  assert.deepEqual(stderr, []);
  assertNoLeaks(program);
  assert.equal(program.host.streams.live, 0, 'streams released');
  return stdout;
}

/** `lines` holds each of `seq` in this order (others may come between). */
function inOrder(lines, seq, what) {
  let at = -1;
  for (const s of seq) {
    const i = lines.findIndex((l, j) => j > at && (s instanceof RegExp ? s.test(l) : l === s));
    assert.ok(i > at, `${what}: "${s}" after line ${at} of\n${lines.join('\n')}`);
    at = i;
  }
}

function checkPipes(out) {
  // Results: every line, every byte.
  assert.deepEqual(out.filter((l) => l.startsWith('consumer:')),
    ["consumer: got 'one'", "consumer: got 'two'", "consumer: got 'three'", 'consumer: 3 lines, then the end']);
  assert.ok(out.includes('flooder: wrote 100000 bytes (rc 0)'));
  assert.ok(out.includes('drainer: 100000 bytes, 0 wrong'));
  assert.equal(out.at(-1), 'loop: every worker is done');
  // The first look of the loop, before anything was sent: the consumer's
  // chain (consumer → read_line → read_byte → read) waits on one pipe, the
  // flooder's (write_all → write) on the other, full after 64 KiB of its
  // 100000 bytes (the drainer starts reading 30 ms later).
  const rd = /^loop: consumer waits: read fd (5\d\d) \(pipe read end\)$/;
  assert.match(out[0], rd);
  assert.match(out[1], /^loop: flooder waits: write fd 5\d\d \(pipe write end\)$/);
  const fd = out[0].match(rd)[1];
  // The loop is in poll() when the first line is written: it sees the
  // descriptor ready, then the consumer's chain resumes and gets the line.
  inOrder(out, [`producer: sent 'one'`, `loop: fd ${fd} is readable: consumer resumes`, "consumer: got 'one'"], 'one');
  for (const word of ['two', 'three']) inOrder(out, [`producer: sent '${word}'`, `consumer: got '${word}'`], word);
  // Whenever the loop reports a resume, the chain had been reported waiting
  // and goes on after it.
  for (const [i, l] of out.entries()) {
    const m = l.match(/^loop: fd (\d+) is (readable|writable): (\w+) resumes$/);
    if (!m) continue;
    const waits = out.slice(0, i).findLastIndex((x) => x.startsWith(`loop: ${m[3]} waits: ${m[2] === 'readable' ? 'read' : 'write'} fd ${m[1]} `));
    assert.ok(waits >= 0, `${l}: reported waiting before`);
    assert.ok(out.slice(i + 1).some((x) => x.startsWith(`${m[3]}: `)), `${l}: it went on`);
  }
  // ...and the other coroutines ran while the flooder waited.
  assert.ok(out.indexOf("producer: sent 'one'") < out.indexOf('flooder: wrote 100000 bytes (rc 0)'));
}

test('seed-fd: read/write chains on pipes, resumed when ready, reported by the poll loop', async () => {
  const out = await runSeed([]);
  checkPipes(out);
  assert.ok(!out.some((l) => l.startsWith('client:')), 'no socket without a URL');
});

test('seed-fd: with a WebSocket to the echo server', {
  skip: typeof WebSocket !== 'function' && `Node ${process.versions.node} has no global WebSocket (Node 20: only with --experimental-websocket); the pipe part runs above`,
}, async () => {
  const fx = await startWsFixture();
  try {
    const out = await runSeed([fx.url]);
    checkPipes(out);
    assert.deepEqual(out.filter((l) => l.startsWith('client:')),
      ["client: asked 'hello', got 'HELLO'", "client: asked 'goodbye', got 'GOODBYE'"]);
    const sock = /^loop: client waits: read fd (5\d\d) \(JS stream\)$/;
    const fd = out.find((l) => sock.test(l))?.match(sock)[1];
    assert.ok(fd, 'the loop reported the client waiting to read the socket');
    inOrder(out, [`loop: client waits: read fd ${fd} (JS stream)`, "client: asked 'hello', got 'HELLO'",
      "client: asked 'goodbye', got 'GOODBYE'"], 'client');
    for (let i = 0; i < 100 && fx.open; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fx.open, 0, 'the socket closed');
    assert.equal(fx.connections, 1);
  } finally {
    await fx.close();
  }
});
