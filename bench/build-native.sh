#!/usr/bin/env bash
# Builds what the benchmark scripts run besides wvm itself, into $BUILD/bench (BUILD defaults
# to build): every kernel of bench/kernels.txt natively (NATIVE_CC, default gcc, -O2, with
# bench/native_main.c) as $BUILD/bench/native/NAME, the programs of bench/programs.txt the
# same way from the same source as their .wasm, and bench/tools/modinfo.c linked against
# $BUILD/libwvm.a when WITH_TOOLS=1. Rebuilds only what is out of date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD:-build}
NATIVE_CC=${NATIVE_CC:-gcc}
WARN=(-Wall -Wextra -Werror)
out=$BUILD/bench
mkdir -p "$out/native"

# stale TARGET SOURCE...: true when TARGET is missing or older than a SOURCE.
stale() {
    local target=$1 src
    shift
    [ -e "$target" ] || return 0
    for src in "$@"; do
        [ "$src" -nt "$target" ] && return 0
    done
    return 1
}

while read -r name _module _export source _rest; do
    case $name in '#'* | '') continue ;; esac
    bin=$out/native/$name
    if stale "$bin" "$source" bench/native_main.c bench/kernels/kernel.h; then
        echo "  CC    $bin"
        "$NATIVE_CC" -std=gnu11 -O2 "${WARN[@]}" -o "$bin" "$source" bench/native_main.c -lm
    fi
done < bench/kernels.txt

# Lua 5.4 running bench/lua/bench.lua (bench/lua/build.sh builds its .wasm): Lua's own code
# is compiled without our warnings, as released.
lua_sources=$(sed 's|^|bench/lua/lua-5.4.4/src/|; s|$|.c|' bench/lua/sources.txt)
lua_bin=$out/native/lua
# shellcheck disable=SC2046,SC2086 # (the source and define lists, split on purpose)
if stale "$lua_bin" $lua_sources bench/lua/*.c bench/lua/*.txt bench/lua/bench.lua \
    bench/native_main.c; then
    echo "  CC    $lua_bin"
    bench/lua/embed.sh "$out/bench_lua.h"
    "$NATIVE_CC" -std=gnu11 -O2 -Ibench/lua/lua-5.4.4/src -I"$out" \
        $(cat bench/lua/defines.txt) -o "$lua_bin" $lua_sources bench/lua/entry.c \
        bench/lua/linit.c bench/native_main.c -lm
fi

if [ "${WITH_TOOLS:-0}" = 1 ] && stale "$out/modinfo" bench/tools/modinfo.c "$BUILD/libwvm.a"; then
    echo "  CC    $out/modinfo"
    "$NATIVE_CC" -std=gnu11 -O2 "${WARN[@]}" -Wno-unused-parameter -Iinclude \
        -o "$out/modinfo" bench/tools/modinfo.c "$BUILD/libwvm.a" -lm
fi
