#!/usr/bin/env node
// layers.mjs — checks that runtime/src keeps its layers: the kernel
// (core/) knows nothing of the library (lib/) or the host bridges
// (host/), and each upper layer sees only the kernel's interface
// (core/core.h), never its private header (core/kernel.h) or the other's.
//
//   node tools/layers.mjs     prints each violation; exits 1 if any
//
// wasm-tests/layers.test.mjs runs it, and checks that it catches a
// wrong-way include or call.
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'runtime', 'src');

/** What each layer's files may include with "...": everything else is a violation. */
export const allowed = {
  core: ['weft.h', '../abi.h', 'core.h', 'kernel.h', 'stack.h'],
  lib: ['weft.h', '../core/core.h', 'lib.h'],
  host: ['weft.h', '../abi.h', '../core/core.h', 'host.h'],
};
/** Layers whose functions a layer must not call (the kernel calls no one above it). */
const below = { core: ['lib', 'host'], lib: ['host'], host: ['lib'] };

/** The runtime's sources: {layer, name, text} for each file in a layer folder. */
export function readSources(root = src) {
  const files = [];
  for (const layer of Object.keys(allowed)) {
    for (const name of readdirSync(join(root, layer)).sort()) {
      if (/\.[ch]$/.test(name)) files.push({ layer, name, text: readFileSync(join(root, layer, name), 'utf8') });
    }
  }
  return files;
}

/** C text without comments and string or character literals. */
function code(text) {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').replace(/"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, '""');
}

/** Functions a file defines with external linkage (a definition starts a line). */
function definedFunctions(text) {
  const names = new Set();
  for (const m of code(text).matchAll(/^(?!static\b)[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*(?:__attribute__\(\([^)]*\)\)\s*)?\{/gm)) {
    names.add(m[1]);
  }
  return names;
}

/** Every violation in `files` (from readSources), as "layer/file: what". */
export function check(files) {
  const problems = [];
  const defined = {};
  for (const f of files) {
    defined[f.layer] ??= new Map();
    for (const name of definedFunctions(f.text)) defined[f.layer].set(name, f.name);
  }
  for (const f of files) {
    const where = `${f.layer}/${f.name}`;
    for (const m of f.text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
      if (!allowed[f.layer].includes(m[1])) problems.push(`${where}: includes "${m[1]}" (${f.layer}/ may include only ${allowed[f.layer].join(', ')})`);
    }
    const words = new Set(code(f.text).match(/[A-Za-z_]\w*/g) ?? []);
    for (const other of below[f.layer]) {
      for (const [name, file] of defined[other] ?? []) {
        if (words.has(name)) problems.push(`${where}: uses ${name}, which ${other}/${file} defines`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = check(readSources());
  for (const p of problems) console.error(`layers: ${p}`);
  if (problems.length) process.exit(1);
  console.log('layers: the kernel knows nothing of the library or the host bridges');
}
