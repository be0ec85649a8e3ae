// fd.test.mjs — descriptors that wait (runtime/src/host/fd.c, pipe.c,
// stdin.c; runtime/js/fd.mjs), driven by wasm-tests/fd.c: stdin from every
// kind of source and from a real piped process.stdin, pipes, poll and
// select in coroutines while others run; O_NONBLOCK, cancels, deadlines,
// errno paths, the calls outside any coroutine, and nothing left held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load } from '../runtime/js/weft.mjs';
import { assertNoLeaks, buildDir } from './helpers.mjs';

const programUrl = new URL('tests/fd.mjs', buildDir);

async function scenario(name, stdin, { status = 0, args = [] } = {}) {
  const stdout = [], stderr = [];
  const program = await load(programUrl, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), stdin });
  const rc = await program.run([name, ...args]);
  assert.equal(rc, status, stderr.join('\n'));
  assert.deepEqual(stderr, []);
  assertNoLeaks(program);
  assert.deepEqual(program.host.stdin.stats(), { stdinHeld: false }, 'stdin source let go');
  assert.equal(program.host.streams.live, 0, 'streams released');
  return { stdout, program };
}

const slowly = (chunks, ms = 5) => (async function* () {
  for (const c of chunks) {
    await new Promise((r) => setTimeout(r, ms));
    yield c;
  }
})();

const lines = ['line 1: first', 'line 2: second line', 'line 3: third', 'eof=1 ticks>0=1'];

test('fgets on stdin waits for each chunk of an async iterable while another coroutine runs', async () => {
  const { stdout } = await scenario('stdin-lines', slowly(['first\nsec', 'ond line\n', 'third\n']));
  assert.deepEqual(stdout, lines);
});

test('stdin from a string, bytes, a ReadableStream, a function and an iterable', async () => {
  const text = 'first\nsecond line\nthird\n';
  const sources = {
    string: text,
    bytes: new TextEncoder().encode(text),
    stream: new ReadableStream({
      start(c) { c.enqueue(new TextEncoder().encode('first\nsecond')); c.enqueue(' line\nthird\n'); c.close(); },
    }),
    function: (() => { const parts = ['first\n', 'second line\nthird\n']; return async () => parts.shift() ?? null; })(),
    iterable: ['first\nsecond line\n', 'third\n'],
  };
  for (const [kind, src] of Object.entries(sources)) {
    const { stdout } = await scenario('stdin-lines', src);
    assert.deepEqual(stdout.slice(0, 3), lines.slice(0, 3), kind);
  }
  const { stdout } = await scenario('stdin-lines', null); // empty: EOF at once
  assert.deepEqual(stdout, ['eof=1 ticks>0=1'].map((l) => l.replace('ticks>0=1', stdout[0].split(' ')[1])));
});

test('getchar, scanf, fread and read share stdin', async () => {
  const { stdout } = await scenario('stdin-mixed', slowly(['x 12', ' 34\nhello', ' world']));
  assert.deepEqual(stdout, ['getchar=x', 'scanf=2 a=12 b=34', 'fread=5 [', 'hell]', 'rest=7 [o world] eof=1',
    'read after the end=0']);
});

test('read, readv and poll on stdin; close(0) lets the source go', async () => {
  let released = false;
  const src = { [Symbol.asyncIterator]() {
    const parts = ['ab 12 34', 'hello world', 'tail'];
    return { next: async () => { await new Promise((r) => setTimeout(r, 5)); return parts.length ? { value: parts.shift(), done: false } : { done: true }; },
      return: async () => { released = true; return { done: true }; } };
  } };
  const { stdout } = await scenario('stdin-raw', src);
  assert.deepEqual(stdout, ['poll stdin=1 revents=POLLIN', 'read=8 [ab 12 34] ticks>0=1', 'readv=11 [hello world]',
    'end=0', 'close=0 read=-1 errno=Bad file descriptor']);
  assert.equal(released, false, 'a source that ended is not cancelled');
});

test('a cancel and a deadline interrupt reads and polls of stdin with EINTR and the reason; the source is let go', async () => {
  let cancelled = false;
  const never = new ReadableStream({ pull: () => new Promise(() => {}), cancel: () => { cancelled = true; } });
  const { stdout } = await scenario('stdin-interrupt', never);
  assert.deepEqual(stdout, [
    'cancelled read=-1 errno=Interrupted system call why=cancelled',
    'fgets in a scope=NULL errno=Interrupted system call why=deadline or timeout expired',
    'scope expired=1',
    'poll in a scope=-1 errno=Interrupted system call',
  ]);
  assert.equal(cancelled, true, 'the stream was cancelled at the program\'s end');
});

