#!/usr/bin/env bash
# build.sh — installs the toolchain if it is missing (Debian's emscripten,
# binaryen and chromium; the npm packages), then builds the weft runtime
# library and every test, benchmark and demo program into build/.
#
#   ./build.sh            build what is out of date
#   ./build.sh --clean    rebuild everything
#   ./build.sh --deps     only install what is missing
#   ./build.sh --lib      only the runtime library (what the npm package ships)
#   ./build.sh --demo     only the library and the demo page's program
#
# Environment: EMCC names another Emscripten's emcc (emar is taken from its
# folder), and WEFT_BUILD another output folder; wasm-tests/run.mjs builds
# with a second toolchain that way. Switching toolchains in one folder
# rebuilds everything.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")"
ROOT=$PWD
OUT=${WEFT_BUILD:-$ROOT/build}

# ---- toolchain ------------------------------------------------------------
missing=()
if [ -z "${EMCC:-}" ]; then
  command -v emcc >/dev/null || missing+=(emscripten)
  command -v wasm-opt >/dev/null || missing+=(binaryen)
fi
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "build.sh: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "build.sh: missing ${missing[*]}; install them with:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
if [ ! -d node_modules ] || [ package.json -nt node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "build.sh: installing npm packages" >&2
  # Not npm ci: it wants every platform's optional packages (rollup's,
  # esbuild's) in the lock, and a registry that lists only some refuses it.
  npm install --no-audit --no-fund
  touch node_modules
fi
[ "${1:-}" = --deps ] && exit 0
[ "${1:-}" = --clean ] && rm -rf "$OUT"

EMCC=${EMCC:-emcc}
EMAR=$(dirname "$(command -v "$EMCC")")/emar
export EMCC

# emcc's JS optimizer needs acorn, which Debian ships outside any node's path.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

# ---- flags ---------------------------------------------------------------
# The runtime library is compiled here; programs are linked by bin/weft-cc.mjs,
# which holds the link flags (documented in docs/building.md).
WARN=(-Wall -Wextra -Wno-unused-parameter)
CFLAGS=(-O2 "${WARN[@]}" -I"$ROOT/runtime/include")
WEFT_CC=(node "$ROOT/bin/weft-cc.mjs")

# ---- the runtime library --------------------------------------------------
# Stamped with the Emscripten version that built it: weft-cc links this
# library only with the same version, and another version here rebuilds all.
version=$("$EMCC" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
if [ -f "$OUT/lib/emscripten-version" ] && [ "$(cat "$OUT/lib/emscripten-version")" != "$version" ]; then
  echo "build.sh: Emscripten $version replaces $(cat "$OUT/lib/emscripten-version") in $OUT: rebuilding all" >&2
  rm -rf "$OUT"
fi
LIB=$OUT/lib/libweft.a
export WEFT_LIB=$LIB
mkdir -p "$OUT/lib" "$OUT/obj"
echo "$version" > "$OUT/lib/emscripten-version.new"
cmp -s "$OUT/lib/emscripten-version.new" "$OUT/lib/emscripten-version" 2>/dev/null ||
  mv "$OUT/lib/emscripten-version.new" "$OUT/lib/emscripten-version"
rm -f "$OUT/lib/emscripten-version.new"
objs=()
for src in runtime/src/*/*.c; do
  obj=$OUT/obj/$(basename "$(dirname "$src")")-$(basename "${src%.c}").o
  objs+=("$obj")
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find runtime/src runtime/include -name '*.h' -newer "$obj")" ]; then
    "$EMCC" "${CFLAGS[@]}" -c "$src" -o "$obj"
  fi
done
if [ ! -f "$LIB" ] || [ -n "$(find "${objs[@]}" -newer "$LIB")" ] || [ "$("$EMAR" t "$LIB" 2>/dev/null | sort)" != "$(for o in "${objs[@]}"; do basename "$o"; done | sort)" ]; then
  rm -f "$LIB"
  "$EMAR" rcs "$LIB" "${objs[@]}"
fi

# The same library for weft-cc --jspi: switch_jspi.c in place of switch.c.
JLIB=$OUT/lib/libweft-jspi.a
export WEFT_JSPI_LIB=$JLIB
mkdir -p "$OUT/obj-jspi"
jobjs=()
for src in runtime/src/*/*.c; do
  obj=$OUT/obj-jspi/$(basename "$(dirname "$src")")-$(basename "${src%.c}").o
  jobjs+=("$obj")
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find runtime/src runtime/include -name '*.h' -newer "$obj")" ]; then
    "$EMCC" "${CFLAGS[@]}" -DWEFT_JSPI -c "$src" -o "$obj"
  fi
done
if [ ! -f "$JLIB" ] || [ -n "$(find "${jobjs[@]}" -newer "$JLIB")" ] || [ "$("$EMAR" t "$JLIB" 2>/dev/null | sort)" != "$(for o in "${jobjs[@]}"; do basename "$o"; done | sort)" ]; then
  rm -f "$JLIB"
  "$EMAR" rcs "$JLIB" "${jobjs[@]}"
fi

[ "${1:-}" = --lib ] && exit 0

# ---- programs -------------------------------------------------------------
# link OUTPUT SOURCE [extra emcc flags...]: rebuilt when older than its inputs,
# which include the files in a folder named like the source (web/demo/ for
# web/demo.c), for a program that #includes parts of itself.
link() {
  local name=$1 out=$OUT/$1 src=$2 parts=${2%.c}
  shift 2
  mkdir -p "$(dirname "$out")"
  if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$LIB" ] && [ "$out" -nt runtime/js/library_weft.js ] &&
     [ "$out" -nt build.sh ] && [ "$out" -nt bin/weft-cc.mjs ] &&
     { [ ! -d "$parts" ] || [ -z "$(find "$parts" -newer "$out")" ]; }; then
    return 0
  fi
  echo "  link $name" >&2
  "${WEFT_CC[@]}" "${WARN[@]}" "$src" -o "$out" "$@"
}

# The demo page's program, built for both backends (its page has a switch).
build_demo() {
  for src in web/*.c; do
    link "web/$(basename "${src%.c}").mjs" "$src" --jspi --fallback
  done
  # The terminal page (web/terminal.html) runs this plain C program.
  link web/calc.mjs examples/calc.c
}
if [ "${1:-}" = --demo ]; then
  build_demo
  echo "build.sh: done ($OUT/web)" >&2
  exit 0
fi

for src in wasm-tests/*.c; do
  link "tests/$(basename "${src%.c}").mjs" "$src"
done
# The test programs again on JSPI (weft-cc --jspi), under the same names
# in build/jspi/tests/, for the suite's runs on JSPI (wasm-tests/run.mjs
# runs them with WEFT_BUILD=build/jspi and WEFT_BACKEND=jspi).
link_jspi() {
  local name=$1 out=$OUT/jspi/tests/$1 src=$2
  shift 2
  mkdir -p "$(dirname "$out")"
  if [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$JLIB" ] && [ "$out" -nt runtime/js/library_weft.js ] &&
     [ "$out" -nt build.sh ] && [ "$out" -nt bin/weft-cc.mjs ]; then
    return 0
  fi
  echo "  link jspi/tests/$name" >&2
  "${WEFT_CC[@]}" --jspi "${WARN[@]}" "$src" -o "$out" "$@"
}
for src in wasm-tests/*.c; do
  link_jspi "$(basename "${src%.c}").mjs" "$src"
done
link_jspi faults-checked.mjs wasm-tests/faults.c -sSTACK_OVERFLOW_CHECK=2
link_jspi adv-lib-small.mjs wasm-tests/adv-lib.c -sMAXIMUM_MEMORY=64MB
link_jspi adv-kernel-64mb.mjs wasm-tests/adv-kernel.c -sMAXIMUM_MEMORY=64MB
link_jspi adv-bridge-oom.mjs wasm-tests/adv-bridge.c -sMAXIMUM_MEMORY=64MB
link_jspi adv-kernel-stack400.mjs wasm-tests/adv-kernel.c -sTOTAL_STACK=400KB
# (--debug is -O0, which JSPI refuses: the stack-checked build stands in.)
link_jspi adv-kernel-debug.mjs wasm-tests/adv-kernel.c -g -sSTACK_OVERFLOW_CHECK=2
for src in examples/*.c; do
  link_jspi "../examples/$(basename "${src%.c}").mjs" "$src"
done
# ...and under AddressSanitizer (the runtime compiled with it, and for JSPI).
for t in model adv-lib adv-kernel; do
  out=$OUT/jspi/tests/$t-asan.mjs
  if [ ! -f "$out" ] || [ -n "$(find wasm-tests/$t.c runtime/src runtime/js/library_weft.js bin/weft-cc.mjs -newer "$out")" ]; then
    echo "  link jspi/tests/$t-asan.mjs" >&2
    "${WEFT_CC[@]}" --jspi --runtime-src -O1 -g -fsanitize=address wasm-tests/$t.c -o "$out" -sINITIAL_MEMORY=512MB
  fi
done
# A program built for both backends (weft-cc --jspi --fallback), for load()'s choice.
link tests/pair.mjs wasm-tests/core.c --jspi --fallback
# The same fault test with Emscripten's per-frame stack checks.
link tests/faults-checked.mjs wasm-tests/faults.c -sSTACK_OVERFLOW_CHECK=2
# ...and with a main C stack small enough for an unwind to outgrow the scratch area.
link tests/faults-smallstack.mjs wasm-tests/faults.c -sTOTAL_STACK=512KB
# asan NAME: wasm-tests/NAME.c under AddressSanitizer (runtime compiled with it too).
asan() {
  local out=$OUT/tests/$1-asan.mjs src=wasm-tests/$1.c
  if [ ! -f "$out" ] || [ -n "$(find "$src" runtime/src runtime/js/library_weft.js bin/weft-cc.mjs -newer "$out")" ]; then
    echo "  link tests/$1-asan.mjs" >&2
    "${WEFT_CC[@]}" --runtime-src -O1 -g -fsanitize=address "$src" -o "$out" -sINITIAL_MEMORY=512MB
  fi
}
# The model-based test and the adversarial catalogues under ASan...
asan model
asan adv-lib
asan adv-kernel
# ...their out-of-memory cases in a heap that stops at 64 MiB...
link tests/adv-lib-small.mjs wasm-tests/adv-lib.c -sMAXIMUM_MEMORY=64MB
link tests/adv-kernel-64mb.mjs wasm-tests/adv-kernel.c -sMAXIMUM_MEMORY=64MB
link tests/adv-bridge-oom.mjs wasm-tests/adv-bridge.c -sMAXIMUM_MEMORY=64MB
# A small program in each debug build (debug.test.mjs, browser-debug.test.mjs).
link tests/debug-O0.mjs wasm-tests/debug.c -O0
link tests/debug-assertions.mjs wasm-tests/debug.c -O0 -sASSERTIONS=1
link tests/debug-assertions2.mjs wasm-tests/debug.c -sASSERTIONS=2
link tests/debug-g.mjs wasm-tests/debug.c -g
link tests/debug-debug.mjs wasm-tests/debug.c --debug
link_jspi debug-O0.mjs wasm-tests/debug.c -O0 -g
# ...and the kernel's in a --debug build and with a main C stack of 400 KB,
# whose scratch area an unwind can outgrow.
link tests/adv-kernel-debug.mjs wasm-tests/adv-kernel.c --debug
link tests/adv-kernel-stack400.mjs wasm-tests/adv-kernel.c -sTOTAL_STACK=400KB
# The benchmark programs; each includes bench/bench.h, so a newer one relinks all.
for out in "$OUT"/bench/*.mjs "$OUT"/jspi/bench/*.mjs; do
  [ bench/bench.h -nt "$out" ] && rm -f "$out"
done
for src in bench/*.c; do
  [ "$(basename "$src")" = fibers.c ] && continue
  link "bench/$(basename "${src%.c}").mjs" "$src"
done
# ...and on JSPI, in build/jspi/bench/, for the kernels' JSPI sides.
for src in bench/*.c; do
  [ "$(basename "$src")" = fibers.c ] && continue
  link_jspi "../bench/$(basename "${src%.c}").mjs" "$src"
done
# plain OUTPUT SOURCE [flags...]: a baseline built with emcc alone, no weft.
plain() {
  local name=$1 out=$OUT/$1 src=$2
  shift 2
  [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt build.sh ] && return 0
  echo "  link $name (plain emcc)" >&2
  mkdir -p "$(dirname "$out")"
  "$EMCC" -O2 "$src" -o "$out" -sMODULARIZE -sEXPORT_ES6 -sENVIRONMENT=web,worker -sINVOKE_RUN=0 \
    -sEXPORTED_FUNCTIONS=_main -sEXPORTED_RUNTIME_METHODS=callMain "$@"
}
# Emscripten's own Fibers, the baseline the switch benchmark compares with.
plain bench/fibers.mjs bench/fibers.c -sASYNCIFY
# The Asyncify tax: the SHA-256 kernel without weft, and the weft program
# linked without the Asyncify pass.
plain bench/sha256-plain.mjs bench/sha256.c -DSHA_PLAIN -sALLOW_MEMORY_GROWTH
link bench/sha256-noasyncify.mjs bench/sha256.c -sASYNCIFY=0
for src in examples/*.c; do
  link "examples/$(basename "${src%.c}").mjs" "$src"
done
build_demo
echo "build.sh: done ($OUT)" >&2
