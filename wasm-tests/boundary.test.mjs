// boundary.test.mjs — checks the optimized wasm, not the C: after Binaryen's
// inliner and the Asyncify pass, the only callers of asyncify_start_unwind
// must be the exported suspend points, weft__suspend and weft_yield. Were
// one inlined into a caller, that caller would stop being instrumented and
// would re-run its side effects on every rewind (see runtime/src/core/switch.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDir } from './helpers.mjs';

function functionsCalling(wat, callee) {
  const callers = [];
  const call = new RegExp(`\\(call \\${callee}[\\s)]`);
  const parts = wat.split(/\n (?=\(func )/);
  for (const part of parts) {
    const name = part.match(/^\(func (\$\S+)/)?.[1];
    if (name && name !== callee && call.test(part)) callers.push(name);
  }
  return callers;
}

for (const program of ['core', 'faults', 'faults-checked']) {
  test(`${program}.wasm: only the exported suspend points start an unwind`, () => {
    const wasm = fileURLToPath(new URL(`tests/${program}.wasm`, buildDir));
    const wat = execFileSync('wasm-dis', [wasm], { maxBuffer: 256 << 20 }).toString();
    const exported = (name) => wat.match(new RegExp(`\\(export "${name}" \\(func (\\$\\S+)\\)\\)`))?.[1];
    const points = ['weft__suspend', 'weft_yield'].map(exported);
    const startUnwind = exported('asyncify_start_unwind');
    assert.ok(points.every(Boolean), 'weft__suspend and weft_yield are exported');
    assert.ok(startUnwind, 'the program was built with Asyncify');
    assert.deepEqual(functionsCalling(wat, startUnwind).sort(), points.sort());
  });
}
