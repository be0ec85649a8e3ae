// adv-bridge.test.mjs — the adversarial catalogue of the host bridges
// (wasm-tests/adv-bridge.c): every public bridge function in C and every
// JS entry point fed NULL, garbage, boundary values, hostile JS values, out
// of memory (the program linked with -sMAXIMUM_MEMORY=64MB) and a heap
// above 2 GiB. Each case asserts the documented error, that the program
// still works afterwards, and that nothing leaked: the C program checks a
// plain call, host ops, live coroutines and its heap; JS checks the host's
// handles, ops, calls and timers. WEFT_LONG=1 adds a soak of 100k fetches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram, buildDir, assertNoLeaks } from './helpers.mjs';
import { startFixture } from './http-fixture.mjs';
import { load, codes } from '../runtime/js/weft.mjs';

let fx;
before(async () => { fx = await startFixture(); });
after(async () => { await fx.close(); });

/** Poll `cond` on each host turn until it holds (the test's timeout bounds it). */
async function until(cond) {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 5));
}

// ---- host functions -----------------------------------------------------------
// `prog()` is the program being run (for views of its own memory).
function hostFunctions(prog) {
  const liar = () => {
    class Liar extends Uint8Array {
      get length() { return 1; }
      get byteLength() { return 1; }
    }
    const l = new Liar(1000);
    for (let i = 0; i < 1000; i++) l[i] = (i * 7) & 255;
    return l;
  };
  const detached = () => {
    const b = new ArrayBuffer(8);
    const v = new Uint8Array(b);
    structuredClone(b, { transfer: [b] });
    return v;
  };
  const values = {
    int: () => 42, double: () => 2.5, string: () => 'hello', bytes: () => new Uint8Array([9, 8, 7]),
    object: () => ({ tag: 'obj' }), 'nul-string': () => 'a\0b', fraction: () => 3.5, huge: () => 2 ** 32 + 5,
    nan: () => NaN, true: () => true, bigint: () => 10n, null: () => null, undefined: () => undefined, liar,
    dataview: () => new DataView(Uint8Array.from([5, 6, 7, 8]).buffer, 1, 2), detached,
    '100MB-string': () => 'x'.repeat(100e6), '100MB-bytes': () => new Uint8Array(100e6),
  };
  const failures = {
    error: () => new Error('error message'),
    'null-proto': () => Object.create(null),
    'getter-throws': () => ({ get message() { throw new Error('from the getter'); } }),
    'weftcode-5': () => ({ weftCode: 5, message: 'five' }),
    'weftcode-999': () => Object.assign(new Error('nines'), { weftCode: -999 }),
    'weftcode-string': () => Object.assign(new Error('named'), { weftCode: 'EINVAL' }),
    'known-code': () => Object.assign(new Error('not yours'), { weftCode: codes.EHANDLE }),
    string: () => 'plain string',
    undefined: () => undefined,
    symbol: () => Symbol('sym'),
    'revoked-proxy': () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; },
    'tostring-throws': () => ({ toString() { throw new Error('no'); } }),
  };
  return {
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    half: async (d) => d / 2,
    sum: (...xs) => xs.reduce((a, b) => a + b, 0),
    bytelen: (b) => (b === null ? -1 : b.length),
    kind: (x) => (x === null ? 'null' : typeof x),
    roundtrip: (i, d, s, b, h) => `${i}|${d}|${s}|${[...b].join(',')}|${h.tag}`,
    val: async (kind) => values[kind](),
    fail: async (kind) => {
      if (kind === 'bad-then') return { get then() { throw new Error('bad then'); } };
      throw failures[kind]();
    },
    hostile: (kind) => { // not async: the promise itself is what weft awaits
      const p = Promise.resolve(1);
      if (kind === 'then-throws') Object.defineProperty(p, 'then', { value() { throw new Error('own then'); } });
      if (kind === 'constructor-throws') Object.defineProperty(p, 'constructor', { get() { throw new Error('constructor getter'); } });
      if (kind === 'species-throws') {
        class Sub extends Promise { static get [Symbol.species]() { throw new Error('species getter'); } }
        return Sub.resolve(1);
      }
      return p;
    },
    make: (tag) => ({ tag, n: 0 }),
    bump: (o) => ++o.n,
    signal_state: (c) => (c instanceof AbortController ? Number(c.signal.aborted) : -1),
    memview: (p, n) => new Uint8Array(prog().host.memory.exports.memory.buffer, p >>> 0, n),
    forever: () => new Promise(() => {}),
    wait_server: async (n) => { await until(() => fx.stats.active >= n); return fx.stats.active; },
  };
}

// ---- running a case ---------------------------------------------------------------

async function runCase(name, { file = 'adv-bridge', setup, high = false } = {}) {
  let prog;
  return runProgram(file, [name, fx.url, fx.refusedUrl, ...(high ? ['high'] : [])], {
    functions: hostFunctions(() => prog),
    setup: async (p) => { prog = p; await setup?.(p); },
  });
}

/** The case printed `lines` (strings or RegExps) between its start and the
 * closing check, which must show a working, idle program. */
