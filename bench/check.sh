#!/usr/bin/env bash
# `make bench-check`: runs every kernel of bench/kernels.txt and every program of
# bench/programs.txt once at its small n under wvm, unmetered and with native metering (a huge
# fuel budget), and compares each checksum with the native build's. Then runs
# bench/wasm/large.wasm (2,400 generated functions: every fusion of the translator meets
# varied code) in four metering modes and compares each result with wabt's interpreter (when
# spectest-interp is installed; else with the unmetered run). Fails on any mismatch, trap or
# error; the last line is `N passed, N failed`. BUILD selects the build directory (default
# build).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD:-build}
WVM=$BUILD/wvm
FUEL=1000000000000000000
LIMIT=${LIMIT:-60} # seconds per run: a run that does not end (a miscompiled loop) fails, not hangs

# Runs a command with the time limit; prints its output, or that it timed out.
run() {
    local out rc
    out=$(timeout "$LIMIT" "$@" 2>&1)
    rc=$?
    if [ $rc -eq 124 ]; then echo "(timed out after ${LIMIT} s)"; else printf '%s\n' "$out"; fi
}

bench/build-native.sh || { echo "bench-check: cannot build the native kernels"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
# Counts a comparison: expect WHAT GOT WANT (WHAT names the run in the failure message).
expect() {
    if [ "$2" = "$3" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $1: wvm printed '$2', wanted '$3'"
    fi
}

while read -r name module export _source _n n; do
    case $name in '#'* | '') continue ;; esac
    want=$(run "$BUILD/bench/native/$name" "$n")
    for mode in unmetered metered; do
        args=()
        [ $mode = metered ] && args=(--fuel $FUEL)
        got=$(run "$WVM" run "$module" "${args[@]}" --invoke "$export" "$n")
        expect "$name ($mode, n=$n; wanted: native)" "$got" "$want"
    done
done < <(cat bench/kernels.txt bench/programs.txt)

# large.wasm's run(n): per-operator metering (reference) puts a charge between operators,
# so the fusions of adjacent instructions do not happen there; wabt shares no code with wvm.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp bench/wasm/large.wasm "$tmp/"
for n in 0 1 7 12345; do
    want=""
    if command -v spectest-interp >/dev/null; then
        printf '%s' '{"source_filename": "large.wast", "commands": [
            {"type": "module", "line": 1, "filename": "large.wasm"},
            {"type": "action", "line": 2, "action": {"type": "invoke", "field": "run",
             "args": [{"type": "i32", "value": "'"$n"'"}]}, "expected": [{"type": "i32"}]}]}' \
            > "$tmp/large.json"
        want=$(run spectest-interp "$tmp/large.json" | sed -n 's/^run(i32:[0-9]*) => i32:\([0-9]*\)$/\1/p')
        [ -n "$want" ] || { failed=$((failed + 1)); echo "FAIL large.wasm: wabt's interpreter gave no result for n=$n"; continue; }
    fi
    for mode in unmetered native reference instrument; do
        args=()
        [ $mode != unmetered ] && args=(--fuel $FUEL --meter $mode)
        got=$(run "$WVM" run bench/wasm/large.wasm "${args[@]}" --invoke run "$n")
        [[ $got =~ ^-?[0-9]+$ ]] && got=$(( (got + 4294967296) % 4294967296 )) # as u32
        [ -z "$want" ] && want=$got
        expect "large.wasm ($mode, n=$n)" "$got" "$want"
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
