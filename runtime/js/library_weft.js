// library_weft.js — the wasm imports declared in runtime/src/host.h, linked
// with `--js-library`. Each weft_host_NAME only forwards to
// Module.weftHost.imports.NAME, which runtime/js/weft.mjs provides: the
// bridge logic lives there, once, for every environment.
var weftImports = {};
['timer', 'wake', 'exit', 'fatal', 'stack_checked', 'stack_limits', 'call', 'take', 'drop',
  'handle_free', 'export_done', 'export_yield', 'fetch', 'response_status', 'response_text', 'response_read',
  'response_free', 'abort_new', 'abort',
  'stdin_read', 'stdin_close', 'stream_open', 'stream_read', 'stream_write', 'stream_poll', 'stream_close'].forEach(function (name) {
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

// Output: stdout and stderr go to the host as raw bytes, and weft.mjs
// shows them (raw in Node, by lines elsewhere), instead of through
// Emscripten's line buffer, which keeps a last line without '\n' until
// the next '\n' (forever, at the end). Other descriptors are files of
// Emscripten's FS, when a program has one: they keep its own fd_write.
#if SYSCALLS_REQUIRE_FILESYSTEM
weftImports.$weftFdWriteOthers = LibraryManager.library.fd_write;
weftImports.$weftFdWriteOthers__deps = LibraryManager.library.fd_write__deps || [];
weftImports.fd_write__deps = ['$weftFdWriteOthers'];
#else
weftImports.fd_write__deps = []; // not the line buffer, nor its flush at exit
delete LibraryManager.library.fd_write__postset;
#endif
weftImports.fd_write = function (fd, iov, iovcnt, pnum) {
  if (fd == 1 || fd == 2) return Module['weftHost'].imports.write(fd, iov, iovcnt, pnum);
#if SYSCALLS_REQUIRE_FILESYSTEM
  return weftFdWriteOthers(fd, iov, iovcnt, pnum);
#else
  return 8; // EBADF: without a filesystem no other descriptor exists
#endif
};

#if USE_OFFSET_CONVERTER
// Builds that symbolize wasm addresses (AddressSanitizer's reports) need
// Emscripten's offset converter, which its loader fills only when it
// instantiates the wasm itself; weft.mjs does that, and calls this.
weftImports.$weftOffsetConverter = function () {};
weftImports.$weftOffsetConverter__postset =
  'Module["weftHost"].offsets = function (bytes, module) {' +
  '  wasmOffsetConverter = new WasmOffsetConverter(bytes, module);' +
  '};';
weftImports.weft_host_wake__deps = ['$weftOffsetConverter'];
#endif

mergeInto(LibraryManager.library, weftImports);
