// jspi.mjs — the JSPI baseline (JS Promise Integration): a wasm module of
// 81 bytes written here by hand, no toolchain, whose export `run(n)` calls
// an imported function n times and returns the sum. The import is wrapped
// with `new WebAssembly.Suspending(fn)`: when fn returns a promise, the wasm
// stack suspends until it settles. The export is wrapped with
// `WebAssembly.promising`, so run(n) returns a promise of the sum.

export const hasJspi = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

const str = (s) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
const section = (id, body) => [id, body.length, ...body]; // every length here < 128: one LEB128 byte

const code = [
  1, 1, 0x7f, //                  one local: i32 sum (local 1; local 0 is n)
  0x02, 0x40, 0x03, 0x40, //      block, loop
  0x20, 0, 0x45, 0x0d, 1, //        br_if (n == 0) out of the block
  0x20, 1, 0x10, 0, 0x6a, 0x21, 1, // sum += get()
  0x20, 0, 0x41, 1, 0x6b, 0x21, 0, // n -= 1
  0x0c, 0, 0x0b, 0x0b, //           br to the loop; end, end
  0x20, 1, 0x0b, //               return sum
];

const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // "\0asm", version 1
  ...section(1, [2, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f]), // types: () -> i32, (i32) -> i32
  ...section(2, [1, ...str('m'), ...str('get'), 0, 0]), // import m.get: type 0
  ...section(3, [1, 1]), // one function: type 1
  ...section(7, [1, ...str('run'), 0, 1]), // export run = function 1
  ...section(10, [1, code.length, ...code]),
]);

/** run(n) → Promise of the sum of n awaited get() results. */
export async function jspiLoop(get) {
  if (!hasJspi) throw new Error('no JSPI in this engine');
  const { instance } = await WebAssembly.instantiate(bytes, { m: { get: new WebAssembly.Suspending(get) } });
  return WebAssembly.promising(instance.exports.run);
}
