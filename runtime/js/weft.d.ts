// weft.d.ts — types for the JS host (runtime/js/weft.mjs).

/** Error codes of weft.h, by name (values are the negative C codes). */
export declare const codes: Readonly<{
  EINVAL: -1; ENOMEM: -2; ENOTCO: -3; ESRCH: -4; EJOINED: -5; EBUSY: -6;
  EDEADLK: -7; ESAVEAREA: -8; ESTACK: -9; EHOST: -10; ECANCELED: -11; ETIMEDOUT: -12;
}>;

/** An error reported by the runtime, e.g. a deadlock. */
export declare class WeftError extends Error {
  /** 'WEFT_EDEADLK', 'WEFT_EINVAL', ... */
  readonly code: string;
  /** The negative C error code. */
  readonly errno: number;
}

export interface LoadOptions {
  /** Receives each line the program writes to stdout (default: console.log). */
  stdout?: (line: string) => void;
  /** Receives each line the program writes to stderr (default: console.error). */
  stderr?: (line: string) => void;
  /** Base for a relative moduleUrl (default: the page, or the cwd in Node). */
  base?: string | URL;
}

export interface RunOptions extends LoadOptions {
  /** argv[1..] of main (argv[0] is "program"). */
  args?: string[];
}

/** A loaded weft program. */
export declare class Program {
  /** The Emscripten module (exports as `_name`, HEAP views, ...). */
  readonly module: any;
  /**
   * Run main(argc, argv). Resolves with its exit status once main and every
   * coroutine have finished (or exit()'s status); rejects with a WeftError
   * on deadlock. A program runs once.
   */
  run(args?: string[]): Promise<number>;
}

/**
 * Load a weft program: `moduleUrl` is the ES module emcc wrote; its .wasm
 * sits beside it. Works in Node, pages and module Web Workers.
 */
export declare function load(moduleUrl: string | URL, options?: LoadOptions): Promise<Program>;

/** Load and run a program in one call; resolves with its exit status. */
export declare function run(moduleUrl: string | URL, options?: RunOptions): Promise<number>;
