// types.test.mjs — the package's types for a strict TypeScript caller:
// tsc --strict on wasm-tests/types/check.ts, which imports 'weft-wasm'
// through the package's own exports map. Typed exports (load<Exports>())
// need no casts, and every @ts-expect-error line there (a wrong name,
// argument or result type) must be an error, or tsc fails on it. A copy
// without those directives must report each of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('types/', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

const check = (project) => spawnSync(process.execPath, [tsc, '-p', project], { cwd: dir, encoding: 'utf8' });

test('a strict TypeScript caller of typed exports needs no casts, and wrong uses fail', () => {
  const r = check('tsconfig.json');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('each @ts-expect-error line is a real type error', () => {
  const source = readFileSync(`${dir}check.ts`, 'utf8');
  const expected = source.split('\n').filter((l) => l.startsWith('// @ts-expect-error')).length;
  assert.ok(expected >= 9);
  writeFileSync(`${dir}unmarked.ts`, source.replace(/^\/\/ @ts-expect-error.*$/gm, '//'));
  writeFileSync(`${dir}tsconfig.unmarked.json`, readFileSync(`${dir}tsconfig.json`, 'utf8').replace('check.ts', 'unmarked.ts'));
  try {
    const r = check('tsconfig.unmarked.json');
    const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    const lines = new Set(errors.map((l) => l.match(/\((\d+),/)[1]));
    assert.equal(lines.size, expected, r.stdout);
  } finally {
    rmSync(`${dir}unmarked.ts`, { force: true });
    rmSync(`${dir}tsconfig.unmarked.json`, { force: true });
  }
});
