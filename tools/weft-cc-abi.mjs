#!/usr/bin/env node
// weft-cc-abi.mjs — bin/weft-cc.mjs with the Asyncify remove list of
// runtime/src/abi.h (WEFT_NEVER_SUSPENDS), which build.sh links with.
// Temporary: weft-cc keeps its own copy of that list until it takes it
// from abi.h (through the generated runtime/js/contract.mjs); abi.h's
// drops musl's __uflow and __shgetc, which a read of stdin or a pipe
// suspends beneath (fgets, getc, scanf). Once weft-cc reads abi.h, this
// file goes and build.sh calls weft-cc again.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emccArgs, emccVersion, neverSuspends, parseArgs, prebuiltLibrary } from '../bin/weft-cc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const abi = readFileSync(join(root, 'runtime/src/abi.h'), 'utf8');
const block = abi.match(/#define WEFT_NEVER_SUSPENDS\(XX\)([\s\S]*?)\n\n/)[1];
const list = [...block.matchAll(/XX\("([^"]+)"\)/g)].map((m) => m[1]);
neverSuspends.splice(0, neverSuspends.length, ...list); // emccArgs reads this array

const o = parseArgs(process.argv.slice(2));
const emcc = process.env.EMCC || 'emcc';
const env = { ...process.env };
if (existsSync('/usr/share/nodejs')) env.NODE_PATH = ['/usr/share/nodejs', env.NODE_PATH].filter(Boolean).join(':');
o.lib = prebuiltLibrary(emccVersion(emcc, env));
const r = spawnSync(emcc, emccArgs(o), { stdio: ['inherit', 'inherit', 'pipe'], env, encoding: 'utf8' });
process.stderr.write((r.stderr ?? '').split('\n')
  .filter((l) => !/"_main" is not in EXPORTED_FUNCTIONS|removelist contained a non-existing function|non-matching pattern/.test(l))
  .join('\n'));
process.exitCode = r.error ? 1 : r.status ?? 1;
