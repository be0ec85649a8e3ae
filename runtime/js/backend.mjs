// backend.mjs — which build of a program load() runs. A program is one
// build (an Emscripten module and its .wasm: Asyncify by default, JSPI with
// weft-cc --jspi), or a pair written by weft-cc --jspi --fallback: a small
// manifest module naming both builds, of which load() takes the one the
// engine supports (JSPI where WebAssembly.Suspending exists), or the one
// load()'s `backend` option asks for. Every way this can go wrong (an
// unknown option, a half missing or of the wrong kind, a forced JSPI on an
// engine without it) is an Error whose message names the file and the fix.
import { jspiSupported, isJspiModule, jspiNeeds, missingJspi } from './jspi.mjs';

export const backends = ['jspi', 'asyncify'];

/** What a manifest exports (bin/weft-cc.mjs writes it). */
export const manifestExport = 'weftBackends';

/** The text of the manifest weft-cc --jspi --fallback writes as `name`
 * (e.g. app.mjs), naming its two builds by their URLs relative to it
 * (pairNames: file names, URL-encoded). `name` goes into the text only as a
 * JS string and a one-line comment, so any file name makes a valid module. */
export function manifestText(name, files) {
  const line = String(name).replace(/[\r\n\u2028\u2029]+/g, ' ');
  return `// ${line} — written by weft-cc --jspi --fallback: the program built twice. load() from weft-wasm\n` +
    '// runs the JSPI build where the engine has JSPI, else the Asyncify one (load(url, { backend }) forces one).\n' +
    `export const ${manifestExport} = ${JSON.stringify(files)};\n` +
    'export default function () {\n' +
    `  throw new Error(${JSON.stringify(`weft: ${name} names two builds of a program; load it with load() from weft-wasm`)});\n}\n`;
}

/** The ending of an Emscripten module's name: .mjs or .js. */
export const jsEnding = /\.m?js$/;

/** `name` (a file name or URL path) with its .mjs or .js ending replaced by
 * `suffix` (e.g. '.wasm'); a name without that ending, unchanged. weft-cc
 * names every file of a build from its output's name this way. */
export const jsSibling = (name, suffix) => name.replace(jsEnding, suffix);

/** The file names of the two builds of a pair whose manifest is `out`
 * (app.mjs: app.asyncify.mjs and app.jspi.mjs), by backend. */
export function pairFiles(out) {
  const ext = out.match(jsEnding)?.[0] ?? '';
  return Object.fromEntries(backends.map((b) => [b, jsSibling(out, `.${b}${ext}`)]));
}

/** The manifest's names of the builds of a pair whose manifest's file name
 * is `name` (no folder): URLs relative to it, so each file name is
 * URL-encoded (a #, ? or % in it is part of the name). */
export function pairNames(name) {
  return Object.fromEntries(Object.entries(pairFiles(name)).map(([b, f]) => [b, `./${encodeURIComponent(f)}`]));
}

/** The bytes at `url` (a file in Node, else fetched), or its text. */
export async function readWasm(url, isNode, text = false) {
  if (isNode && url.protocol === 'file:') {
    const fs = 'node:fs/promises'; // opaque to bundlers building for the web
    const { readFile } = await import(/* @vite-ignore */ fs);
    return readFile(url, text ? 'utf8' : undefined);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: cannot load ${url}: HTTP ${response.status}`);
  return text ? response.text() : response.arrayBuffer();
}

/** The .wasm beside an Emscripten module's .mjs: its path's ending
 * rewritten, its query kept (cache-busting, signed URLs), its fragment dropped. */
export function wasmOf(url) {
  const wasm = new URL(url);
  wasm.pathname = jsSibling(wasm.pathname, '.wasm');
  wasm.hash = '';
  return wasm;
}

/** The source map beside that .wasm (.wasm.map), with the same query. */
export function sourceMapOf(url) {
  const map = wasmOf(url);
  map.pathname += '.map';
  return map;
}

/** The URL of the build a manifest at `manifest` names `name`: relative to
 * the manifest, with the manifest's query when the name has none. */
export function buildUrl(name, manifest) {
  const url = new URL(name, manifest);
  if (!url.search && !/\?/.test(name)) url.search = manifest.search;
  return url;
}

/** The build at `url`: its Emscripten factory, bytes, compiled module and backend. */
async function build(url, isNode) {
  const { default: factory, [manifestExport]: nested } = await import(url.href);
  if (nested) throw new Error(`weft: ${url.href} is a manifest of two builds, not a build`);
  const bytes = await readWasm(wasmOf(url), isNode);
  const compiled = await WebAssembly.compile(bytes);
  return { factory, bytes, compiled, backend: isJspiModule(compiled) ? 'jspi' : 'asyncify' };
}

/** Check load()'s `backend` option: undefined or 'auto', 'jspi', 'asyncify'. */
function wanted(option) {
  if (option === undefined || option === 'auto') return null;
  if (!backends.includes(option)) {
    throw new TypeError(`weft: backend is 'auto', 'jspi' or 'asyncify', not ${JSON.stringify(option)}`);
  }
  return option;
}

/**
 * The build load() runs for `url`: { factory, bytes, compiled, backend,
 * url }. `option`: load()'s `backend` ('auto' when undefined).
 */
export async function resolveBuild(url, option, isNode) {
  const want = wanted(option);
  const glue = await import(url.href);
  const files = glue[manifestExport];
  if (files === undefined) { // one build: it is what it is
    const b = await build(url, isNode);
    if (want && want !== b.backend) {
      throw new Error(`weft: ${url.href} is a ${b.backend === 'jspi' ? 'weft-cc --jspi' : 'weft-cc (Asyncify)'} build only; ` +
        `backend '${want}' needs a build of both (weft-cc --jspi --fallback)`);
    }
    if (b.backend === 'jspi' && !jspiSupported()) throw new Error(missingJspi);
    return { ...b, url };
  }
  if (typeof files !== 'object' || files === null || !backends.every((k) => typeof files[k] === 'string')) {
    throw new Error(`weft: ${url.href} is not a manifest weft-cc --jspi --fallback wrote: ${manifestExport} must name ` +
      'a jspi and an asyncify build; rebuild it');
  }
  const pick = want ?? (jspiSupported() ? 'jspi' : 'asyncify');
  if (pick === 'jspi' && !jspiSupported()) {
    throw new Error(`weft: backend 'jspi' needs ${jspiNeeds}; without that option load() runs the Asyncify build of ${url.href} here`);
  }
  const half = buildUrl(files[pick], url);
  let b;
  try {
    b = await build(half, isNode);
  } catch (e) {
    throw new Error(`weft: ${url.href} names ${half.href} as its ${pick} build, which cannot be loaded: ` +
      `${e?.message ?? e}; rebuild the program with weft-cc --jspi --fallback`, { cause: e });
  }
  if (b.backend !== pick) {
    throw new Error(`weft: ${url.href} names ${half.href} as its ${pick} build, but that file is built for ${b.backend}; ` +
      'rebuild the program with weft-cc --jspi --fallback');
  }
  return { ...b, url: half };
}
