#!/usr/bin/env bash
# Rebuilds bench/wasm/lua.wasm: the Lua 5.4.4 core and its base, coroutine, table, string, math
# and utf8 libraries (real C code, some 240 KB of Wasm code), compiled to wasm32-wasi as a
# reactor exporting run_chunk(src, len) and buffer(n). choose_pairs.py reads its translated
# code as real compiler output, next to the generated large.wasm (bench/RESULTS.md, twelfth
# round). Lua's errors would longjmp, which wasm32 has not: they trap instead.
#
# Needs clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (Debian), and the source
# tarball, fetched from Debian's archive and checked against its SHA-256. The .wasm is
# committed: nothing else needs any of this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CLANG=${CLANG:-clang}
TARBALL=lua5.4_5.4.4.orig.tar.gz
URL=http://deb.debian.org/debian/pool/main/l/lua5.4/$TARBALL
SHA256=164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsS -o "$tmp/$TARBALL" "$URL"
echo "$SHA256  $tmp/$TARBALL" | sha256sum -c --quiet
tar -xzf "$tmp/$TARBALL" -C "$tmp"
src=$tmp/lua-5.4.4/src

core=(lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser lstate
      lstring ltable ltm lundump lvm lzio lauxlib lbaselib lcorolib lmathlib lstrlib ltablib
      lutf8lib)
echo "  WASM  wasm/lua.wasm"
"$CLANG" --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor \
    -isystem include -I"$src" \
    -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
    '-DLUAI_THROW(L,c)=__builtin_trap()' '-DLUAI_TRY(L,c,a)={a}' -Dluai_jmpbuf=int \
    -Wl,--strip-debug -o ../wasm/lua.wasm \
    $(printf "$src/%s.c " "${core[@]}") entry.c linit.c \
    -L/usr/lib/wasm32-wasi -lwasi-emulated-signal -lwasi-emulated-process-clocks
chmod 644 ../wasm/lua.wasm
