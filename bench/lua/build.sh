#!/usr/bin/env bash
# Rebuilds bench/wasm/lua.wasm: the Lua 5.4.4 core and its base, coroutine, table, string, math
# and utf8 libraries (real C code, some 240 KB of Wasm code; the source is in lua-5.4.4/, as
# released, under LICENSE-lua.txt), compiled to wasm32-wasi as a reactor exporting run(n) (the
# benchmark program, bench.lua), run_chunk(src, len) and buffer(n). It imports nothing:
# wasi_stubs.c stands in for WASI. choose_pairs.py also reads its translated code as real
# compiler output, next to the generated large.wasm (bench/RESULTS.md, twelfth round).
# Lua's errors would longjmp, which wasm32 has not: they trap instead (natively, where
# bench/build-native.sh builds the same program, they abort).
#
# Needs clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32 (Debian). The .wasm is
# committed: nothing else needs any of this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CLANG=${CLANG:-clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./embed.sh "$tmp/bench_lua.h"

echo "  WASM  wasm/lua.wasm"
# shellcheck disable=SC2046 # (the source list, split on purpose)
"$CLANG" --target=wasm32-wasi --sysroot=/usr -O2 -mexec-model=reactor \
    -isystem include -Ilua-5.4.4/src -I"$tmp" $(cat defines.txt) \
    -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
    -Wl,--strip-debug -o ../wasm/lua.wasm \
    $(sed 's|^|lua-5.4.4/src/|; s|$|.c|' sources.txt) entry.c linit.c wasi_stubs.c \
    -L/usr/lib/wasm32-wasi -lwasi-emulated-signal -lwasi-emulated-process-clocks
chmod 644 ../wasm/lua.wasm
