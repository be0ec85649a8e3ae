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
  gate: async (i) => {
    gateStats.inFlight++;
    gateStats.maxInFlight = Math.max(gateStats.maxInFlight, gateStats.inFlight);
    await new Promise((r) => setTimeout(r, 20));
    gateStats.inFlight--;
    return 2 * i;
  },
  make_counter: async () => ({ n: 0 }),
  big_text: async (n) => 'x'.repeat(n), // its copy into wasm memory grows the memory
  bump: async (counter) => ++counter.n,
};
