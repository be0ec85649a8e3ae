// contract.test.mjs — what JS and C must agree on is written once
// (runtime/include/weft.h, runtime/src/abi.h) and generated for JS by
// tools/contract.mjs: the generated files are up to date, a drifted header
// is noticed, the built programs import and export exactly the names the
// contract lists, and no hand-written copy of a contract value creeps back
// into the JS host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir } from './helpers.mjs';
import { check, readTree, differences, generate, parse, WEFT_H, CONTRACT, LIBRARY, TYPES } from '../tools/contract.mjs';
import * as contract from '../runtime/js/contract.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('node tools/contract.mjs --check: the generated files are up to date', () => {
  const r = spawnSync(process.execPath, [join(root, 'tools/contract.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(check(), []);
});

test('the generator reads every list and constant', () => {
  const { abiFile, sources } = readTree();
  const c = parse(sources[WEFT_H], sources[abiFile], abiFile);
  assert.equal(c.codes.length, Object.keys(contract.codes).length);
  assert.equal(contract.codes.EINVAL, -1);
  assert.equal(contract.codeTexts.EINVAL, 'invalid argument');
  assert.equal(contract.abi.VAL_SIZE, 16);
  assert.equal(contract.abi.READ_PENDING, -1000);
  assert.ok(contract.imports.includes('response_text') && contract.imports.includes('timer'));
  assert.ok(contract.entryPoints.includes('cancel_export'));
  assert.ok(contract.neverSuspends.includes('legalstub$dynCall_*'), 'string entries, several to a line');
  assert.deepEqual(contract.runtimeSuspends, ['export_entry_run']);
  assert.equal(contract.waitKinds.YIELD, 0);
  // Numbered 0, 1, 2... in order: new kinds are appended (weft.h).
  assert.deepEqual(Object.values(contract.waitKinds), Object.keys(contract.waitKinds).map((_, i) => i));
  assert.equal(contract.waitKinds.BODY, 8);
  for (const x of [contract.codes, contract.abi, contract.imports, contract.waitKinds]) assert.ok(Object.isFrozen(x));
});

test('a header that drifts from the committed files is reported, naming what differs', () => {
  const { abiFile, sources, committed } = readTree();
  assert.deepEqual(differences(sources, committed, abiFile), []);
  const edit = (path, from, to) => {
    assert.ok(sources[path].includes(from), `${path} has ${from}`);
    return { ...sources, [path]: sources[path].replace(from, to) };
  };
  // A new error code: contract.mjs and weft.d.ts are stale.
  let d = differences(edit(WEFT_H, 'XX(ENOASYNC, -19,', 'XX(ENOASYNC, -20,'), committed, abiFile);
  assert.ok(d.some((x) => x.startsWith(`${CONTRACT}:`) && x.includes('-20')), d.join('\n'));
  assert.ok(d.some((x) => x.startsWith(`${TYPES}:`) && x.includes('-20')), d.join('\n'));
  // Another value stride.
  d = differences(edit(abiFile, 'WEFT_ABI_VAL_SIZE 16', 'WEFT_ABI_VAL_SIZE 24'), committed, abiFile);
  assert.deepEqual(d.map((x) => x.split(':')[0]), [CONTRACT]);
  assert.match(d[0], /VAL_SIZE: 24/);
  // A new import: contract.mjs and library_weft.js's block are stale.
  d = differences(edit(abiFile, '  XX(abort, int, (int32_t h))', '  XX(abort, int, (int32_t h)) XX(extra, void, (void))'), committed, abiFile);
  assert.deepEqual(d.map((x) => x.split(':')[0]).sort(), [LIBRARY, CONTRACT].sort());
  // A hand edit inside a generated block.
  d = differences(sources, { ...committed, [LIBRARY]: committed[LIBRARY].replace("'wake', ", '') }, abiFile);
  assert.deepEqual(d.map((x) => x.split(':')[0]), [LIBRARY]);
});

test('the generator fails loudly rather than produce an empty or partial list', () => {
  const { abiFile, sources } = readTree();
  const broken = (path, from, to) => () => generate({ ...sources, [path]: sources[path].replace(from, to) }, abiFile);
  assert.throws(broken(abiFile, '#define WEFT_IMPORTS(XX)', '#define WEFT_HOST_IMPORTS(XX)'), /no #define WEFT_IMPORTS\(XX\)/);
  assert.throws(broken(abiFile, 'XX("export_entry_run")', ''), /WEFT_RUNTIME_SUSPENDS has no XX/);
  assert.throws(broken(abiFile, '#define WEFT_ABI_READ_PENDING -1000', '#define WEFT_ABI_READ_PENDING (-1000)'), /READ_PENDING is "\(-1000\)", not an integer/);
  assert.throws(broken(abiFile, '#define WEFT_ABI_IOV_STRIDE 8', ''), /WEFT_ABI_IOV_STRIDE is missing/);
  assert.throws(broken(WEFT_H, '#define WEFT_ERRNO_MAP(XX)', '#define WEFT_ERRORS(XX)'), /no #define WEFT_ERRNO_MAP/);
  assert.throws(broken(WEFT_H, 'XX(ENOMEM, -2, "out of memory")', 'XX(ENOMEM, -2)'), /is not XX\(NAME, value, "text"\)/);
  assert.throws(broken(WEFT_H, 'WEFT_WAIT_YIELD,', 'WAIT_YIELD,'), /WEFT_WAIT_\* enum/);
  assert.throws(broken(LIBRARY, '// <contract:imports>', ''), /no \/\/ <contract:imports>/);
  assert.throws(broken(TYPES, '// </contract:codes>', ''), /no \/\/ <contract:codes>/);
});

const wasm = (name) => new WebAssembly.Module(readFileSync(new URL(`tests/${name}.wasm`, buildDir)));
const hostImports = (m) => WebAssembly.Module.imports(m).filter((i) => i.name.startsWith('weft_host_')).map((i) => i.name.slice(10));

test('the built programs import the contract\'s imports and export its entry points', () => {
  // bridge.c uses every host bridge but the descriptors, which fd.c uses.
  const used = new Set(['bridge', 'fd'].flatMap((name) => hostImports(wasm(name))));
  assert.deepEqual([...used].sort(), [...contract.imports].sort());
  const built = readdirSync(new URL('tests/', buildDir)).filter((f) => f.endsWith('.wasm')).map((f) => f.slice(0, -5));
  assert.ok(built.length > 5, `test programs: ${built.join(' ')}`);
  for (const name of built) {
    const m = wasm(name);
    // A --jspi build (pair.jspi, beside its manifest) also imports the JSPI backend's own.
    const listed = name.endsWith('.jspi') ? [...contract.imports, ...contract.jspiImports] : contract.imports;
    const stray = hostImports(m).filter((n) => !listed.includes(n));
    assert.deepEqual(stray, [], `${name}.wasm imports weft_host_ functions the contract does not list`);
    const exported = new Set(WebAssembly.Module.exports(m).map((e) => e.name));
    const missing = contract.entryPoints.filter((n) => !exported.has(`weft__${n}`));
    assert.deepEqual(missing, [], `${name}.wasm lacks entry points`);
  }
});

test('no hand-written copy of a contract value in the JS host', () => {
  const dir = join(root, 'runtime/js');
  const patterns = [
    [/-1000\b/, 'READ_PENDING (-1000)'],
    [/[=*+]\s*16\b|\b16\s*\*/, 'the weft_val stride (16)'],
    [/\bp\s*\+\s*(4|8)\b/, 'a weft_val field offset (p + 4, p + 8)'],
    [/\b(i|d|s|b|h)\s*:\s*(105|100|115|98|104)\b/, 'a weft_val type letter'],
    [/\bE[A-Z]+\s*:\s*-\d+/, 'an error code (EINVAL: -1)'],
    [/weftCode\s*[:=]\s*-\d+|codes?\s*[=!]==?\s*-\d+|\breturn\s+-(1[0-8]|[1-9])\b/, 'a literal error code'],
    [/\+=\s*8\b|\b8\s*\*\s*i\b|\bi\s*\*\s*8\b/, 'a header or iovec stride (8)'],
    [/'(timer|wake|export_done|response_read)',\s*'/, 'a list of import names'],
    [/'_weft__\w+'/, 'an entry point name'],
  ];
  const found = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.mjs') && x !== 'contract.mjs')) {
    readFileSync(join(dir, f), 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const [re, what] of patterns) if (re.test(code)) found.push(`${f}:${i + 1}: ${what}: ${line.trim()}`);
    });
  }
  const library = readFileSync(join(dir, 'library_weft.js'), 'utf8').replace(/\/\/ <contract:imports>[\s\S]*\/\/ <\/contract:imports>/, '');
  library.split('\n').forEach((line, i) => {
    if (/weftCode\s*=\s*-\d|'(timer|wake)',\s*'/.test(line)) found.push(`library_weft.js:${i + 1} (outside its generated block): ${line.trim()}`);
  });
  const cc = readFileSync(join(root, 'bin/weft-cc.mjs'), 'utf8');
  for (const name of ['weft__boot', 'export_entry_run', '__fwritex']) {
    if (cc.includes(`'${name}'`)) found.push(`bin/weft-cc.mjs: names '${name}' itself`);
  }
  assert.deepEqual(found, []);
});
