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

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(text) {
  const seen = new Map();
  const anchors = new Set();
  for (const m of stripFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** The text without fenced blocks (their lines are not headings or links). */
function stripFences(text) {
  return text.replace(/^[ \t]*```[\s\S]*?^[ \t]*```[ \t]*$/gm, '');
}

/** ...and without inline code, where brackets are not links. */
function stripCode(text) {
  return stripFences(text).replace(/`[^`\n]*`/g, '');
}

function linksOf(text) {
  return [...stripCode(text).matchAll(/\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

const pages = [
  join(root, 'README.md'),
  ...(existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))
    : []),
];

test('every relative link in README.md and docs/*.md points to an existing file', () => {
  assert.ok(pages.length > 1, 'docs/*.md exist');
  const broken = [];
  let checked = 0;
  for (const page of pages) {
    const text = readFileSync(page, 'utf8');
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, https:, mailto:
      const [path, anchor] = link.split('#');
      const target = path ? join(dirname(page), decodeURIComponent(path)) : page;
      const where = `${relative(root, page)}: ${link}`;
      checked++;
      if (!existsSync(target)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor && target.endsWith('.md') && statSync(target).isFile() &&
          !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${where} (no heading #${anchor})`);
      }
    }
  }
  assert.ok(checked > 0, 'some links were checked');
  assert.deepEqual(broken, []);
});
