// toolchains.mjs — the Emscripten versions weft is tested with, and how to
// build weft with each: Debian's 3.1.6 on PATH builds into build/; a current
// one, 3.1.69, is assembled by toolchain-3.1.69.sh beside it and builds into
// build/emscripten-3.1.69/. wasm-tests/run.mjs and bench/toolchains.mjs use
// this; docs/building.md says how to point weft-cc at any other.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const toolchains = {
  default: { version: '3.1.6', build: join(root, 'build') },
  '3.1.69': { version: '3.1.69', build: join(root, 'build/emscripten-3.1.69'), script: 'toolchain-3.1.69.sh' },
};

/**
 * Make toolchain `name` ready and weft built with it; returns the
 * environment that selects it (EMCC, WEFT_BUILD, WEFT_LIB), empty for the
 * default. Throws with a message when assembling or building fails.
 */
export function prepareToolchain(name, { stdio = 'inherit' } = {}) {
  const t = toolchains[name];
  if (!t) throw new Error(`no toolchain named ${name}; known: ${Object.keys(toolchains).join(', ')}`);
  if (!t.script) return {};
  const r = spawnSync('bash', [join(root, 'tools', t.script)], { stdio: ['ignore', 'pipe', stdio], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tools/${t.script} failed`);
  const dir = r.stdout.trim().split('\n').pop();
  const env = { EMCC: join(dir, 'bin/emcc'), WEFT_BUILD: t.build, WEFT_LIB: join(t.build, 'lib/libweft.a') };
  const b = spawnSync(join(root, 'build.sh'), { stdio, env: { ...process.env, ...env } });
  if (b.status !== 0) throw new Error(`build.sh failed with Emscripten ${t.version}`);
  return env;
}
