#!/usr/bin/env node
// weft-cc — compiles and links C files with the weft runtime into an ES
// module plus its .wasm, choosing the Asyncify flags so that only code that
// can reach a suspend point is instrumented. The flags live here once:
// build.sh links every test, benchmark and demo program through this file.
//
//   weft-cc [options] file.c... -o out.mjs [emcc flags...]
//
// See `weft-cc --help` and docs/building.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as contract from '../runtime/js/contract.mjs';
import { jsEnding, jsSibling, manifestText, pairFiles, pairNames } from '../runtime/js/backend.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The oldest Emscripten weft is tested with (docs/building.md). */
export const oldestEmscripten = '3.1.6';

const usage = `usage: weft-cc [options] file.c... -o out.mjs [emcc flags...]

Compiles C files with weft and writes out.mjs (an ES module) and out.wasm.
Load it with: import { run } from 'weft-wasm'; await run('./out.mjs').

environment:
  EMCC      the emcc to run (default: emcc on PATH, e.g. from emsdk_env.sh)
  WEFT_LIB  a libweft.a built with that emcc (default: the package's own
            build/lib/libweft.a when it was built with the same Emscripten
            version; otherwise the runtime is compiled from runtime/src)

options:
  --ignore-indirect  assume no indirect call (function pointer) reaches a
                     suspending weft call, except the runtime's own and the
                     functions named with --suspends: smaller, faster code
  --suspends=f,g     with --ignore-indirect: functions to instrument anyway:
                     each one whose function-pointer call can suspend, and
                     every function between it and the coroutine's entry
  --debug            -O0 -g, and Emscripten's stack checker on every frame:
                     a C stack overflow is caught where it happens
  --jspi             switch coroutines with JavaScript Promise Integration
                     instead of the Asyncify pass: no instrumented code;
                     needs an engine with JSPI (Node >= 25, Chrome >= 137);
                     at most 12,000 live coroutines by default
                     (-DWEFT_JSPI_MAX_COROUTINES=N with --runtime-src, or
                     load()'s maxCoroutines option)
  --fallback         with --jspi: build twice, out.jspi.mjs (JSPI) and
                     out.asyncify.mjs (Asyncify), each with its .wasm, and
                     write out.mjs naming both: load() runs the JSPI build
                     where the engine has JSPI, else the Asyncify one
  --runtime-src      compile the runtime from runtime/src with these flags
                     instead of linking the prebuilt library (e.g. for
                     -fsanitize=address; with -g its reports name file:line,
                     from the -gsource-map weft-cc adds)
  --print-flags      print the emcc command and exit
  -h, --help         this text
Other arguments (-O3, -O0, -g, -I, -D, -s..., .c/.o/.a files) go to emcc as
they are; -sEXPORTED_FUNCTIONS and -sASYNCIFY_ADD/REMOVE lists are merged
with weft's own; -sASSERTIONS is always 0 (Emscripten's assertions trap on
weft's switch: use --debug).`;

/** Runtime entry points the JS host calls (runtime/src/abi.h's
 * WEFT_ENTRY_POINTS), and the allocator it uses. */
export const exportedFunctions = [...contract.entryPoints.map((name) => `_weft__${name}`), '_malloc', '_free'];
/** ...and the JSPI backend's own (WEFT_JSPI_ENTRY_POINTS), with --jspi. */
export const jspiExportedFunctions = contract.jspiEntryPoints.map((name) => `_weft__${name}`);

/** The Emscripten version `emcc` reports, as "X.Y.Z", or null. */
export function emccVersion(emcc, env = process.env) {
  const r = spawnSync(emcc, ['--version'], { encoding: 'utf8', env });
  if (r.error) throw r.error;
  return (r.stdout ?? '').match(/\b(\d+\.\d+\.\d+)\b/)?.[1] ?? null;
}

/** -1, 0 or 1 as version a is older than, equal to or newer than b. */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number), y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/** The prebuilt library to link for Emscripten `version`, or null to
 * compile the runtime from source: objects built by another Emscripten may
 * not match this one's system libraries. */
export function prebuiltLibrary(version, env = process.env, jspi = false) {
  if (jspi ? env.WEFT_JSPI_LIB : env.WEFT_LIB) return jspi ? env.WEFT_JSPI_LIB : env.WEFT_LIB;
  if (jspi && env.WEFT_LIB) { // the JSPI library beside the one named
    const beside = join(dirname(env.WEFT_LIB), 'libweft-jspi.a');
    return existsSync(beside) ? beside : null;
  }
  const lib = join(root, jspi ? 'build/lib/libweft-jspi.a' : 'build/lib/libweft.a');
  const stamp = join(root, 'build/lib/emscripten-version');
  if (!existsSync(lib) || !existsSync(stamp)) return null;
  return readFileSync(stamp, 'utf8').trim() === version ? lib : null;
}