test('a piped process.stdin in Node: read only when asked, and Node exits after', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    import { run } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
    process.exitCode = await run(${JSON.stringify(programUrl.href)}, { args: ['stdin-lines'] });
  `], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  child.stdin.write('first\n');
  await new Promise((r) => setTimeout(r, 100));
  child.stdin.end('second line\nthird\n');
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 0, err);
  assert.deepEqual(out.trim().split('\n'), lines);
  // Without reading stdin, the program ends although stdin stays open.
  const idle = spawn(process.execPath, ['--input-type=module', '-e', `
    import { run } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
    process.exitCode = await run(${JSON.stringify(programUrl.href)}, { args: ['idle'] });
  `], { stdio: ['pipe', 'inherit', 'inherit'] });
  const t = setTimeout(() => idle.kill(), 10000);
  assert.equal(await new Promise((r) => idle.on('exit', r)), 0);
  clearTimeout(t);
  // A program that read stdin and stopped early does not hold Node either.
  const early = spawn(process.execPath, ['--input-type=module', '-e', `
    import { run } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
    process.exitCode = await run(${JSON.stringify(programUrl.href)}, { args: ['stdin-interrupt'] });
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  const t2 = setTimeout(() => early.kill(), 10000);
  assert.equal(await new Promise((r) => early.on('exit', r)), 0);
  clearTimeout(t2);
});

test('pipes: a writer bigger than the pipe waits for the reader; EOF; EPIPE without SIGPIPE', async () => {
  const { stdout } = await scenario('pipes', null);
  assert.deepEqual(stdout, ['fds>=512=1', 'write=200000', 'reader got 200000 then 0', 'ticks>0=1',
    'write to a closed pipe=-1 errno=Broken pipe']);
});

test('writes of up to PIPE_BUF bytes from two writers never interleave', async () => {
  const { stdout } = await scenario('atomic', null);
  assert.deepEqual(stdout, ['PIPE_BUF=4096 whole=80 torn=0']);
});

test('closing a descriptor others wait on wakes them: EBADF for a reader, a short write for a writer', async () => {
  const { stdout } = await scenario('closing', null);
  assert.deepEqual(stdout, ['blocked read after close=-1 errno=Bad file descriptor',
    'blocked write after the reader closed=65536 errno=-']);
});

test('O_NONBLOCK (pipe2, fcntl) gives EAGAIN instead of waiting', async () => {
  const { stdout } = await scenario('nonblock', null);
  assert.deepEqual(stdout, ['empty read=-1 errno=Resource temporarily unavailable', 'big write=65536',
    'full write=-1 errno=Resource temporarily unavailable', 'getfl nonblock=1', 'setfl cleared=1']);
});

test('poll and select: timeouts 0, > 0 and none; pipes, stdout; hang-up', async () => {
  const { stdout } = await scenario('poll', null);
  assert.deepEqual(stdout, ['poll(0)=2 in=0 out=1 stdout=1', 'poll(30) on empty=0 waited=1',
    'poll(-1)=1 POLLIN=1 ticks>0=1', 'select timeout=0 set=0', 'select=1 readable=1',
    'select writable=2 stdout=1 pipe=1', 'hangup=1 POLLHUP=1 POLLIN=1']);
});

test('a cancel and a deadline interrupt poll, select and read on a pipe', async () => {
  const { stdout } = await scenario('poll-interrupt', null);
  assert.deepEqual(stdout, ['cancelled poll=-1 errno=Interrupted system call why=cancelled',
    'select after cancel=-1 errno=Interrupted system call',
    'read in a scope=-1 errno=Interrupted system call why=deadline or timeout expired', 'scope expired=1']);
});

