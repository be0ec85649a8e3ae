// weft.d.ts — types for the JS host (runtime/js/weft.mjs).

/** Error codes of weft.h, by name (values are the negative C codes). */
export declare const codes: Readonly<{
  EINVAL: -1; ENOMEM: -2; ENOTCO: -3; ESRCH: -4; EJOINED: -5; EBUSY: -6;
  EDEADLK: -7; ESAVEAREA: -8; ESTACK: -9; EHOST: -10; ECANCELED: -11; ETIMEDOUT: -12;
  EJS: -13; EHANDLE: -14; ENET: -15; ECLOSED: -16; EPIPE: -17; EAGAIN: -18;
}>;

/**
 * A host function C can await with weft_call(name, sig, ...): it receives
 * the arguments decoded by sig (number, string or null, Uint8Array, or the
 * object behind a handle) and returns a value or a promise of one, of the
 * type the sig's result letter asks for: 'i' an integer in int32 range or
 * a boolean, 'd' a number, 's' a string without NUL characters, 'b' a
 * Uint8Array, ArrayBuffer or other view, 'h' an object or function (another
 * type is WEFT_EINVAL, its message naming both). A throw or a rejection,
 * with any value, reaches C as WEFT_EJS with a message in weft_last_error();
 * an error whose `weftCode` is a negative weft code (see `codes`) gives that
 * code instead.
 */
export type HostFunction = (...args: any[]) => unknown;

/** An error reported by the runtime, e.g. a deadlock. */
export declare class WeftError extends Error {
  /** 'WEFT_EDEADLK', 'WEFT_EINVAL', ... */
  readonly code: string;
  /** The negative C error code. */
  readonly errno: number;
}

export interface LoadOptions {
  /**
   * Receives each line the program writes to stdout, without its '\n'. A
   * partial line is passed when the program hands control back to the event
   * loop (and at its end), and the rest of that line, when it comes, as a
   * line of its own. Default: in Node, the bytes go to process.stdout as
   * they are (a terminal shows partial and '\r' lines at once); elsewhere,
   * console.log by lines.
   */
  stdout?: (line: string) => void;
  /** The same for stderr (default: process.stderr in Node, else console.error). */
  stderr?: (line: string) => void;
  /** Base for a relative moduleUrl (default: the page, or the cwd in Node). */
  base?: string | URL;
  /** Host functions for weft_call, by name. */
  functions?: Record<string, HostFunction>;
  /**
   * What the program reads from stdin (descriptor 0): a string, bytes, a
   * ReadableStream, an (async) iterable of chunks, or a function returning
   * (promises of) chunks, null or undefined at the end; null: empty.
   * Default: process.stdin in Node (read only while a coroutine waits),
   * empty elsewhere. Let go when the program ends or closes stdin.
   */
  stdin?: StdinSource | null;
}

/** A chunk of stdin: text (UTF-8) or bytes. */
export type StdinChunk = string | Uint8Array | ArrayBuffer | ArrayBufferView;
export type StdinSource = StdinChunk | ReadableStream<StdinChunk> | AsyncIterable<StdinChunk> |
  Iterable<StdinChunk> | (() => StdinChunk | null | undefined | Promise<StdinChunk | null | undefined>);

export interface RunOptions extends LoadOptions {
  /** argv[1..] of main (argv[0] is "program"). */
  args?: string[];
}

/** A loaded weft program. */
export declare class Program {
  /** The Emscripten module (exports as `_name`, HEAP views, ...). */
  readonly module: any;
  /**
   * Run main(argc, argv) (each argument is made a string; not a list:
   * TypeError). Resolves with its status when main returns, or exit()'s:
   * that ends the program, stopping the coroutines main's code started.
   * Rejects with a WeftError when the program fails: a coroutine stopped by
   * a fault (trap, abort(), assert(), stack overflow) whose failure nothing
   * took (join, group, JS caller), or no coroutine can ever run again
   * (WEFT_EDEADLK: a deadlock, or in Node an event loop with nothing left
   * to do). A program runs once.
   */
  run(args?: string[]): Promise<number>;
  /**
   * Start WEFT_EXPORT function `name` as a new coroutine with these
   * arguments (numbers and booleans, strings, bytes: any typed array,
   * DataView or ArrayBuffer, copied; null and undefined; any other object,
   * passed as a handle); resolves with what it returned through
   * weft_return_*, rejects with a WeftError. Any number may be in flight;
   * they go on after main returned. Never throws: a name that is not a
   * string or holds a NUL, a bigint or symbol argument, a string argument
   * holding a NUL reject with WEFT_EINVAL; no memory for the arguments with
   * WEFT_ENOMEM; an unknown name with WEFT_ESRCH. Once the program has
   * stopped (failed or exited), calls reject at once ("weft: the program
   * has stopped: ..."), and exit() also rejects the calls still in flight.
   */
  call(name: string, ...args: unknown[]): Promise<number | string | Uint8Array | object | undefined>;
  /**
   * Consume WEFT_EXPORT function `name`, which hands values out with
   * weft_args_yield, as an async iterator. Leaving a `for await` loop early
   * cancels the coroutine (its pending weft_args_yield returns
   * WEFT_ECANCELED); a failure rejects the pending next() with a WeftError.
   * Each next() asks for one value; several may be pending at once.
   */
  iterate(name: string, ...args: unknown[]): AsyncIterableIterator<number | string | Uint8Array | object | undefined>;
  /** Register host function `name` for weft_call (replacing one of that
   * name); throws TypeError if `name` is not a string without NUL
   * characters or `fn` is not a function. */
  define(name: string, fn: HostFunction): void;
  /** Live host resources, for leak checks. */
  /**
   * A ReadableStream, WritableStream or { readable, writable } pair as a
   * descriptor the program can read, write and poll; returns its number.
   * Released when C closes it and at the program's end. Throws a WeftError
   * (WEFT_EINVAL) for anything else, or a locked stream.
   */
  openStream(stream: ReadableStream | WritableStream | { readable?: ReadableStream; writable?: WritableStream }): number;
  stats(): { handles: number; ops: number; calls: number; fetchTimers: number; timerArmed: boolean };
}

/**
 * Load a weft program: `moduleUrl` is the ES module emcc wrote; its .wasm
 * sits beside it. Works in Node, pages and module Web Workers.
 */
export declare function load(moduleUrl: string | URL, options?: LoadOptions): Promise<Program>;

/** Load and run a program in one call; resolves with its exit status. */
export declare function run(moduleUrl: string | URL, options?: RunOptions): Promise<number>;
