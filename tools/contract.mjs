#!/usr/bin/env node
// contract.mjs — writes what JS must agree on with C from the one place C
// states it: runtime/include/weft.h (the error codes of WEFT_ERRNO_MAP, the
// WEFT_WAIT_* kinds) and runtime/src/abi.h (the WEFT_ABI_* constants, the
// import and entry-point names, the Asyncify lists). It writes
//   runtime/js/contract.mjs        an ES module the host and weft-cc import
//   runtime/js/library_weft.js     the import names, between <contract:imports> markers
//   runtime/js/weft.d.ts           the type of `codes`, between <contract:codes> markers
//
//   node tools/contract.mjs           (re)write them
//   node tools/contract.mjs --check   exit 1, naming what differs, when one is stale
//
// Parsing is strict: a list or a constant that is not found, or an entry
// that cannot be read, is an error, so a change of format cannot quietly
// produce an empty list.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const WEFT_H = 'runtime/include/weft.h';
export const CONTRACT = 'runtime/js/contract.mjs';
export const LIBRARY = 'runtime/js/library_weft.js';
export const TYPES = 'runtime/js/weft.d.ts';

/** The WEFT_ABI_* constants the JS host reads: each must be in abi.h. */
export const requiredConstants = ['VAL_SIZE', 'VAL_TYPE', 'VAL_LEN', 'VAL_WORD', 'TYPE_INT', 'TYPE_DOUBLE',
  'TYPE_STRING', 'TYPE_BYTES', 'TYPE_HANDLE', 'READ_PENDING', 'TEXT_STATUS', 'TEXT_HEADER', 'TEXT_HEADER_AT', 'TEXT_URL',
  'HEADER_STRIDE', 'IOV_STRIDE'];

class ContractError extends Error {}
const fail = (msg) => { throw new ContractError(`contract: ${msg}`); };

/** C text without its comments (string literals kept). */
function stripComments(text) {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => (m.startsWith('"') ? m : m.replace(/[^\n]/g, ' ')));
}

/** The body of `#define NAME(XX)`, its continuation lines joined. */
function macroBody(text, name, file) {
  const lines = stripComments(text).split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s*#\\s*define\\s+${name}\\s*\\(\\s*XX\\s*\\)`).test(l));
  if (at < 0) fail(`${file}: no #define ${name}(XX) list`);
  let body = lines[at].replace(/^.*?\(\s*XX\s*\)/, '');
  for (let i = at; lines[i].trimEnd().endsWith('\\'); i++) {
    body = body.trimEnd().slice(0, -1);
    if (i + 1 >= lines.length) fail(`${file}: ${name} ends with a continuation at the end of the file`);
    body += ` ${lines[i + 1]}`;
  }
  return body;
}