test('errno paths: EBADF, EFAULT, EINVAL, EMFILE; huge counts and nfds; bad descriptors in poll and select', async () => {
  const { stdout } = await scenario('errors', null);
  assert.deepEqual(stdout, [
    'read(700)=-1 Bad file descriptor', 'write(900)=-1 Bad file descriptor', 'read NULL=-1 Bad address',
    'write NULL=-1 Bad address', 'write to the read end=-1 Bad file descriptor',
    'read of the write end=-1 Bad file descriptor', 'read SIZE_MAX=3', 'close twice=0,-1 Bad file descriptor',
    'read at the end=0', 'poll nfds huge=-1 Invalid argument', 'poll NULL=-1 Bad address',
    'poll bad fd=1 POLLNVAL=1 negative ignored=1', 'select nfds>FD_SETSIZE=-1 Invalid argument',
    'select nfds<0=-1 Invalid argument', 'select bad fd=-1 Bad file descriptor', 'select bad timeout=-1 Invalid argument',
    'pipe2 bad flags=-1 Invalid argument', 'pipes until EMFILE=256 No file descriptors available; after closing: pipe=0',
  ]);
});

test('stdio over a pipe: fprintf into one end, fgets from the other', async () => {
  const { stdout } = await scenario('stdio-pipe', null);
  assert.deepEqual(stdout, ['via stdio: line 1', 'via stdio: line 2', 'via stdio: line 3']);
});

test('outside any coroutine nothing waits: EAGAIN, and poll reports what is ready now', async () => {
  const { program } = await scenario('idle', null);
  assert.equal(program.module._outside_calls(), 1);
});

test('examples/calc.c, a plain POSIX REPL, runs unchanged with stdin piped in, line by line', async () => {
  const url = new URL('examples/calc.mjs', buildDir);
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    import { run } from ${JSON.stringify(new URL('../runtime/js/weft.mjs', import.meta.url).href)};
    process.exitCode = await run(${JSON.stringify(url.href)});
  `], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  let exited = false;
  const exit = new Promise((r) => child.on('exit', (code) => { exited = true; r(code); }));
  const until = async (text) => {
    while (!out.includes(text)) {
      if (exited) assert.fail(`calc ended before answering ${JSON.stringify(text)}: ${out}${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  // One line at a time, each after the answer to the one before: the
  // program waits in fgets between them.
  for (const [line, answer] of [['1 + 2 * 3', '7'], ['let r = 2', 'r = 2'], ['3 ^ 2 ^ 2 - r', '79'],
    ['sqrt(16) + max(1, r)', '6'], ['10 / (r - 2)', 'error: division by zero'], ['x + 1', "error: unknown variable 'x'"],
    ['vars', 'r = 2']]) {
    child.stdin.write(`${line}\n`);
    await until(`> ${answer}\n`);
  }
  child.stdin.end('(1 + 2\n');
  const code = await exit;
  assert.equal(code, 0, err);
  assert.equal(err, '');
  assert.equal(out, ['calc: type \'help\' for commands', '> 7', '> r = 2', '> 79', '> 6', '> error: division by zero',
    "> error: unknown variable 'x'", '> r = 2', "> error: missing ')'", '> ', 'bye after 8 lines', ''].join('\n'));
});

test('program.openStream: a ReadableStream and a pushing-back WritableStream as descriptors; released at close', async () => {
  const enc = new TextEncoder(), dec = new TextDecoder();
  let cancelled = false;
  const readable = new ReadableStream({
    async start(c) {
      for (const part of ['alpha\nbe', 'ta\n', 'gamma\n']) {
        await new Promise((r) => setTimeout(r, 5));
        c.enqueue(enc.encode(part));
      }
      c.close();
    },
    cancel() { cancelled = true; },
  });
  let written = '', closed = false, onClose;
  const closing = new Promise((r) => { onClose = r; });
  const writable = new WritableStream({
    async write(chunk) { await new Promise((r) => setTimeout(r, 3)); written += dec.decode(chunk); },
    close() { closed = true; onClose(); },
  }, { highWaterMark: 1 });
  const stdout = [], stderr = [];
  const program = await load(programUrl, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), stdin: null });
  const fdIn = program.openStream(readable), fdOut = program.openStream(writable);
  assert.throws(() => program.openStream(readable), /openStream takes/); // locked now
  assert.throws(() => program.openStream({}), /openStream takes/);
  assert.equal(await program.run(['streams', String(fdIn), String(fdOut)]), 0, stderr.join('\n'));
  assert.deepEqual(stdout, ['lines=3 ticks>0=1']);
  await closing; // the writable closes after its queued writes, however slow they are
  assert.equal(written, 'ALPHA\nBETA\nGAMMA\n3 lines\n');
  assert.equal(closed, true, 'the writable was closed');
  assert.equal(cancelled, false, 'a readable that ended needs no cancel; its lock is released');
  assert.equal(readable.locked, false);
  assert.equal(program.host.streams.live, 0);
  assertNoLeaks(program);
});

