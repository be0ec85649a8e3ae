// check.ts — a strict TypeScript caller of weft-wasm's typed exports:
// wasm-tests/types.test.mjs runs tsc --strict on it. Each @ts-expect-error
// line must fail to type-check (tsc reports an unused one).
import { load, type Program, type CoroutineInfo, type Value, type Trace } from 'weft-wasm';

type Exports = {
  add_numbers: (a: number, b: number) => number;
  shout: (text: string, bytes: Uint8Array) => string;
  count_up: (n: number) => AsyncIterable<number>;
  maybe: () => Promise<string | undefined>;
};
interface AsInterface {
  add_numbers(a: number, b: number): number;
}

const program = await load<Exports>('./bridge.mjs');
const sum: number = await program.call('add_numbers', 2, 3.5);
const text: string = await program.call('shout', 'hey', new Uint8Array([1, 2]));
const maybe: string | undefined = await program.call('maybe');
for await (const v of program.iterate('count_up', 4)) {
  const n: number = v;
  n.toFixed(1);
}
const viaInterface: number = await (await load<AsInterface>('./bridge.mjs')).call('add_numbers', 1, 2);

// @ts-expect-error no export of that name
await program.call('add_numberz', 1, 2);
// @ts-expect-error an argument of the wrong type
await program.call('add_numbers', '1', 2);
// @ts-expect-error too few arguments
await program.call('add_numbers', 1);
// @ts-expect-error too many arguments
await program.call('shout', 'a', new Uint8Array(0), 3);
// @ts-expect-error the result is a number
const wrong: string = await program.call('add_numbers', 1, 2);
// @ts-expect-error count_up yields numbers
for await (const v of program.iterate('count_up', 1)) { const s: string = v; }
// @ts-expect-error maybe's result may be undefined
const sure: string = await program.call('maybe');

// Untyped, as before: any name and arguments, and a union to narrow.
const untyped: Program = await load('./bridge.mjs');
const chosen: 'jspi' | 'asyncify' = (await load('./pair.mjs', { backend: 'auto' })).backend;
const anything: Value = await untyped.call('whatever', 1, 'two', null, new Uint8Array(1));
// @ts-expect-error an untyped result needs narrowing
const notNarrowed: number = await untyped.call('add_numbers', 1, 2);

const list: CoroutineInfo[] = program.list();
const blocked: string[] = list.filter((c) => c.state === 'blocked').map((c) => `${c.name}: ${c.waits}`);
// @ts-expect-error states are named
const badState: boolean = list[0].state === 'sleeping';
program.dump();

// A trace: in memory, or a file in Node.
const traced = await load('./bridge.mjs', { trace: true, traceLimit: 1000 });
const trace: Trace | null = traced.trace();
const runs: number = trace ? trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'run').length : 0;
// @ts-expect-error trace is a boolean or a file name
await load('./bridge.mjs', { trace: 1 });

export { sum, text, maybe, viaInterface, wrong, sure, anything, notNarrowed, blocked, badState, runs };
