// doc-links.mjs — checks that every relative link in a tree's README.md and
// docs/*.md points at a file (and heading) that exists there: used on the
// repository (docs.test.mjs) and on the installed package
// (browser-package.test.mjs), whose docs must stand without the repository.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

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

/** README.md and docs/*.md below `root`. */
export const pagesOf = (root) => [
  join(root, 'README.md'),
  ...(existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))
    : []),
];

/** Every broken link of the pages below `root`, and how many were checked. */
export function brokenLinks(root) {
  const broken = [];
  let checked = 0;
  for (const page of pagesOf(root)) {
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
  return { broken, checked };
}