/** Functions Asyncify need not instrument, and the runtime's own indirect
 * calls that can reach a suspend point: abi.h's WEFT_NEVER_SUSPENDS and
 * WEFT_RUNTIME_SUSPENDS, which say why. */
export const neverSuspends = [...contract.neverSuspends];
export const runtimeSuspends = [...contract.runtimeSuspends];

/** The runtime's C files, below runtime/src, sorted. */
export function runtimeSources() {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.c')) found.push(join(dir, e.name));
    }
  };
  walk(join(root, 'runtime/src'));
  return found.sort();
}

/** Split argv into weft-cc's options and emcc's arguments. */
export function parseArgs(argv) {
  const o = { jspi: false, fallback: false, debug: false, suspends: [], lean: false, runtimeSrc: false, print: false, help: false,
    out: null, lib: null, add: [], remove: [], exports: [], rest: [] };
  const list = (s) => s.replace(/^\[|\]$/g, '').split(',').map((x) => x.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '-s' && i + 1 < argv.length) a = `-s${argv[++i]}`; // emcc's "-s NAME=VALUE"
    const m = a.match(/^-s(ASYNCIFY_ADD|ASYNCIFY_REMOVE|EXPORTED_FUNCTIONS)=(.*)$/);
    if (a === '--debug') o.debug = true;
    else if (a === '--ignore-indirect') o.lean = true;
    else if (a === '--runtime-src') o.runtimeSrc = true;
    else if (a === '--jspi') o.jspi = true;
    else if (a === '--fallback') o.fallback = true;
    else if (a === '--print-flags') o.print = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a === '--suspends') o.suspends.push(...list(argv[++i] ?? ''));
    else if (a.startsWith('--suspends=')) o.suspends.push(...list(a.slice(11)));
    else if (a === '-o') o.out = argv[++i];
    else if (a.startsWith('-o') && a.length > 2) o.out = a.slice(2);
    else if (m) o[{ ASYNCIFY_ADD: 'add', ASYNCIFY_REMOVE: 'remove', EXPORTED_FUNCTIONS: 'exports' }[m[1]]].push(...list(m[2]));
    else o.rest.push(a);
  }
  return o;
}

/** The emcc argument list for parsed options `o`. */
export function emccArgs(o) {
  const optimized = o.rest.some((a) => /^-O[0-3sz]$/.test(a));
  const sanitized = o.rest.some((a) => /^-fsanitize=(.*,)?address\b/.test(a));
  const debugInfo = o.debug || o.rest.some((a) => /^-g[0-9]?$/.test(a));
  const inputs = o.runtimeSrc || !o.lib
    ? runtimeSources()
    : [o.lib];
  const remove = [...neverSuspends, ...o.remove];
  const add = [...(o.lean ? [...runtimeSuspends, ...o.suspends] : []), ...o.add];
  const asyncify = [
    ...(o.lean ? ['-sASYNCIFY_IGNORE_INDIRECT'] : []),
    `-sASYNCIFY_REMOVE=${remove.join(',')}`,
    ...(add.length ? [`-sASYNCIFY_ADD=${add.join(',')}`] : []),
  ];
  // JSPI: the runtime's switch_jspi.c instead of switch.c, no Asyncify pass.
  const suspension = o.jspi ? [] : ['-sASYNCIFY', '-sASYNCIFY_IMPORTS=[]', ...asyncify];
  const exported = [...exportedFunctions, ...(o.jspi ? jspiExportedFunctions : []), ...o.exports];
  return [
    ...(o.debug ? ['-O0', '-g', '-sSTACK_OVERFLOW_CHECK=2'] : optimized ? [] : ['-O2']),
    // AddressSanitizer's reports name file:line only from a source map.
    ...(sanitized && debugInfo ? ['-gsource-map'] : []),
    `-I${join(root, 'runtime/include')}`,
    ...(o.jspi ? ['-DWEFT_JSPI'] : []),
    ...o.rest.filter((a) => !a.startsWith('-s')), ...inputs, // the library after the objects that use it
    '-o', o.out,
    // Suspension is weft's own: no import suspends (emcc adds its defaults,
    // for emscripten_sleep and friends, which weft programs don't call).
    ...suspension,
    '-sMODULARIZE', '-sEXPORT_ES6', '-sENVIRONMENT=web,worker', '-sINVOKE_RUN=0',
    '-sALLOW_MEMORY_GROWTH', '-sMAXIMUM_MEMORY=4GB',
    // weft unwinds into the idle low part of the main C stack (see
    // runtime/src/core/switch.c); Emscripten's default shrank to 64 KB in 3.1.27.
    // TOTAL_STACK is the name every version accepts.
    '-sTOTAL_STACK=5MB',
    '--js-library', join(root, 'runtime/js/library_weft.js'),
    `-sEXPORTED_FUNCTIONS=${[...new Set(exported)].join(',')}`,
    ...o.rest.filter((a) => a.startsWith('-s') && !assertionsSetting(a)), // the user's settings win
    // ...except ASSERTIONS (weftAssertions): always off, also at -O0, where
    // emcc's default is on.
    '-sASSERTIONS=0',
  ];
}

