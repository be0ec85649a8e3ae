// runner.mjs — runs one built test program inside the browser, in the page
// or in a module Web Worker, through the same JS host as Node.
import { load } from '/runtime/js/weft.mjs';
import { hostFunctions } from '/wasm-tests/host-functions.mjs';

// Counts host turns (MessageChannel messages) while a program runs, for
// scenarios that check the host is not starved (core.c reads the count).
function countHostTurns() {
  const channel = new MessageChannel();
  let running = true;
  globalThis.weftHostTurns = 0;
  channel.port1.onmessage = () => {
    globalThis.weftHostTurns++;
    if (running) channel.port2.postMessage(0);
  };
  channel.port2.postMessage(0);
  return () => { running = false; channel.port1.close(); };
}

export async function runHere(program, args, build = '/build/') {
  const stop = countHostTurns();
  try {
    return await runProgram(`${build}tests/${program}.mjs`, args);
  } finally {
    stop();
  }
}

async function runProgram(url, args) {
  const stdout = [];
  const stderr = [];
  const p = await load(url, {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    functions: hostFunctions,
  });
  try {
    return { status: await p.run(args), stdout, stderr, stats: p.stats(), backend: p.backend };
  } catch (e) {
    return { error: { code: e.code, message: e.message }, stdout, stderr, stats: p.stats(), backend: p.backend };
  }
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  self.onmessage = async (e) => self.postMessage(await runHere(e.data.program, e.data.args, e.data.build));
}
