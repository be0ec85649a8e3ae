// library_weft.js — the wasm imports declared in runtime/src/host.h, linked
// with `--js-library`. Each weft_host_NAME only forwards to
// Module.weftHost.imports.NAME, which runtime/js/weft.mjs provides: the
// bridge logic lives there, once, for every environment.
var weftImports = {};
['timer', 'wake', 'exit', 'fatal', 'stack_checked', 'stack_limits', 'call', 'take', 'drop',
  'handle_free', 'export_done', 'export_yield', 'fetch', 'response_status', 'response_text', 'response_read',
  'response_free', 'abort_new', 'abort'].forEach(function (name) {
  // Emscripten copies each library function's source text into the module,
  // so the forwarder is built from text rather than closing over `name`.
  weftImports['weft_host_' + name] = eval(
    '(function () { var i = Module["weftHost"].imports; return i.' + name + '.apply(i, arguments); })');
});

// The Asyncify pass rewrites calls to these intrinsics into its own
// functions; without the pass they stay imports, and the host passes these
// bodies as the "asyncify" module. Starting an unwind is the one that
// matters: it stops the coroutine that tried to suspend. The others only
// run when the runtime resets Asyncify's state, which is then a no-op.
weftImports.start_unwind = function () {
  var e = new Error('this program was linked without -sASYNCIFY, so it cannot suspend');
  e.weftCode = -13; // WEFT_EJS: a JS exception, not a trap of the unwind
  throw e;
};
['stop_unwind', 'start_rewind', 'stop_rewind'].forEach(function (name) {
  weftImports[name] = function () {};
});

// -sSTACK_OVERFLOW_CHECK builds call this when a frame would cross the
// running coroutine's stack limit: the host stops that coroutine only.
weftImports.__handle_stack_overflow = function (requested) {
  throw Module['weftHost'].imports.stack_overflow(requested >>> 0);
};

mergeInto(LibraryManager.library, weftImports);