/** Each `XX(` entry of a list: its arguments, as text, split at top-level commas. */
function entries(text, name, file) {
  const body = macroBody(text, name, file);
  const out = [];
  let i = 0;
  for (;;) {
    const at = body.indexOf('XX(', i);
    if (at < 0) break;
    let depth = 0, arg = '', args = [], inString = false;
    for (i = at + 2; i < body.length; i++) {
      const c = body[i];
      if (inString) {
        arg += c;
        if (c === '\\') arg += body[++i];
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') { inString = true; arg += c; continue; }
      if (c === '(') { if (depth++ > 0) arg += c; continue; }
      if (c === ')') {
        if (--depth === 0) break;
        arg += c;
        continue;
      }
      if (c === ',' && depth === 1) { args.push(arg.trim()); arg = ''; continue; }
      arg += c;
    }
    if (depth !== 0) fail(`${file}: ${name}: an unclosed XX( entry`);
    args.push(arg.trim());
    out.push(args);
    i++;
  }
  const rest = body.replace(/XX\((?:[^()"]|"(?:[^"\\]|\\.)*"|\((?:[^()]|\([^()]*\))*\))*\)/g, '').trim();
  if (rest) fail(`${file}: ${name}: text that is not an XX(...) entry: ${JSON.stringify(rest.slice(0, 60))}`);
  if (!out.length) fail(`${file}: ${name} has no XX(...) entries`);
  return out;
}

/** The first argument of each entry, a C identifier or a string literal. */
function names(text, name, file) {
  return entries(text, name, file).map((args) => {
    const a = args[0];
    const m = a.match(/^"([^"\\]+)"$/) ?? a.match(/^([A-Za-z_$][\w$*]*)$/);
    if (!m) fail(`${file}: ${name}: ${JSON.stringify(a)} is not a name`);
    return m[1];
  });
}

/** Every fact of the contract, from the texts of weft.h and abi.h. */
export function parse(weftH, abiH, abiFile = 'abi.h') {
  const codes = entries(weftH, 'WEFT_ERRNO_MAP', WEFT_H).map((args) => {
    if (args.length !== 3) fail(`${WEFT_H}: WEFT_ERRNO_MAP: XX(${args.join(', ')}) is not XX(NAME, value, "text")`);
    const [name, value, text] = args;
    if (!/^E[A-Z0-9]+$/.test(name)) fail(`${WEFT_H}: WEFT_ERRNO_MAP: ${name} is not an error name`);
    if (!/^-\d+$/.test(value)) fail(`${WEFT_H}: WEFT_ERRNO_MAP: ${name}'s value ${value} is not a negative integer`);
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) fail(`${WEFT_H}: WEFT_ERRNO_MAP: ${name}'s text is not a string literal`);
    return { name, value: Number(value), text: JSON.parse(text) };
  });
  const dup = (list, what) => {
    const seen = new Set();
    for (const x of list) {
      if (seen.has(x)) fail(`${what}: ${x} appears twice`);
      seen.add(x);
    }
  };
  dup(codes.map((c) => c.name), `${WEFT_H}: WEFT_ERRNO_MAP`);
  dup(codes.map((c) => c.value), `${WEFT_H}: WEFT_ERRNO_MAP values`);

  const abi = {};
  const plain = stripComments(abiH);
  for (const line of plain.split('\n')) {
    const d = line.match(/^\s*#\s*define\s+WEFT_ABI_(\w+)\b(.*)$/);
    if (!d) continue;
    const v = d[2].trim();
    if (d[1] === 'H' && !v) continue; // the include guard
    if (!/^-?\d+$/.test(v)) fail(`${abiFile}: WEFT_ABI_${d[1]} is ${JSON.stringify(v)}, not an integer`);
    if (d[1] in abi) fail(`${abiFile}: WEFT_ABI_${d[1]} is defined twice`);
    abi[d[1]] = Number(v);
  }
  if (!Object.keys(abi).length) fail(`${abiFile}: no #define WEFT_ABI_NAME value constants`);
  for (const k of requiredConstants) if (!(k in abi)) fail(`${abiFile}: WEFT_ABI_${k} is missing (the JS host reads it)`);

  const list = (name) => {
    const l = names(abiH, name, abiFile);
    dup(l, `${abiFile}: ${name}`);
    return l;
  };

  // A C enum of weft.h whose members all start with WEFT_<prefix>_.
  const enumOf = (prefix) => {
    const body = stripComments(weftH).match(new RegExp(`enum\\s*\\{([^}]*\\bWEFT_${prefix}_\\w+[^}]*)\\}`));
    if (!body) fail(`${WEFT_H}: no enum of WEFT_${prefix}_* values`);
    const values = {};
    let next = 0;
    for (const item of body[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      const m = item.match(new RegExp(`^WEFT_${prefix}_(\\w+)(?:\\s*=\\s*(\\d+))?$`));
      if (!m) fail(`${WEFT_H}: WEFT_${prefix}_* enum: ${JSON.stringify(item)} is not WEFT_${prefix}_NAME [= n]`);
      if (m[2] !== undefined) next = Number(m[2]);
      values[m[1]] = next++;
    }
    return values;
  };
  const waitKinds = enumOf('WAIT');
  const redirects = enumOf('REDIRECT');
  return {
    codes, abi, waitKinds, redirects,
    imports: list('WEFT_IMPORTS'),
    entryPoints: list('WEFT_ENTRY_POINTS'),
    jspiImports: list('WEFT_JSPI_IMPORTS'),
    jspiEntryPoints: list('WEFT_JSPI_ENTRY_POINTS'),
    neverSuspends: list('WEFT_NEVER_SUSPENDS'),
    runtimeSuspends: list('WEFT_RUNTIME_SUSPENDS'),
  };
}

const header = (abiFile, comment) => [
  `${comment} GENERATED by tools/contract.mjs from ${WEFT_H} and ${abiFile}: do not edit;`,
  `${comment} change those headers and run \`node tools/contract.mjs\`.`,
].join('\n');

/** runtime/js/contract.mjs for a parsed contract. */
export function renderModule(c, abiFile) {
  const obj = (entriesOf, indent = '  ') => entriesOf.map(([k, v]) => `${indent}${k}: ${JSON.stringify(v)},`).join('\n');
  const arr = (l) => `[\n${l.map((x) => `  ${JSON.stringify(x)},`).join('\n')}\n]`;
  return `${header(abiFile, '//')}
//
// What the JS host and weft-cc must agree on with the C runtime.

/** The error codes of weft.h's WEFT_ERRNO_MAP, by name without WEFT_. */
export const codes = Object.freeze({
${obj(c.codes.map((e) => [e.name, e.value]))}
});

/** weft_strerror's text for each code, by name. */
export const codeTexts = Object.freeze({
${obj(c.codes.map((e) => [e.name, e.text]))}
});

/** abi.h's WEFT_ABI_* constants, without the prefix: layouts and numbers. */
export const abi = Object.freeze({
${obj(Object.entries(c.abi))}
});

/** The kinds of wait of weft.h's WEFT_WAIT_* enum, without the prefix. */
export const waitKinds = Object.freeze({
${obj(Object.entries(c.waitKinds))}
});

/** weft_fetch_opts.redirect: weft.h's WEFT_REDIRECT_* values, without the prefix. */
export const redirects = Object.freeze({
${obj(Object.entries(c.redirects))}
});

/** The imports the host provides: the C functions weft_host_NAME (abi.h WEFT_IMPORTS). */
export const imports = Object.freeze(${arr(c.imports)});

/** The runtime's entry points the host calls: weft__NAME, exported as _weft__NAME (WEFT_ENTRY_POINTS). */
export const entryPoints = Object.freeze(${arr(c.entryPoints)});

/** The JSPI backend's own imports (abi.h WEFT_JSPI_IMPORTS): weft-cc --jspi builds only. */
export const jspiImports = Object.freeze(${arr(c.jspiImports)});

/** The JSPI backend's own entry points (abi.h WEFT_JSPI_ENTRY_POINTS): weft-cc --jspi builds only. */
export const jspiEntryPoints = Object.freeze(${arr(c.jspiEntryPoints)});

/** Functions Asyncify need not instrument: they never sit on a suspended stack (WEFT_NEVER_SUSPENDS). */
export const neverSuspends = Object.freeze(${arr(c.neverSuspends)});

/** The runtime's indirect calls that can reach a suspend point (WEFT_RUNTIME_SUSPENDS). */
export const runtimeSuspends = Object.freeze(${arr(c.runtimeSuspends)});
`;
}

/** Replace what stands between `// <contract:TAG>` and `// </contract:TAG>` in `text`. */
export function replaceBlock(text, tag, body, file) {
  const open = `// <contract:${tag}>`, close = `// </contract:${tag}>`;
  const a = text.indexOf(open), b = text.indexOf(close);
  if (a < 0 || b < a) fail(`${file}: no ${open} ... ${close} block`);
  if (text.indexOf(open, a + 1) >= 0) fail(`${file}: two ${open} blocks`);
  const start = text.indexOf('\n', a) + 1;
  const end = text.lastIndexOf('\n', b) + 1;
  return text.slice(0, start) + body + text.slice(end);
}

/**
 * Every generated output, from the sources' texts: `sources` maps
 * weft.h's, abi.h's, library_weft.js's and weft.d.ts's paths to their
 * text (abi.h under `abiFile`); returns path -> the text it should have.
 * Pure: reads and writes nothing.
 */
export function generate(sources, abiFile) {
  const c = parse(sources[WEFT_H], sources[abiFile], abiFile);
  const names = [...c.imports, ...c.jspiImports].map((n) => `'${n}'`);
  const lines = [];
  for (const n of names) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${n},`.length <= 96) lines[last] += ` ${n},`;
    else lines.push(`  ${n},`);
  }
  const library = replaceBlock(sources[LIBRARY], 'imports',
    `${header(abiFile, '//')}\nvar weftImportNames = [\n${lines.join('\n')}\n];\nvar weftENOASYNC = ${c.codes.find((e) => e.name === 'ENOASYNC')?.value ?? fail(`${WEFT_H}: no ENOASYNC code`)};\n`, LIBRARY);
  const fields = c.codes.map((e) => `${e.name}: ${e.value};`);
  const typeLines = [];
  for (const f of fields) {
    const last = typeLines.length - 1;
    if (last >= 0 && `${typeLines[last]} ${f}`.length <= 96) typeLines[last] += ` ${f}`;
    else typeLines.push(`  ${f}`);
  }
  const types = replaceBlock(sources[TYPES], 'codes', `${header(abiFile, '//')}
/** Error codes of weft.h, by name (values are the negative C codes). */
export declare const codes: Readonly<{
${typeLines.join('\n')}
}>;
`, TYPES);
  return { [CONTRACT]: renderModule(c, abiFile), [LIBRARY]: library, [TYPES]: types };
}

/** Where each output differs from `committed` (path -> text): [] when none. */
export function differences(sources, committed, abiFile) {
  const out = generate(sources, abiFile);
  const diffs = [];
  for (const [path, want] of Object.entries(out)) {
    const have = committed[path];
    if (have === want) continue;
    if (have === undefined) { diffs.push(`${path}: missing`); continue; }
    const a = have.split('\n'), b = want.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    diffs.push(`${path}:${i + 1}: is ${JSON.stringify(a[i] ?? '(end of file)')}, should be ${JSON.stringify(b[i] ?? '(end of file)')}`);
  }
  return diffs;
}

/** abi.h's path below the project root: the one file of that name under runtime/src. */
export function findAbi(dir = root) {
  const found = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === 'abi.h') found.push(relative(dir, join(d, e.name)));
    }
  };
  walk(join(dir, 'runtime/src'));
  if (found.length !== 1) fail(`expected one abi.h under runtime/src, found ${found.length ? found.join(', ') : 'none'}`);
  return found[0];
}

/** The sources and the committed outputs, read from the tree at `dir`. */
export function readTree(dir = root) {
  const abiFile = findAbi(dir);
  const read = (p) => readFileSync(join(dir, p), 'utf8');
  const sources = { [WEFT_H]: read(WEFT_H), [abiFile]: read(abiFile), [LIBRARY]: read(LIBRARY), [TYPES]: read(TYPES) };
  let contract;
  try {
    contract = read(CONTRACT);
  } catch {
    contract = undefined;
  }
  return { abiFile, sources, committed: { [CONTRACT]: contract, [LIBRARY]: sources[LIBRARY], [TYPES]: sources[TYPES] } };
}

/** The --check: the differences in the tree at `dir`. */
export function check(dir = root) {
  const { abiFile, sources, committed } = readTree(dir);
  return differences(sources, committed, abiFile);
}

function main(argv) {
  try {
    const { abiFile, sources, committed } = readTree();
    if (argv.includes('--check')) {
      const diffs = differences(sources, committed, abiFile);
      if (!diffs.length) return 0;
      console.error(`contract: out of date with ${WEFT_H} and ${abiFile} (run node tools/contract.mjs):\n  ${diffs.join('\n  ')}`);
      return 1;
    }
    for (const [path, text] of Object.entries(generate(sources, abiFile))) {
      if (committed[path] !== text) {
        writeFileSync(join(root, path), text);
        console.log(`contract: wrote ${path}`);
      }
    }
    return 0;
  } catch (e) {
    if (!(e instanceof ContractError)) throw e;
    console.error(e.message);
    return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
