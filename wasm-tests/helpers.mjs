// helpers.mjs — shared by the tests: run a built test program in this
// process through the real JS host and collect what it printed.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load } from '../runtime/js/weft.mjs';

/** Where build.sh put the programs: build/, or $WEFT_BUILD for another
 * toolchain (wasm-tests/run.mjs sets it). */
export const buildDir = process.env.WEFT_BUILD
  ? pathToFileURL(`${resolve(process.env.WEFT_BUILD)}/`)
  : new URL('../build/', import.meta.url);
/** The same folder as a path below the project root, for pages served from it. */
export const buildPath = `/${buildDir.href.slice(new URL('../', import.meta.url).href.length)}`;

/** Debian's Chromium, headless, for playwright-core's chromium.launch(). */
export const chromiumOptions = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
};

/** Which backend the test programs were built for: WEFT_BACKEND=jspi
 * when they are the weft-cc --jspi builds (run.mjs then sets WEFT_BUILD to
 * build/jspi/, where build.sh puts them under the same names), else
 * 'asyncify'. */
export const backend = process.env.WEFT_BACKEND === 'jspi' ? 'jspi' : 'asyncify';

/** Run build/tests/NAME.mjs (or the program at URL `name`) with `args`;
 * `setup(program)` runs before main; `functions` are host functions for
 * weft_call. */
export async function runProgram(name, args = [], { setup, functions } = {}) {
  const stdout = [];
  const stderr = [];
  const program = await load(name instanceof URL ? name : new URL(`tests/${name}.mjs`, buildDir), {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    functions,
  });
  await setup?.(program);
  let status;
  let error;
  try {
    status = await program.run(args);
  } catch (e) {
    error = e;
  }
  return { status, error, stdout, stderr, program };
}

/** Parse "key=value" pairs out of a line into an object of strings. */
export function fields(line) {
  return Object.fromEntries([...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

/** What a program's host holds once everything it started has finished. */
export const idleHost = { handles: 0, ops: 0, calls: 0, fetchTimers: 0, timerArmed: false };

/** Fail if the program left host resources behind (handles, ops, timers). */
export function assertNoLeaks(statsOrProgram) {
  const stats = typeof statsOrProgram.stats === 'function' ? statsOrProgram.stats() : statsOrProgram;
  assert.deepEqual(stats, idleHost, 'host resources left behind');
}
