// model.test.mjs — the randomized model-based test (wasm-tests/model.c):
// random spawn/yield/sleep/send/recv/select/close/cancel/deadline sequences
// checked against a reference model. `npm test` runs 4 seeds x 20,000
// operations; WEFT_MODEL_LONG=1 (npm run test:long) runs 16 x 100,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram, fields } from './helpers.mjs';

const long = process.env.WEFT_MODEL_LONG === '1';
const seeds = long ? 16 : 4;
const ops = long ? 100000 : 20000;

for (let seed = 1; seed <= seeds; seed++) {
  test(`model seed ${seed}: ${ops} random operations agree with the reference model`, { timeout: 600000 }, async () => {
    const r = await runProgram('model', [String(seed), String(ops)]);
    const last = r.stdout.at(-1) ?? '';
    assert.equal(r.status, 0, r.stdout.join('\n'));
    const f = fields(last);
    assert.equal(f.violations, '0', r.stdout.join('\n'));
    assert.equal(Number(f.ops), ops);
    assert.ok(Number(f.sent) > 0 && f.sent === f.received, 'values moved and all were received');
    assert.ok(Number(f.cancels) > 0 && Number(f.timeouts) > 0 && Number(f.epipe) > 0 && Number(f.eclosed) > 0,
      `every kind of outcome happened: ${last}`);
  });
}

test('model under AddressSanitizer: no memory error in 5,000 operations with compact and own stacks', { timeout: 600000 }, async () => {
  const r = await runProgram('model-asan', ['3', '5000']);
  const text = [...r.stdout, ...r.stderr].join('\n');
  assert.doesNotMatch(text, /AddressSanitizer/, text);
  assert.equal(r.status, 0, text);
  assert.equal(fields(r.stdout.at(-1)).violations, '0');
});