/** The level an -sASSERTIONS[=N] argument asks for, or null for another argument. */
export function assertionsSetting(a) {
  const m = a.match(/^-sASSERTIONS(?:=(.*))?$/);
  return m ? (m[1] ?? '1') : null;
}

/**
 * Why weft-cc links every program with -sASSERTIONS=0, and the note it
 * prints when the user asked for assertions. emcc's ASSERTIONS does two
 * things weft's programs cannot take: it has Binaryen's Asyncify pass add
 * a check after every call in the functions it does not instrument, which
 * traps ("unreachable") where weft's switch itself starts an unwind or ends
 * a rewind (Binaryen's own notes say the check is wrong for a runtime that
 * switches inside wasm); and its JS refuses Node ("environment detection
 * error") in a module built for web and worker, which the host loads
 * everywhere.
 */
export const weftAssertions = 'Emscripten\'s -sASSERTIONS cannot check weft programs (its Asyncify checks trap ' +
  'where weft switches coroutines inside wasm), so weft-cc links with -sASSERTIONS=0; --debug (-O0 -g and a ' +
  'stack check on every frame) and -fsanitize=address with --runtime-src are the checked builds (docs/building.md)';

/** Print weft-cc's message for a refusal; its exit status. */
function fail(msg) {
  console.error(`weft-cc: ${msg}`);
  return 2;
}

function main(argv) {
  const o = parseArgs(argv);
  if (o.help) {
    console.log(usage);
    return 0;
  }
  if (!o.out) return fail(`no output named (-o out.mjs)\n${usage}`);
  if (!jsEnding.test(o.out)) return fail(`the output must be an ES module (out.mjs), not ${o.out}; its .wasm is written beside it`);
  const emcc = process.env.EMCC || 'emcc';
  // Debian's emcc runs its JS optimizer with a module (acorn) it ships
  // outside any node's search path.
  const env = { ...process.env };
  if (existsSync('/usr/share/nodejs')) env.NODE_PATH = ['/usr/share/nodejs', env.NODE_PATH].filter(Boolean).join(':');
  // Binaryen (108, 120) prints -sASYNCIFY_ADVISE's first lines from threads
  // at once, which can splice two lines into one and lose a name: on one
  // thread the report is whole.
  if (o.rest.some((a) => /^-sASYNCIFY_ADVISE(=1)?$/.test(a))) env.BINARYEN_CORES ??= '1';
  let version;
  try {
    version = emccVersion(emcc, env);
  } catch (e) {
    if (e.code === 'ENOENT') {
      return fail(`${emcc} was not found${emcc === 'emcc' ? ' on PATH' : ''}: install Emscripten (emsdk, or Debian/Ubuntu: ` +
        'sudo apt-get install emscripten binaryen), or name it with EMCC=/path/to/emcc');
    }
    return fail(`cannot run ${emcc}: ${e.message}`);
  }
  if (!version) return fail(`${emcc} --version did not say which Emscripten it is`);
  if (compareVersions(version, oldestEmscripten) < 0) {
    return fail(`Emscripten ${version} is older than ${oldestEmscripten}, the oldest weft supports; ` +
      'install a newer one (emsdk install latest)');
  }
  if (o.jspi && o.debug) {
    return fail('--jspi and --debug do not go together: the JSPI switch needs its bottom frames optimized ' +
      '(runtime/src/core/switch_jspi.c)');
  }
  const asked = o.rest.map(assertionsSetting).filter((v) => v !== null).pop();
  if (asked !== undefined && asked !== '0') console.error(`weft-cc: note: ${weftAssertions}`);
  if (o.fallback && !o.jspi) return fail('--fallback goes with --jspi: weft-cc --jspi --fallback builds both backends');
  // --fallback: the two builds beside a manifest (runtime/js/backend.mjs) that load() reads.
  const halves = pairFiles(o.out);
  const builds = o.fallback
    ? [false, true].map((jspi) => ({ ...o, jspi, out: halves[jspi ? 'jspi' : 'asyncify'] }))
    : [o];
  for (const b of builds) b.lib = prebuiltLibrary(version, process.env, b.jspi);
  if (o.print) {
    for (const b of builds) console.log([emcc, ...emccArgs(b)].map((a) => (/[\s$*]/.test(a) ? `'${a}'` : a)).join(' '));
    return 0;
  }
  // A pair's manifest goes first and comes back last: while either link
  // runs, or after one failed, no manifest of an earlier build names files
  // this one replaced or left out.
  if (o.fallback) rmSync(o.out, { force: true });
  for (const b of builds) {
    const status = link(b, emcc, env);
    if (status !== 0) {
      if (o.fallback) for (const x of builds) removeBuild(x.out); // no half of a pair, nor an older half
      return status;
    }
  }
  if (o.fallback) writeFileSync(o.out, manifestText(basename(o.out), pairNames(basename(o.out))));
  return 0;
}

