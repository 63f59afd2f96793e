#!/usr/bin/env bash
# `make bench-check`: runs every kernel of bench/kernels.txt once at its small n under wvm,
# unmetered and with native metering (a huge fuel budget), and compares each checksum with
# the native build's. Fails on any mismatch, trap or error; the last line is
# `N passed, N failed`. BUILD selects the build directory (default build).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD:-build}
WVM=$BUILD/wvm
FUEL=1000000000000000000

bench/build-native.sh || { echo "bench-check: cannot build the native kernels"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
while read -r name module export _source _n n; do
    case $name in '#'* | '') continue ;; esac
    want=$("$BUILD/bench/native/$name" "$n" 2>&1)
    for mode in unmetered metered; do
        args=()
        [ $mode = metered ] && args=(--fuel $FUEL)
        got=$("$WVM" run "$module" "${args[@]}" --invoke "$export" "$n" 2>&1)
        if [ "$got" = "$want" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL $name ($mode, n=$n): wvm printed '$got', native '$want'"
        fi
    done
done < bench/kernels.txt
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
