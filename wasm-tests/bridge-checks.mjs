// bridge-checks.mjs — what wasm-tests/bridge.c must print for each scenario,
// shared by the Node tests and the Chromium tests. Each check gets the
// run's result and `env` ({fetchError: regexp the host's network error
// message must match}).
import assert from 'node:assert/strict';
import { fields } from './helpers.mjs';

export const bridgeChecks = {
  calls(r) {
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, [
      'int rc=0 v=42',
      'double rc=0 v=2.500',
      'string rc=0 v=hello, wörld',
      'bytes rc=0 len=256 reversed=1',
      'c-declared rc=0 v=42',
      'void rc=0',
      'reject rc=host function threw or its promise rejected msg=bad news',
      'throws rc=host function threw or its promise rejected msg=thrown synchronously',
      'unknown rc=invalid argument msg=weft: no host function named "no_such_fn"',
      'wrong type rc=invalid argument msg=weft: host function "greet" returned a string, expected an int32 (\'i\')',
      'weft_call("add", "iq>i", 1, 2, &i) = invalid argument',
      'weft_call("add", "ii", 1, 2) = invalid argument',
      'weft_call(NULL, ">") = invalid argument',
      'after success msg=[]',
      'big string rc=0 len=67108864',
      'concurrent good=200',
    ]);
  },
  handles(r) {
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, [
      'make rc=0',
      'bumped n=2',
      'free rc=0',
      'stale rc=stale, freed or forged handle msg=weft: handle 1 is stale, freed or forged',
      'weft_call("bump", "h>i", (weft_handle)12345, &n) = stale, freed or forged handle',
      'weft_call("bump", "h>i", (weft_handle)-7, &n) = stale, freed or forged handle',
      'weft_handle_free(h) = stale, freed or forged handle',
      'weft_handle_free(0) = stale, freed or forged handle',
    ]);
  },
  'fetch-basic'(r) {
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, [
      'hello rc=0 status=200',
      'status text=Fine Thanks',
      'x-weft=yes len=3 missing=not found (no such coroutine, export, header or index)',
      'iterated content-type=1',
      'body rc=0 [hello from weft]',
      'read after end = closed: read after the end, or channel closed and drained',
      'read after free = stale, freed or forged handle',
      'status after free = stale, freed or forged handle',
      'status 404 rc=0 body=status 404',
      'status 500 rc=0 body=status 500',
      'redirect rc=0 status=200 body=hello from weft',
    ]);
  },
  'fetch-echo'(r) {
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout, [
      'echo rc=0 status=200 method=PUT x-test=tested x-other=other value',
      'echo body len=512 same=1',
      'bytes total=1024 every-value=1 end=0',
    ]);
  },
  'fetch-stream'(r) {
    assert.equal(r.status, 0);
    assert.equal(r.stdout[0], 'chunked rc=0 total=48 end=0');
    assert.equal(r.stdout[1], 'gated rc=0 first=[part 1] rest=[part 2] end=0', 'the first half was read before the second was sent');
    const big = fields(r.stdout[2]);
    assert.equal(big.mb, '64');
    assert.equal(big.same, '1', 'the 64 MiB body arrived byte for byte');
    assert.equal(big.end, '0');
    assert.ok(Number(big.heap_growth_kb) < 4096, `heap grew ${big.heap_growth_kb} KiB while streaming 64 MiB`);
  },
  'fetch-failures'(r, env) {
    assert.equal(r.status, 0);
    const [invalid, refused, badSignal, reset, timeout] = r.stdout;
    assert.equal(invalid, 'invalid rc=invalid argument msg=weft: invalid URL "http://[bad"');
    assert.match(refused, /^refused rc=network error msg=weft: fetch http:\/\/127\.0\.0\.1:\d+\/nothing: /);
    assert.match(refused, env.fetchError);
    assert.equal(badSignal, 'bad signal rc=stale, freed or forged handle msg=weft: handle 4242 is not an abort signal');
    assert.match(reset, /^reset fetch rc=0 got>0:1 read rc=network error msg=weft: fetch .*\/t\/reset: /);
    assert.match(timeout, /^timeout quick=1 timeout rc=deadline or timeout expired msg=weft: fetch .*timed out after 100 ms$/);
  },
  'fetch-abort'(r) {
    assert.equal(r.status, 0);
    assert.equal(r.stdout[0], 'abort rc=0');
    assert.match(r.stdout[1], /^aborted rc=cancelled msg=weft: fetch .*\/t\/slow\?ms=60000 was aborted$/);
    assert.match(r.stdout[2], /^aborted read rc=cancelled msg=weft: fetch .*chunked.* was aborted$/);
  },
  'fetch-many'(r) {
    assert.equal(r.status, 0);
    const f = fields(r.stdout[0]);
    assert.equal(f.ok, f.n, 'every concurrent fetch succeeded');
  },
};