/** Run emcc for parsed options `o`; its status (2 when the program was refused). */
function link(o, emcc, env) {
  const r = spawnSync(emcc, emccArgs(o), { stdio: ['inherit', 'inherit', 'pipe'], env, encoding: 'utf8' });
  // Drop warnings that are noise here: main() is reached through the
  // runtime's weft__boot, the remove list names functions a given program
  // may not contain (each version words that differently), and the host
  // loads a source map from beside the .wasm itself.
  process.stderr.write((r.stderr ?? '').split('\n')
    .filter((l) => !/"_main" is not in EXPORTED_FUNCTIONS|removelist contained a non-existing function|non-matching pattern|source map won't be usable in a browser without --source-map-base/.test(l))
    .join('\n'));
  if (r.error) return fail(r.error.message);
  if (r.status !== 0) return r.status ?? 1;
  const refused = refusedImports(o.out);
  if (refused.length) {
    removeBuild(o.out);
    return fail(refused.map(({ name, use }) => `${name} suspends through Emscripten's own Asyncify, ` +
      `which would corrupt weft's coroutines; ${use}`).join('\n'));
  }
  return 0;
}

/** Remove the files of the build written as `out`: the module, its .wasm and source map. */
function removeBuild(out) {
  for (const f of [out, jsSibling(out, '.wasm'), jsSibling(out, '.wasm.map')]) rmSync(f, { force: true });
}

/**
 * Emscripten's Asyncify-based APIs: each unwinds the stack through
 * Emscripten's own Asyncify state, which weft's coroutines share, and allows
 * one call in flight. (emscripten_sleep is weft_sleep in a weft program,
 * and libc's sleeps suspend only their coroutine: runtime/src/lib/posix.c.)
 */
export const asyncifyApis = [
  [/^__asyncjs__(.*)$/, () => 'declare the function with WEFT_JS_FUNCTION and call it with weft_call'],
  [/^emscripten_wget(_data)?$/, () => 'use weft_fetch and weft_response_body'],
  [/^emscripten_idb_/, () => 'call IndexedDB from a host function (WEFT_JS_FUNCTION, weft_call)'],
  [/^emscripten_(fiber_swap|fiber_init|fiber_init_from_current_context)$/, () => 'use weft_spawn; each coroutine has its own stack'],
  [/^emscripten_(scan_registers|lazy_load_code|sleep_with_yield)$/, () => 'weft has no replacement; call it outside weft programs'],
];

/** The imports of the linked program that name an Asyncify-based API. */
function refusedImports(out) {
  const wasm = jsSibling(out, '.wasm');
  if (!existsSync(wasm)) return [];
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasm)));
  return imports.flatMap(({ name }) => {
    for (const [re, use] of asyncifyApis) {
      const m = name.match(re);
      if (m) return [{ name: m[0].startsWith('__asyncjs__') ? `EM_ASYNC_JS ${m[1]}` : name, use: use(m) }];
    }
    return [];
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  process.exitCode = main(process.argv.slice(2));
}
