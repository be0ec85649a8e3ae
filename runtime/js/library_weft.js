// library_weft.js — the wasm imports declared in runtime/src/host.h, linked
// with `--js-library`. Each one only forwards to the host object that
// runtime/js/weft.mjs puts on the module as `weftHost`: the bridge logic
// lives there, once, for every environment.
mergeInto(LibraryManager.library, {
  weft_host_timer: function (ms) { Module['weftHost'].timer(ms); },
  weft_host_wake: function () { Module['weftHost'].wake(); },
  weft_host_exit: function (status) { Module['weftHost'].exit(status); },
  weft_host_fatal: function (code, msg) { Module['weftHost'].fatal(code, UTF8ToString(msg)); },
  weft_host_stack_checked: function () { return Module['asm']['__set_stack_limits'] ? 1 : 0; },
  weft_host_stack_limits: function (base, end) { Module['asm']['__set_stack_limits'](base, end); },
  // The Asyncify pass rewrites calls to these intrinsics into its own
  // functions; these bodies only run if the program was linked without it.
  start_unwind: function () { throw new Error('weft: link with -sASYNCIFY'); },
  stop_unwind: function () { throw new Error('weft: link with -sASYNCIFY'); },
  start_rewind: function () { throw new Error('weft: link with -sASYNCIFY'); },
  stop_rewind: function () { throw new Error('weft: link with -sASYNCIFY'); },
  // -sSTACK_OVERFLOW_CHECK builds call this when a frame would cross the
  // running coroutine's stack limit: the host stops that coroutine only.
  __handle_stack_overflow: function (requested) {
    throw Module['weftHost'].stackOverflow(requested >>> 0);
  },
});
