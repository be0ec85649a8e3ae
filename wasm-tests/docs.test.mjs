// docs.test.mjs — keeps the documentation honest: the README's first C
// example is examples/quickstart.c, byte for byte; that program really
// prints the interleaved output the README shows; and every relative link
// in README.md and docs/*.md points at a file (and heading) that exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../runtime/js/weft.mjs';
import { buildDir, assertNoLeaks } from './helpers.mjs';
import { brokenLinks, pagesOf } from './doc-links.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The fenced blocks of a markdown text, in order: {lang, body}. */
function fences(text) {
  return [...text.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({ lang: m[1], body: m[2] }));
}

const quickstartLines = [
  'a: step 1', 'b: step 1',
  'a: step 2', 'b: step 2',
  'a: step 3', 'b: step 3',
  'joined a and b',
];

test('the first C block of README.md is examples/quickstart.c', () => {
  const blocks = fences(readme);
  const first = blocks.find((b) => b.lang === 'c');
  assert.ok(first, 'README.md has a ```c block');
  assert.equal(first.body, readFileSync(join(root, 'examples/quickstart.c'), 'utf8'));
  // The output shown right after it is the program's real output.
  const shown = blocks[blocks.indexOf(first) + 1];
  assert.equal(shown?.lang, 'text', 'a ```text block with the output follows the example');
  assert.deepEqual(shown.body.trimEnd().split('\n'), quickstartLines);
});

test('examples/quickstart.mjs runs and its coroutines interleave', async () => {
  const stdout = [];
  const stderr = [];
  const program = await load(new URL('examples/quickstart.mjs', buildDir), {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  const t0 = performance.now();
  const status = await program.run();
  const ms = performance.now() - t0;
  assert.equal(status, 0);
  assert.deepEqual(stderr, []);
  // Alternation proves concurrency: run one after the other, a's three
  // steps would all come before b's first.
  assert.deepEqual(stdout, quickstartLines);
  assert.ok(ms >= 29, `three 10 ms sleeps took ${ms.toFixed(1)} ms`);
  assertNoLeaks(program);
});

test('every relative link in README.md and docs/*.md points to an existing file', () => {
  assert.ok(pagesOf(root).length > 1, 'docs/*.md exist');
  const { broken, checked } = brokenLinks(root);
  assert.ok(checked > 0, 'some links were checked');
  assert.deepEqual(broken, []);
});
