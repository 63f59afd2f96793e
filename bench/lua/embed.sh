#!/usr/bin/env bash
# Writes bench/lua/bench.lua as a C header defining BENCH_LUA, a string literal (entry.c
# includes it): embed.sh OUT.h
set -euo pipefail
{
    echo '/* bench/lua/bench.lua, written by bench/lua/embed.sh: do not edit */'
    echo '#define BENCH_LUA \'
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n" \\/' \
        "$(dirname "${BASH_SOURCE[0]}")/bench.lua"
    echo '    ""'
} > "$1"
