// debug-checks.mjs — what debug.c's debug builds must print, shared by
// debug.test.mjs (Node) and browser-debug.test.mjs (a page and a worker).
import assert from 'node:assert/strict';

/** debug.c's output when it runs `main`. */
export const debugLines = ['a 1', 'b 1', 'a 2', 'b 2', 'joined a and b'];
/** build.sh's debug builds of debug.c, and whether each has function names. */
export const debugBuilds = { 'debug-O0': false, 'debug-assertions': false, 'debug-assertions2': false, 'debug-g': true, 'debug-debug': true };

/** What a fault in debug.c reports: the assertion with its place, and the function a trap stopped in. */
export function checkFault(r, what, named) {
  assert.equal(r.status, 0, r.error?.message);
  assert.deepEqual(r.stdout, ['join = JS exception or wasm trap in a coroutine']);
  const err = r.stderr.join('\n');
  assert.doesNotMatch(err, /Build with -s ?ASSERTIONS/, 'no advice weft-cc builds cannot follow');
  if (what === 'assert') {
    assert.match(err, /was stopped: Aborted\(Assertion failed: n < 3 && "n stays small", at: \S*debug\.c,\d+,debug_checked\)/);
  } else {
    assert.match(err, /was stopped: unreachable/);
  }
  if (named) {
    // (-O2 -g inlines debug_checked into its caller.)
    assert.match(err, what === 'assert' ? /\) in (debug_checked, called from )?debug_asserter \(/ : /unreachable in debug_trapper \(/);
  }
}