function checkCase(r, lines) {
  assert.equal(r.error, undefined, `run rejected: ${r.error?.stack}`);
  assert.equal(r.status, 0, r.stdout.join('\n'));
  assert.equal(r.stdout[0], 'case start');
  const body = r.stdout.slice(1, -1);
  assert.equal(body.length, lines.length, `printed:\n${body.join('\n')}`);
  lines.forEach((want, i) => {
    if (want instanceof RegExp) assert.match(body[i], want);
    else assert.equal(body[i], want);
  });
  assert.equal(r.stdout.at(-1), 'after rc=OK r=5 host_ops=0 live=1 heap_delta=0', 'still works, nothing held');
  assertNoLeaks(r.program);
}

const msg = (code, text) => new RegExp(`rc=${code} msg=${text}`);

// What each C-driven case must print.
const cCases = {
  // weft_call's signature: each failure names itself in weft_last_error().
  'sig-bad-char': [/^iq>i rc=EINVAL msg=weft_call\("add", "iq>i"\): character 2, 'q', is not a type \(i d s b h\)$/],
  'sig-no-arrow': [/^ii rc=EINVAL msg=weft_call\("add", "ii"\): .*no '>'/],
  'sig-two-results': [/^i>ii rc=EINVAL msg=weft_call\("add", "i>ii"\): character 4, 'i': at most one result after '>'$/],
  'sig-too-many': [/^17 args rc=EINVAL msg=weft_call\("add", .*17 arguments before '>': at most 16$/],
  'sig-empty': [/^empty rc=EINVAL msg=weft_call\("add", ""\): .*no '>'/],
  'sig-null': [/^sig NULL rc=EINVAL msg=weft_call\("add", NULL\): .*NULL/],
  'name-null': [/^name NULL rc=EINVAL msg=weft_call\(NULL, ">"\): .*NULL/],
  'sig-max-args': ['16 args rc=OK r=136'],
  'msg-not-stale': [
    'reject rc=EJS msg=error message',
    /^bad sig rc=EINVAL msg=weft_call\("add", "x>"\): character 1, 'x', is not a type/,
    'unknown rc=EINVAL msg=weft: no host function named "nope"',
    /^null result rc=EINVAL msg=weft_call\("add", "ii>i"\): .*result pointer.*NULL/,
  ],
  // The issue's report: a bad signature after an unknown name has its own message.
  'sig-after-unknown': [
    'lookpu rc=EINVAL msg=weft: no host function named "lookpu"',
    'si>ss rc=EINVAL msg=weft_call("lookup", "si>ss"): character 5, \'s\': at most one result after \'>\'',
    'second > rc=EINVAL msg=weft_call("add", "i>i>"): character 4 is a second \'>\' (write ARGS>RESULT)',
    'control byte rc=EINVAL msg=weft_call("add", "i\x01>i"): character 2, byte 0x01, is not a type (i d s b h)',
  ],
  // WEFT_CALL: a C argument of the wrong type is caught before anything is called.
  'call-checked': [
    'ok rc=OK msg=', 'ok r=5',
    'int for d rc=EINVAL msg=weft_call("half", "d>d"): C argument 1 after the signature is an integer, but character 1, \'d\', needs a double',
    'double for i rc=EINVAL msg=weft_call("add", "ii>i"): C argument 1 after the signature is a double, but character 1, \'i\', needs an int32_t',
    'int for s rc=EINVAL msg=weft_call("kind", "s>s"): C argument 1 after the signature is an integer, but character 1, \'s\', needs a const char *',
    'double * for i rc=EINVAL msg=weft_call("add", "ii>i"): C argument 3 after the signature is a double *, but character 4, \'i\', needs an int32_t *',
    'long long rc=EINVAL msg=weft_call("add", "ii>i"): C argument 2 after the signature is a 64-bit integer or long double, but character 2, \'i\', needs an int32_t',
    'too few rc=EINVAL msg=weft_call("add", "ii>i"): 2 C arguments after the signature, which takes 3',
    'too many rc=EINVAL msg=weft_call("add", "ii>i"): 4 C arguments after the signature, which takes 3',
    'b without length rc=EINVAL msg=weft_call("bytelen", "b>i"): C argument 2 after the signature is an int *, but character 1, \'b\', needs a size_t length',
    'b rc=OK msg=', 'b r=3',
    's NULL rc=OK msg=', 's NULL s=null',
    'b result rc=OK msg=', 'b result len=3',
    'none rc=OK msg=',
    /^bad sig rc=EINVAL msg=weft_call\("add", "iq>i"\): character 2, 'q', is not a type/,
  ],
  'resp-url': ['measure ok=1', 'NULL,64 = EINVAL', 'cap 0 untouched=1', 'cap 5 = [http] 4', 'full ok=1', 'past the end = EINVAL',
    'stale = EHANDLE', 'garbage = EHANDLE EHANDLE', 'signal = EHANDLE'],
  // Node's fetch gives the 3xx itself for 'manual' (a browser: an opaque redirect, status 0).
  'fetch-redirect': ['follow status=200 url=/t/hello location=', /^error rc=ENET msg=weft: fetch .*\/t\/redirect: fetch failed \(unexpected redirect\): the server redirected, and opts.redirect is WEFT_REDIRECT_ERROR$/,
    'manual status=302 url=/t/redirect location=/t/hello',
    /^redirect 3 rc=EINVAL msg=weft: fetch .*: redirect 3 is not a weft_redirect/, /^redirect -1 rc=EINVAL msg=weft: fetch .*: redirect -1 is not a weft_redirect/],
  'unknown-fn': ['unknown rc=EINVAL msg=weft: no host function named "no_such_fn"'],
  'result-null': [
    /^i NULL rc=EINVAL msg=.*result pointer.*NULL/,
    /^b NULL len rc=EINVAL msg=.*result pointer.*NULL/,
    /^s NULL rc=EINVAL msg=.*result pointer.*NULL/,
    'zero page same=1 p=NULL',
  ],
  'arg-b-null-len': [/^NULL,16 rc=EINVAL msg=weft_call\("bytelen", "b>i"\): argument 1 is NULL with length 16/, 'n=-99'],
  'arg-b-null-zero': ['NULL,0 rc=OK n=0'],
  'arg-b-beyond': [
    /^end-8,1MiB rc=EINVAL msg=.*argument 1.*outside the program's memory/,
    /^end-8,SIZE_MAX rc=EINVAL msg=.*argument 1.*outside the program's memory/,
    'end-8,8 rc=OK n=8',
  ],
  'arg-s-null': ['NULL string rc=OK kind=null'],
  'all-types': [
    'roundtrip rc=OK s=-7|2.5|wörld|1,2,250|tagged',
    'i rc=OK v=42', 'd rc=OK v=2.5', 's rc=OK v=hello', 'b rc=OK len=3 first=9', 'h rc=OK tag ok=1',
  ],
  // What host functions return: the wrong type is WEFT_EINVAL naming both.
  'res-s-nul': [/^s>s nul-string rc=EINVAL msg=weft: host function "val" returned a string with a NUL/],
  'res-i-string': [/^s>i string rc=EINVAL msg=weft: host function "val" returned a string, expected an int32/],
  'res-i-fraction': [/^s>i fraction rc=EINVAL msg=weft: host function "val" returned 3\.5, expected an int32/],
  'res-i-range': [
    /^s>i huge rc=EINVAL msg=weft: host function "val" returned 4294967301, expected an int32/,
    /^s>i nan rc=EINVAL msg=weft: host function "val" returned NaN, expected an int32/,
  ],
  'res-i-bool': ['s>i true rc=OK msg=', '  i=1 d=-99 s=(null) len=0 h=0'],
  'res-d-bigint': [/^s>d bigint rc=EINVAL msg=weft: host function "val" returned a bigint, expected a number/],
  'res-h-number': [
    /^s>h int rc=EINVAL msg=weft: host function "val" returned 42, expected an object/,
    /^s>h null rc=EINVAL msg=weft: host function "val" returned null, expected an object/,
  ],
  'res-b-string': [/^s>b string rc=EINVAL msg=weft: host function "val" returned a string, expected bytes/],
  'res-s-undefined': [/^s>s undefined rc=EINVAL msg=weft: host function "val" returned undefined, expected a string/],
  'res-b-liar': ['liar rc=OK len=1000 same=1'],
  'res-b-dataview': ['dataview rc=OK len=2 bytes=6,7'],
  'res-b-detached': ['detached rc=OK len=0'],
  'res-b-memview': ['memview rc=OK len=25165824 same=1'],
  // Rejections with hostile values: WEFT_EJS and a readable message.
  'rej-null-proto': [/^null-proto rc=EJS msg=weft: host function "fail" rejected with an object without a message/],
  'rej-getter-throws': [/^getter-throws rc=EJS msg=weft: host function "fail" rejected with an object without a message/],
  'rej-weftcode-5': [/^weftcode-5 rc=EJS msg=five \(weftCode 5 is not a weft error code\)/],
  'rej-weftcode-unknown': [
    /^weftcode-999 rc=EJS msg=nines \(weftCode -999 is not a weft error code\)/,
    /^weftcode-string rc=EJS msg=named \(weftCode EINVAL is not a weft error code\)/,
  ],
  'rej-known-code': ['known-code rc=EHANDLE msg=not yours'],
  'rej-string': ['string rc=EJS msg=plain string', /^undefined rc=EJS msg=weft: host function "fail" rejected with undefined/,
    'symbol rc=EJS msg=Symbol(sym)'],
  'rej-bad-then': ['bad-then rc=EJS msg=bad then'],
  'rej-hostile-promise': ['then-throws rc=EJS v=-99 msg=own then', 'constructor-throws rc=EJS v=-99 msg=constructor getter',
    'species-throws rc=EJS v=-99 msg=species getter'],
  'rej-revoked-proxy': [/^revoked-proxy rc=EJS msg=weft: host function "fail" rejected with an object without a message/],
  'rej-tostring-throws': [/^tostring-throws rc=EJS msg=weft: host function "fail" rejected with an object without a message/],
  // Handles: stale and forged ones are refused for the life of the program.
  'handle-stale': [/^stale rc=EHANDLE msg=weft: handle \d+ is stale, freed or forged/],
  'handle-forged': ['0', '-7', '12345', '2147483647', '-2147483648', '1048576'].map((h) =>
    new RegExp(`^forged ${h} rc=EHANDLE msg=weft: handle ${h} is stale, freed or forged`)),
  'handle-wrap': ['wrap bad=0 abort(first)=EHANDLE free(first)=EHANDLE', /^call with first rc=EHANDLE msg=weft: handle \d+ is stale/],
  'handle-many': ['many bad=0 abort(last)=OK abort(mid)=OK', 'aborted first=0 mid=1 last=1', 'freed=1048592'],
  'handle-free-garbage': ['weft_handle_free(0) = EHANDLE', 'weft_handle_free(-1) = EHANDLE',
    'weft_handle_free(INT32_MAX) = EHANDLE', 'weft_handle_free(h) = OK', 'weft_handle_free(h) = EHANDLE'],
  'handle-free-response': ['fetch rc=OK', 'handle_free(r)=OK status after=EHANDLE'],
  'args-null': ['count=0 int=0 double=nan string=NULL bytes=NULL len=0 handle=0', 'yield=EINVAL fail=EINVAL', 'zero page same=1'],
  'mutable-name': ['add rc=OK r=5', 'sub rc=OK r=-1', 'half rc=OK d=2.5'],
  // An interrupted host op still explains itself.
  'cancel-msg': [/^cancelled call rc=ECANCELED msg=weft_call\("forever", ">"\): cancelled/,
    /^cancelled fetch rc=ECANCELED msg=weft_fetch\(".*\/t\/slow\?ms=60000"\): cancelled/],
  'scope-msg': [/^scope fetch rc=ETIMEDOUT msg=weft_fetch\(".*\/t\/slow\?ms=60000"\): deadline or timeout expired/,
    /^scope call rc=ETIMEDOUT msg=weft_call\("forever", ">"\): deadline or timeout expired/],
  // fetch: bad requests are WEFT_EINVAL before anything is sent.
  'fetch-null': [/^url NULL rc=EINVAL msg=weft_fetch: .*NULL/, /^out NULL rc=EINVAL msg=weft_fetch\(".*\/t\/hello"\): .*NULL/],
  'fetch-bad-method': [/^bad method rc=EINVAL msg=weft: fetch .*: .*method/i, /^CONNECT rc=EINVAL msg=weft: fetch .*: .*method/i],
  'fetch-bad-header': [/^bad header name rc=EINVAL msg=weft: fetch .*header/i, /^bad header value rc=EINVAL msg=weft: fetch .*header/i],
  'fetch-header-no-value': [/^header without value rc=EINVAL msg=weft: fetch .*: header "X-A" has no value/],
  'fetch-body-null': [/^body NULL,16 rc=EINVAL msg=weft: fetch .*: the body is NULL with length 16/],
  'fetch-body-beyond': [/^body end-8,1MiB rc=EINVAL msg=weft: fetch .*: the body .*outside the program's memory/],
  'fetch-get-body': [/^GET with body rc=EINVAL msg=weft: fetch .*GET/],
  'fetch-timeouts': ['Infinity', '2^31', '1e300', '2^31-1'].flatMap((t) => [`timeout ${t} rc=OK msg=`, '  status=200']),
  'fetch-timeout-bad': ['NaN', '-1', '-Infinity'].map((t) =>
    new RegExp(`^timeout ${t} rc=EINVAL msg=weft: fetch .*: timeout_ms ${t} is not a duration`)),
  'fetch-signal-bad': [/^response as signal rc=EHANDLE msg=weft: handle \d+ is not an abort signal/,
    /^aborted signal rc=ECANCELED msg=weft: fetch .* was aborted/,
    /^freed signal rc=EHANDLE msg=weft: handle \d+ is not an abort signal/],
  'resp-header-invalid': ['weft_response_header(r, "bad name", v, sizeof v) = EINVAL',
    'weft_response_header(r, "x-\\n", v, sizeof v) = EINVAL', 'weft_response_header(r, "", v, sizeof v) = EINVAL',
    'weft_response_header(r, NULL, v, sizeof v) = EINVAL', 'x-weft len=3'],
  'resp-text-buffers': ['measure NULL,0 = 11', 'NULL,64 = EINVAL', 'cap 0 = 11 untouched=1', 'cap 5 = 11 [Fine]',
    'cap SIZE_MAX = 11 [Fine Thanks]', 'cap 2^31 = 11 [Fine Thanks]', 'past the end = EINVAL', 'at the end, cap 64 = EINVAL',
    'header value NULL,8 = EINVAL', 'header measure = 3'],
  'resp-header-at': ['weft_response_header_at(r, -1, n, sizeof n, v, sizeof v) = ESRCH',
    'weft_response_header_at(r, 1000, n, sizeof n, v, sizeof v) = ESRCH',
    'weft_response_header_at(r, INT_MAX, n, sizeof n, v, sizeof v) = ESRCH', 'name NULL,0 value=1', 'name NULL,8 = EINVAL'],
  'read-caps': ['cap 2^31 n=15 [hello from weft]', 'cap SIZE_MAX n=15', 'NULL = EINVAL, cap 0 = EINVAL'],
  'read-beyond': [/^end-4,64 rc=EINVAL msg=weft_response_read: .*outside the program's memory/, 'then n=15 [hello from weft]',
    /^past the end rc=EINVAL msg=weft_response_read: .*outside the program's memory/],
  'read-concurrent': ['total=1048576 same=1 ends=ECLOSED,OK'],
  'status-garbage': ['weft_response_status(0) = EHANDLE', 'weft_response_status(-1) = EHANDLE',
    'weft_response_status(INT32_MAX) = EHANDLE', 'weft_response_status(s) = EHANDLE',
    'weft_response_status_text(s, buf, sizeof buf) = EHANDLE', 'weft_response_read(s, buf, sizeof buf) = EHANDLE',
    'weft_response_free(s) = EHANDLE'],
  'free-twice': ['weft_response_free(r) = OK', 'weft_response_free(r) = EHANDLE', 'weft_response_free(0) = EHANDLE'],
  'body-null': ['weft_response_body(r, NULL, &len) = EINVAL', 'weft_response_body(r, &d, NULL) = EINVAL',
    'weft_response_body(0, &d, &len) = EHANDLE'],
  'abort-garbage': ['weft_abort(0) = EHANDLE', 'weft_abort(-5) = EHANDLE', 'weft_abort(r) = EHANDLE', 'weft_abort(s) = OK',
    'weft_abort(s) = OK', 'weft_abort(s) = EHANDLE'],
};

for (const [name, lines] of Object.entries(cCases)) {
  test(`C: ${name}`, { timeout: 60000 }, async () => {
    checkCase(await runCase(name), lines);
  });
}

test('C: handle-exhaust (2^31 values used up: WEFT_ENOMEM, never a reused one)', { timeout: 60000 }, async () => {
  const r = await runCase('handle-exhaust', { setup: (p) => { p.host.bridge.handles.next = 2 ** 31 - 40; } });
  checkCase(r, ['made=40 then ENOMEM', 'after free: ENOMEM', /^call >h rc=ENOMEM msg=weft: .*handle/]);
});

test('C: handle-free-response releases the request: timer cleared, connection closed', { timeout: 60000 }, async () => {
  // (in cCases too; here the server's side is checked)
  const r = await runCase('handle-free-response');
  checkCase(r, cCases['handle-free-response']);
  await until(() => fx.stats.active === 0);
});

test('C: exit() with requests in flight aborts them all and releases their handles', { timeout: 60000 }, async () => {
  const r = await runCase('exit-pending');
  assert.equal(r.status, 3);
  assert.deepEqual(r.stdout, ['case start', 'exiting with 3 requests open']);
  await until(() => fx.stats.active === 0); // the server saw every connection close
  assertNoLeaks(r.program);
  await assert.rejects(r.program.call('add_numbers', 1, 2), { name: 'WeftError' }, 'calls after exit() are refused');
});

// ---- JS entry points -----------------------------------------------------------

/** A loaded program whose main returned at once: it serves program.call. */
async function idleProgram(file = 'adv-bridge', extra = []) {
  let prog;
  const program = await load(new URL(`tests/${file}.mjs`, buildDir), {
    functions: hostFunctions(() => prog), stdout: () => {}, stderr: () => {},
  });
  prog = program;
  assert.equal(await program.run(['idle', fx.url, fx.refusedUrl, ...extra]), 0);
  // Warm: the first call's control block stays cached, the first host op allocates the op table.
  assert.equal(await program.call('call_by_name', 'add'), 9);
  return program;
}

/** Run `fn(program)`; then the program must still work and hold nothing,
 * its C heap included. */
async function jsCase(fn, file) {
  const program = await idleProgram(file);
  const heap0 = program.module._heap_used();
  await fn(program);
  assert.equal(await program.call('add_numbers', 2, 3), 5, 'still works');
  assert.equal(program.module._heap_used(), heap0, 'C heap as before');
  assertNoLeaks(program);
}

const rejects = (p, code, message) => assert.rejects(p, (e) => {
  assert.equal(e.name, 'WeftError');
  assert.equal(e.code, code);
  if (message) assert.match(e.message, message);
  return true;
});

const jsCases = {
  'call: BigInt argument rejects with WEFT_EINVAL (no throw, nothing leaked)': async (p) => {
    let promise;
    assert.doesNotThrow(() => { promise = p.call('describe', 1, { a: 1 }, 10n); });
    await rejects(promise, 'WEFT_EINVAL', /argument 3 .*bigint/);
  },
  'call: Symbol argument rejects with WEFT_EINVAL': async (p) => {
    let promise;
    assert.doesNotThrow(() => { promise = p.call('describe', 'x', Symbol('s')); });
    await rejects(promise, 'WEFT_EINVAL', /argument 2 .*symbol/);
  },
  'call: a name with a NUL rejects (does not run the export before it)': async (p) => {
    await rejects(p.call('add_numbers\0junk', 1, 2), 'WEFT_EINVAL', /NUL/);
  },
  'call: a name that is not a string rejects': async (p) => {
    await rejects(p.call(42), 'WEFT_EINVAL', /name/);
    await rejects(p.call(undefined), 'WEFT_EINVAL', /name/);
  },
  'call: unknown and empty names reject with WEFT_ESRCH': async (p) => {
    await rejects(p.call(''), 'WEFT_ESRCH');
    await rejects(p.call('no_such_export'), 'WEFT_ESRCH');
  },
  'call: a string argument with a NUL rejects': async (p) => {
    await rejects(p.call('describe', 'a\0b'), 'WEFT_EINVAL', /argument 1 .*NUL/);
  },
  'call: every argument type arrives': async (p) => {
    const r = await p.call('describe', 1.5, true, 'héllo', new Uint8Array(5), new ArrayBuffer(3),
      new Float64Array(2), new DataView(new ArrayBuffer(4)), { o: 1 }, () => 1, null, undefined);
    assert.equal(r, '11:d,d,s6,b5,b3,b16,b4,h,h,-,-,');
  },
  'call: a view of the program\'s own memory as bytes (copying it grows the memory)': async (p) => {
    const view = new Uint8Array(p.host.memory.exports.memory.buffer); // all of it: the copy cannot fit without growing
    const n = view.length;
    let expect = 0;
    for (let i = 0; i < n; i += 1) expect += view[i];
    assert.equal(await p.call('byte_sum', view), `${n}:${expect}`, 'the same bytes');
  },
  'call: a Uint8Array subclass that lies about its length': async (p) => {
    class Liar extends Uint8Array { get length() { return 1; } get byteLength() { return 1; } }
    const l = new Liar(1000).fill(2);
    assert.equal(await p.call('byte_sum', l), '1000:2000');
  },
  'call: a revoked Proxy is an object (a handle)': async (p) => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.equal(await p.call('describe', proxy), '1:h,');
  },
  'call: a detached buffer is empty bytes': async (p) => {
    const b = new ArrayBuffer(8);
    const v = new Uint8Array(b);
    structuredClone(b, { transfer: [b] });
    assert.equal(await p.call('describe', v, b), '2:b0,b0,');
  },
  'call: 1000 arguments': async (p) => {
    const r = await p.call('describe', ...Array.from({ length: 1000 }, (_, i) => i));
    assert.match(r, /^1000:d,d,d,/);
  },
  'export: weft_args_* out of range and of the wrong type': async (p) => {
    assert.equal(await p.call('probe_args', 'text', 'not a number'),
      'int(-1)=0 double(n)=nan string(INT_MAX)=NULL bytes(0)=NULL/0 handle(0)=0 int(string)=0');
  },
  'export: weft_args_int saturates NaN, infinities and out-of-range numbers': async (p) => {
    const got = [];
    for (const x of [NaN, 1e10, -1e10, Infinity, -Infinity, -0, 3.9, -3.9, 2147483647, -2147483648]) got.push(await p.call('to_int', x));
    assert.deepEqual(got, [0, 2147483647, -2147483648, 2147483647, -2147483648, 0, 3, -3, 2147483647, -2147483648]);
  },
  'export: weft_return_string(a, NULL) resolves with null': async (p) => {
    assert.equal(await p.call('return_null_string'), null);
  },
  'export: weft_return_bytes(a, NULL, n) rejects with WEFT_EINVAL; NULL, 0 is empty': async (p) => {
    await rejects(p.call('return_null_bytes', 16), 'WEFT_EINVAL', /NULL/);
    assert.deepEqual(await p.call('return_null_bytes', 0), new Uint8Array(0));
  },
  'export: returning a forged handle rejects with a WeftError (WEFT_EHANDLE)': async (p) => {
    await rejects(p.call('return_handle'), 'WEFT_EHANDLE', /12345/);
  },
  'export: returning one of its own argument handles resolves with the object': async (p) => {
    const o = { mine: true };
    assert.equal(await p.call('return_handle', o), o);
  },
  'export: weft_args_fail with a positive or unknown code rejects with WEFT_EINVAL': async (p) => {
    await rejects(p.call('fail_with', 5, 'five'), 'WEFT_EINVAL', /^five$/);
    await rejects(p.call('fail_with', -999, 'odd'), 'WEFT_EINVAL', /^odd/);
    await rejects(p.call('fail_with', codes.ETIMEDOUT), 'WEFT_ETIMEDOUT', /deadline or timeout expired/);
  },
  'export: weft_args_yield from program.call is WEFT_EINVAL, and the call completes': async (p) => {
    assert.equal(await p.call('count_up', 3), 0);
  },
  'export: a name reused in one buffer calls each function by its current name': async (p) => {
    assert.equal(await p.call('call_by_name', 'add'), 9);
    assert.equal(await p.call('call_by_name', 'sub'), 5);
    await rejects(p.call('call_by_name', 'nope'), 'WEFT_EINVAL', /no host function named "nope"/);
  },
  'iterate: Promise.all of three next() gets three values': async (p) => {
    const it = p.iterate('count_up', 5);
    const three = await Promise.all([it.next(), it.next(), it.next()]);
    assert.deepEqual(three.map((r) => r.value), [0, 10, 20]);
    assert.deepEqual(await it.next(), { value: 30, done: false });
    assert.deepEqual(await it.return(), { value: undefined, done: true });
    await until(() => p.stats().calls === 0);
  },
  'iterate: more next() than values: the extra ones end with done': async (p) => {
    const it = p.iterate('count_up', 2);
    const r = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
    assert.deepEqual(r, [{ value: 0, done: false }, { value: 10, done: false },
      { value: undefined, done: true }, { value: undefined, done: true }]);
  },
  'iterate: return() with next() pending ends them with done': async (p) => {
    const it = p.iterate('count_up', 100);
    const a = it.next();
    const b = it.next();
    await it.return();
    assert.deepEqual((await Promise.all([a, b])).map((r) => r.done), [true, true]);
    await until(() => p.stats().calls === 0);
  },
  'iterate: a BigInt argument rejects next() (no throw)': async (p) => {
    const it = p.iterate('count_up', 1n);
    let first;
    assert.doesNotThrow(() => { first = it.next(); });
    await rejects(first, 'WEFT_EINVAL', /bigint/);
  },
  'iterate: an unknown export rejects next() with WEFT_ESRCH': async (p) => {
    await rejects(p.iterate('no_such_export').next(), 'WEFT_ESRCH');
  },
  'define: a name that is not a string, or has a NUL, throws TypeError': async (p) => {
    assert.throws(() => p.define('a\0b', () => 1), TypeError);
    assert.throws(() => p.define(7, () => 1), TypeError);
    assert.throws(() => p.define('x', 7), TypeError);
  },
  'define: a redefined function replaces the old one': async (p) => {
    p.define('add', (a, b) => a * b);
    assert.equal(await p.call('call_by_name', 'add'), 14);
    p.define('add', (a, b) => a + b);
  },
};

for (const [name, fn] of Object.entries(jsCases)) {
  test(`JS: ${name}`, { timeout: 60000 }, () => jsCase(fn));
}

test('JS: load refuses a host function that is not a function', async () => {
  await assert.rejects(load(new URL('tests/adv-bridge.mjs', buildDir), { functions: { x: 5 } }), TypeError);
});

test('JS: run twice rejects; a program keeps serving calls', { timeout: 60000 }, async () => {
  const p = await idleProgram();
  await assert.rejects(p.run(['idle']), /already been run/);
  assert.equal(await p.call('add_numbers', 2, 2), 4);
  assertNoLeaks(p);
});

test('JS: the handle table never hands a value out twice (unit)', async () => {
  const { Handles } = await import('../runtime/js/handles.mjs');
  const h = new Handles();
  const first = h.add({});
  h.delete(first);
  for (let i = 0; i < 5000; i++) h.delete(h.add({}));
  assert.equal(h.get(first), undefined);
  const objs = Array.from({ length: (1 << 20) + 8 }, (_, i) => ({ i }));
  const hs = objs.map((o) => h.add(o));
  assert.equal(new Set(hs).size, hs.length, 'all distinct');
  for (const k of [0, 1 << 20, hs.length - 1]) assert.equal(h.get(hs[k]), objs[k]);
  assert.equal(h.live, objs.length);
  hs.forEach((x) => h.delete(x));
  assert.equal(h.live, 0);
});

// ---- out of memory (linked with -sMAXIMUM_MEMORY=64MB) ------------------------------

test('OOM C: oom-call: results too large for the heap are WEFT_ENOMEM', { timeout: 60000 }, async () => {
  checkCase(await runCase('oom-call', { file: 'adv-bridge-oom' }), [
    /^s>s 100MB rc=ENOMEM msg=weft: no memory for the 100000000-byte string host function "val" returned/, 's=NULL',
    /^s>b 100MB rc=ENOMEM msg=weft: no memory for the 100000000 bytes host function "val" returned/, 'b=NULL len=7',
  ]);
});

test('OOM C: oom-exhausted: with the heap full, calls fail cleanly and then work again', { timeout: 60000 }, async () => {
  checkCase(await runCase('oom-exhausted', { file: 'adv-bridge-oom' }),
    ['full: reject rc=EJS msg=1 s>s rc=ENOMEM msg=1 add rc=OK i=5']);
});

test('OOM C: oom-body: a body larger than the heap is WEFT_ENOMEM', { timeout: 60000 }, async () => {
  checkCase(await runCase('oom-body', { file: 'adv-bridge-oom' }), [
    /^body 100MB rc=ENOMEM msg=/, 'fetch rc=OK d=NULL free=OK']);
  await until(() => fx.stats.active === 0);
});

const oomCases = {
  'program.call with a string larger than the heap rejects with WEFT_ENOMEM': async (p) => {
    await rejects(p.call('describe', 'x'.repeat(100e6)), 'WEFT_ENOMEM');
  },
  'program.call with bytes larger than the heap rejects with WEFT_ENOMEM': async (p) => {
    await rejects(p.call('describe', 1, 'x', new Uint8Array(100e6)), 'WEFT_ENOMEM');
  },
  'program.call and iterate with the heap full reject with WEFT_ENOMEM, then work': async (p) => {
    assert.ok(p.module._fill_heap() > 0);
    try {
      await rejects(p.call('describe', 'some text', new Uint8Array(64)), 'WEFT_ENOMEM');
      await rejects(p.call('add_numbers', 1, 2), 'WEFT_ENOMEM');
      await rejects(p.iterate('count_up', 3).next(), 'WEFT_ENOMEM');
    } finally {
      p.module._release_heap();
    }
  },
  'weft_return_bytes without room rejects with WEFT_ENOMEM': async (p) => {
    await rejects(p.call('return_big_bytes', 34 << 20), 'WEFT_ENOMEM');
  },
};

for (const [name, fn] of Object.entries(oomCases)) {
  test(`OOM JS: ${name}`, { timeout: 60000 }, () => jsCase(fn, 'adv-bridge-oom'));
}

// ---- a heap above 2 GiB -------------------------------------------------------------

test('high: every bridge path with stacks and buffers above 2 GiB', { timeout: 120000 }, async () => {
  const r = await runCase('high', { high: true });
  checkCase(r, [
    'stack high=1 heap high=1',
    'roundtrip rc=OK s=-7|2.5|wörld|1,2,250|high high=1',
    'i rc=OK v=42', 'd rc=OK v=2.5', 's rc=OK v=hello', 'b rc=OK len=3', 'h rc=OK live=1',
    'reject rc=EJS msg=error message',
    /^bad sig rc=EINVAL msg=weft_call\("add", "x>"\): character 1, 'x', is not a type/,
    'fetch rc=OK r>0=1 status=200', 'header rc=6 value=wörld', 'read n=6 [wörld]',
    'body rc=OK len=1024 high=1',
    'bad url rc=EINVAL msg=weft: invalid URL "http://[bad"',
  ]);
});

test('high: program.call and iterate with their arguments above 2 GiB', { timeout: 120000 }, async () => {
  let prog;
  const program = await load(new URL('tests/adv-bridge.mjs', buildDir), {
    functions: hostFunctions(() => prog), stdout: () => {}, stderr: () => {},
  });
  prog = program;
  assert.equal(await program.run(['idle', fx.url, fx.refusedUrl, 'high']), 0);
  assert.ok(program.host.memory.exports.memory.buffer.byteLength > 2 ** 31, 'the heap is above 2 GiB');
  const o = { o: 1 };
  assert.equal(await program.call('describe', 1, 'héllo', new Uint8Array(5), o, null), '5:d,s6,b5,h,-,');
  assert.equal(await program.call('return_handle', o), o);
  assert.equal(await program.call('call_by_name', 'sub'), 5);
  await rejects(program.call('fail_with', -1, 'high failure'), 'WEFT_EINVAL', /^high failure$/);
  const got = [];
  for await (const v of program.iterate('count_up', 3)) got.push(v);
  assert.deepEqual(got, [0, 10, 20]);
  assert.deepEqual(await program.call('return_null_bytes', 0), new Uint8Array(0));
  assertNoLeaks(program);
});

// ---- soak ---------------------------------------------------------------------------

test('soak: 100k fetches keep memory and handles flat', { skip: process.env.WEFT_LONG !== '1' && 'set WEFT_LONG=1', timeout: 3600000 }, async (t) => {
  const marks = [];
  let prog;
  const functions = {
    ...hostFunctions(() => prog),
    mark: (n) => {
      marks.push({ n, rss: process.memoryUsage().rss, wasm: prog.host.memory.exports.memory.buffer.byteLength, ...prog.stats() });
      return 0;
    },
  };
  const r = await runProgram('adv-bridge', ['soak', fx.url, fx.refusedUrl], { functions, setup: (p) => { prog = p; } });
  assert.equal(r.status, 0, r.stdout.join('\n'));
  const [at10k, at100k] = marks;
  for (const m of marks) t.diagnostic(`${m.n} fetches: rss ${(m.rss / 2 ** 20).toFixed(1)} MiB, wasm ${m.wasm >> 20} MiB, handles ${m.handles}`);
  assert.equal(at10k.n, 10000);
  assert.equal(at100k.n, 100000);
  assert.ok(r.stdout.includes('soak ok=100000'), r.stdout.join('\n'));
  assert.equal(at100k.wasm, at10k.wasm, 'wasm memory did not grow');
  assert.equal(at100k.handles, at10k.handles, 'no handle left behind');
  assert.ok(at100k.rss - at10k.rss < 64 * 2 ** 20, `RSS grew ${(at100k.rss - at10k.rss) >> 20} MiB from 10k to 100k fetches`);
  assertNoLeaks(r.program);
});
