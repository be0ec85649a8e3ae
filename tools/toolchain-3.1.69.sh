#!/usr/bin/env bash
# toolchain-3.1.69.sh — assembles a second Emscripten toolchain, 3.1.69, beside
# bookworm's own emscripten 3.1.6, without installing anything from trixie
# system-wide:
#   * Debian trixie's `emscripten` 3.1.69 package (arch all, prebuilt system
#     libraries), fetched with a private apt state and unpacked privately;
#   * bookworm's clang-19, lld-19 and llvm-19 (apt-get install, as usual);
#   * npm's binaryen@120 (wasm-opt etc. as node programs) and acorn, plus a
#     stand-in for wasm-emscripten-finalize, which npm's binaryen lacks.
#
#   tools/toolchain-3.1.69.sh        assemble (fast no-op when already done)
#   . "$WEFT_TOOLCHAINS/emscripten-3.1.69/env"   then: emcc --version
#
# Installs into $WEFT_TOOLCHAINS/emscripten-3.1.69 (default /opt/weft-toolchains)
# and prints that directory. Needs root for apt-get when a package is missing.
set -euo pipefail

VERSION=3.1.69
DEST=${WEFT_TOOLCHAINS:-/opt/weft-toolchains}/emscripten-$VERSION
STAMP_TEXT="emscripten $VERSION + llvm-19 + binaryen@120 (layout 2)"
LLVM=/usr/lib/llvm-19/bin

die() { echo "toolchain-$VERSION.sh: error: $*" >&2; exit 1; }
say() { echo "toolchain-$VERSION.sh: $*" >&2; }

assembled() { [ "$(cat "$DEST/.stamp" 2>/dev/null)" = "$STAMP_TEXT" ]; }
if assembled; then echo "$DEST"; exit 0; fi
mkdir -p "$(dirname "$DEST")" || die "cannot create $(dirname "$DEST")"
exec 9>"$DEST.lock"; flock 9   # one assembly at a time
if assembled; then echo "$DEST"; exit 0; fi
rm -rf "$DEST".tmp.*           # left by an interrupted run

# ---- bookworm packages ------------------------------------------------------
missing=()
[ -x $LLVM/clang ] || missing+=(clang-19)
[ -x $LLVM/wasm-ld ] || missing+=(lld-19)
[ -x $LLVM/llvm-ar ] || missing+=(llvm-19)
[ -x /usr/bin/python3 ] || missing+=(python3)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
NODE=$(command -v node)

# ---- build in a scratch folder beside DEST, move into place at the end -------
WORK=$(mktemp -d "$DEST.tmp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
T=$WORK/tc   # becomes $DEST
mkdir -p "$T/bin" "$T/binaryen/bin"

# ---- trixie's emscripten package, with a private apt state -------------------
A=$WORK/apt
mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" "$A/sources.list.d"
: > "$A/sources.list"
cat > "$A/sources.list.d/trixie.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_() {
  "$@" -o Dir::State="$A/state" -o Dir::State::status=/dev/null -o Dir::Cache="$A/cache" \
       -o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts="$A/sources.list.d" \
       -o APT::Sandbox::User=root
}
say "fetching trixie's package index (private apt state)"
apt_ apt-get update -qq >/dev/null || die "apt-get update of the private trixie index failed"
ver=$(apt_ apt-cache show emscripten | sed -n 's/^Version: //p' | grep "^$VERSION[+~-]" | head -1) || true
[ -n "$ver" ] || die "trixie has no emscripten $VERSION (has: $(apt_ apt-cache show emscripten | sed -n 's/^Version: //p' | xargs))"
say "downloading emscripten $ver (~240 MB)"
(cd "$WORK" && apt_ apt-get download -qq "emscripten=$ver") || die "apt-get download emscripten=$ver failed"
say "unpacking"
mkdir "$T/emscripten"
dpkg-deb --fsys-tarfile "$WORK"/emscripten_*.deb \
  | tar -x -C "$T/emscripten" --strip-components=4 ./usr/share/emscripten \
  || die "unpacking the emscripten package failed"
rm -f "$WORK"/emscripten_*.deb
[ "$(cat "$T/emscripten/emscripten-version.txt")" = "$VERSION" ] || die "unpacked tree is not emscripten $VERSION"
[ -d "$T/emscripten/cache/sysroot/lib/wasm32-emscripten" ] || die "package has no prebuilt system libraries"

# ---- npm: binaryen 120 (emcc accepts 120 or 121) and acorn --------------------
# node_modules sits in an ancestor folder of emscripten/tools, so its ES-module
# `import 'acorn'` resolves there (ES modules ignore NODE_PATH).
say "installing binaryen@120 and acorn from npm"
npm install --prefix "$T" --no-audit --no-fund --no-save --loglevel=error binaryen@120 acorn@8.12.1 >/dev/null \
  || die "npm install binaryen@120 acorn failed"

