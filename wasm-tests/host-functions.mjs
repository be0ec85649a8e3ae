// host-functions.mjs — the JS functions wasm-tests/bridge.c awaits with
// weft_call, shared by the Node tests and the browser runner.
export const gateStats = { inFlight: 0, maxInFlight: 0 };

export const hostFunctions = {
  add: (a, b) => a + b,
  half: async (d) => d / 2,
  greet: async (s) => `hello, ${s}`,
  reverse: async (bytes) => bytes.slice().reverse(),
  nothing: async () => undefined,
  reject: async (msg) => { throw new Error(msg); },
  throws: () => { throw new TypeError('thrown synchronously'); },
  // A barrier: each of the n callers waits until all n are in flight at
  // once, however slowly the machine starts them (a generous limit turns a
  // runtime that cannot hold n calls into a clear failure, not a hang).
  gate: (i, n) => new Promise((resolve, reject) => {
    gateStats.inFlight++;
    gateStats.maxInFlight = Math.max(gateStats.maxInFlight, gateStats.inFlight);
    const release = () => { gateStats.inFlight--; resolve(2 * i); };
    (gateStats.waiting ??= []).push(release);
    if (gateStats.waiting.length >= n) {
      clearTimeout(gateStats.limit);
      gateStats.limit = null;
      gateStats.waiting.splice(0).forEach((r) => r());
    } else if (!gateStats.limit) {
      gateStats.limit = setTimeout(() => {
        gateStats.limit = null;
        reject(new Error(`only ${gateStats.waiting.length} of ${n} calls were ever in flight at once`));
      }, 60000);
    }
  }),
  make_counter: async () => ({ n: 0 }),
  big_text: async (n) => 'x'.repeat(n), // its copy into wasm memory grows the memory
  bump: async (counter) => ++counter.n,
};