test('program.openStream: a chunk that is neither bytes nor a string fails the read with EIO, no hang', async () => {
  const enc = new TextEncoder(), dec = new TextDecoder();
  for (const bad of [{ length: 3 }, 42, undefined]) {
    const readable = new ReadableStream({ start(c) { c.enqueue(enc.encode('ok\n')); c.enqueue(bad); c.close(); } });
    let written = '';
    const writable = new WritableStream({ write(chunk) { written += dec.decode(chunk); } });
    const stdout = [], stderr = [];
    const program = await load(programUrl, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), stdin: null });
    const fdIn = program.openStream(readable), fdOut = program.openStream(writable);
    assert.equal(await program.run(['streams', String(fdIn), String(fdOut)]), 0, stderr.join('\n'));
    assert.match(stdout.join('\n'), /^lines=1 /, `chunk ${String(bad)}`); // fgets stopped at the failed read
    assert.equal(written, 'OK\n1 lines\n');
    assert.equal(program.host.streams.live, 0);
    assertNoLeaks(program);
  }
});

test('weft_stream_open from C: poll, read to the end, EBADF, EINVAL, EHANDLE, EIO, EPIPE, a deadline; the end releases', async () => {
  let neverCancelled = false;
  const functions = {
    make_stream: (text) => new ReadableStream({ start(c) { c.enqueue(text); c.close(); } }),
    make_object: () => ({}),
    make_failing: () => ({
      readable: new ReadableStream({ pull(c) { c.error(new Error('broken')); } }),
      writable: new WritableStream({ write() { throw new Error('broken'); } }),
    }),
    make_never: () => new ReadableStream({ pull: () => new Promise(() => {}), cancel() { neverCancelled = true; } }),
  };
  const stdout = [], stderr = [];
  const program = await load(programUrl, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), stdin: null, functions });
  assert.equal(await program.run(['stream-open']), 0, stderr.join('\n'));
  assert.deepEqual(stdout, ['call=0 fd>=512=1 again=1', 'poll=1 POLLIN=1 POLLOUT=0', 'read [from JS', 'second', '] end=0',
    'write to a readable=-1 Bad file descriptor', 'not a stream=1 bad handle=1',
    'failed readable=-1 I/O error', 'failed writable=-1 Broken pipe', 'never=-1 Interrupted system call']);
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(neverCancelled, true, 'the program\'s end cancelled the stream left open');
  assert.equal(program.host.streams.live, 0);
  assertNoLeaks(program);
});

test('weft_socket_connect: a WebSocket to a server on 127.0.0.1 as a descriptor', {
  skip: typeof WebSocket !== 'function' && `Node ${process.versions.node} has no global WebSocket (Node 20: only with --experimental-websocket)`,
}, async () => {
  const { startWsFixture } = await import('./ws-fixture.mjs');
  const fx = await startWsFixture();
  try {
    const { stdout } = await scenario('sockets', null, { args: [fx.url, fx.refusedUrl] });
    assert.deepEqual(stdout, ['connect fd>=512=1', 'write=4 read=4 [PING] ticks>0=1', 'poll=1 POLLIN=0 POLLOUT=1',
      'echo=[OVER STDIO]', 'big write=100000 got=100000 first=Q', 'after bye read=0',
      'read in a scope=-1 Interrupted system call', 'refused=-15 network error', 'bad url=-1', 'NULL=-1']);
    for (let i = 0; i < 100 && fx.open; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fx.open, 0, 'every connection closed: by close() and at the program\'s end');
    assert.equal(fx.connections, 2);
  } finally {
    await fx.close();
  }
});

test('a read on a pipe nobody writes is a deadlock, reported with the descriptor', async () => {
  const program = await load(programUrl, { stdout: () => {}, stderr: () => {}, stdin: null });
  await assert.rejects(program.run(['stuck']), (e) => {
    assert.equal(e.code, 'WEFT_EDEADLK');
    assert.match(e.message, /"reader" waits for read fd 5\d\d \(pipe read end\)/);
    return true;
  });
});