# emcc runs $BINARYEN_ROOT/bin/<tool>; npm's tools are JS, run them with node.
for f in "$T"/node_modules/binaryen/bin/wasm*; do
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE" "$DEST/node_modules/binaryen/bin/${f##*/}" \
    > "$T/binaryen/bin/${f##*/}"
done
# wasm-emscripten-finalize: binaryen 120's tool only runs these passes (see
# src/tools/wasm-emscripten-finalize.cpp at version_120); do the same in wasm-opt.
cat > "$T/binaryen/bin/wasm-emscripten-finalize" <<'EOF'
#!/usr/bin/env bash
# Stand-in for binaryen 120's wasm-emscripten-finalize (absent from npm's
# binaryen): translates its flags into the same wasm-opt passes, in its order.
set -eu
args=() dwarf= bigint= legalize=1 stack= standalone= dyncalls=1 i64=
for a in "$@"; do
  case $a in
    --dwarf) dwarf=1 ;;
    --bigint|-bi) bigint=1 ;;
    --no-legalize-javascript-ffi|-nj) legalize= ;;
    --check-stack-overflow) stack=1 ;;
    --standalone-wasm) standalone=1 ;;
    --no-dyncalls) dyncalls= ;;
    --dyncalls-i64) i64=1 ;;
    --side-module|--minimize-wasm-changes) ;;  # no effect on 120's passes
    *) args+=("$a") ;;
  esac
done
passes=()
if [ -n "$stack" ]; then
  [ -n "$standalone" ] || args+=(--pass-arg=stack-check-handler@__handle_stack_overflow)
  passes+=(--stack-check)
fi
if [ -n "$dyncalls" ] && [ -z "$standalone" ]; then
  if [ -n "$i64" ]; then passes+=(--generate-i64-dyncalls); else passes+=(--generate-dyncalls); fi
fi
[ -n "$bigint" ] || [ -z "$legalize" ] || passes+=(--legalize-js-interface)
passes+=(--strip-target-features)
[ -n "$dwarf" ] || passes+=(--strip-dwarf)
# --no-validation: finalize never validates, and 120's stack-check pass types its
# handler call as i32 in the IR (the binary written is valid; wasm-opt's
# validator would reject the IR).
exec "$(dirname "$0")/wasm-opt" --no-validation "${args[@]}" "${passes[@]}"
EOF
chmod +x "$T"/binaryen/bin/*

# ---- config, wrappers, env ---------------------------------------------------
# Written with the final paths. The cache stays writable (not FROZEN as in
# Debian's config) so that a library variant the package lacks gets built.
cat > "$T/config" <<EOF
LLVM_ROOT = '$LLVM'
BINARYEN_ROOT = '$DEST/binaryen'
NODE_JS = '$NODE'
CACHE = '$DEST/emscripten/cache'
FROZEN_CACHE = False
EOF
for py in "$T"/emscripten/em*.py; do
  name=$(basename "$py" .py)
  cat > "$T/bin/$name" <<EOF
#!/bin/sh
# emscripten $VERSION's $name (assembled by tools/toolchain-$VERSION.sh)
export EM_CONFIG='$DEST/config' EM_CACHE='$DEST/emscripten/cache' NODE_PATH='$DEST/node_modules'
unset EMSDK EM_LLVM_ROOT EM_BINARYEN_ROOT EM_NODE_JS EM_FROZEN_CACHE _PYTHON_SYSCONFIGDATA_NAME
exec /usr/bin/python3 -E '$DEST/emscripten/$name.py' "\$@"
EOF
  chmod +x "$T/bin/$name"
done
echo "export PATH='$DEST/bin':\"\$PATH\"" > "$T/env"
echo "$STAMP_TEXT" > "$T/.stamp.pending"

# ---- move into place and check it ---------------------------------------------
rm -rf "$DEST"
mv "$T" "$DEST"
out=$("$DEST/bin/emcc" --version 2>/dev/null | head -1) || true
case $out in *" $VERSION "*) ;; *) die "$DEST/bin/emcc --version reports: '$out'" ;; esac
"$DEST/binaryen/bin/wasm-opt" --version | grep -q 'version 120' || die "npm's wasm-opt does not run"
# a real link: uses the prebuilt libc, wasm-ld and wasm-emscripten-finalize
echo 'int main(void) { return 0; }' > "$WORK/t.c"
"$DEST/bin/emcc" -O2 "$WORK/t.c" -o "$WORK/t.js" 2>"$WORK/log" && "$NODE" "$WORK/t.js" \
  || die "test link failed: $(tail -5 "$WORK/log")"
mv "$DEST/.stamp.pending" "$DEST/.stamp"
say "ready: $out"
echo "$DEST"
