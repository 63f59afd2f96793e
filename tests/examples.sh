#!/usr/bin/env bash
# End-to-end checks of the example programs and the CLI: each check runs a command and
# compares its exit status and output with what the README and the examples promise.
# Run from the project root (make example-check); BUILD names the build directory.
set -u
BUILD=${BUILD:-build}
passed=0
failed=0

# check NAME EXPECTED_STATUS EXPECTED_OUTPUT_SUBSTRING COMMAND...: stdout and stderr together.
check() {
    local name=$1 want_status=$2 want_text=$3
    shift 3
    local out status
    out=$("$@" 2>&1)
    status=$?
    if [ "$status" -eq "$want_status" ] && [[ "$out" == *"$want_text"* ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name: exit $status (want $want_status), output:"
        printf '%s\n' "$out" | sed 's/^/  | /'
        echo "  (wanted it to contain: $want_text)"
    fi
}

WVM=$BUILD/wvm
FIB=examples/fib.wasm

check "fib 46" 0 "-1323752223" "$WVM" run "$FIB" --invoke fib 46
check "fuel, default model" 0 "fuel consumed: 612, remaining: 999999388" \
    "$WVM" run "$FIB" --fuel 1e9 --invoke fib 46 --report-fuel
check "fuel, uniform model" 0 "fuel consumed: 614, remaining: 999999386" \
    "$WVM" run "$FIB" --fuel 1e9 --cost-model uniform --invoke fib 46 --report-fuel
check "fuel, reference metering" 0 "fuel consumed: 612" \
    "$WVM" run "$FIB" --fuel 1_000_000 --meter reference --invoke fib 46 --report-fuel
check "out of fuel" 1 "error: trap: out of fuel in function \$fib" \
    "$WVM" run "$FIB" --fuel 100 --invoke fib 46 --report-fuel
check "out of fuel reports" 1 "fuel consumed: 91, remaining: 9" \
    "$WVM" run "$FIB" --fuel 100 --invoke fib 46 --report-fuel
check "bad fuel" 2 "1.25e1" "$WVM" run "$FIB" --fuel 1.25e1 --invoke fib 46
check "trap backtrace" 1 "  at \$middle (function 1, offset 0x30)" \
    "$WVM" run tests/data/backtrace.wasm --invoke outer 0
check "missing file" 2 "cannot read" "$WVM" run no-such-file.wasm
check "minimal" 0 "fib(46) = -1323752223" "$BUILD/examples/minimal"
check "fuel slices" 0 "fib(46) = -1323752223: 612 fuel in 7 slices of 100" \
    "$BUILD/examples/fuel_slices" "$FIB" fib 46 100
check "fuel slices, one slice" 0 "fib(46) = -1323752223: 612 fuel in 1 slice of 1000" \
    "$BUILD/examples/fuel_slices" "$FIB" fib 46 1000
check "linking" 0 "sum_of_squares(3, 4) = 25" "$BUILD/examples/linking"
check "host string" 0 "log: Hello from Wasm!" "$BUILD/examples/host_string"
check "host string trap" 0 \
    "bad_log trapped (host error): host error in function \$bad_log at offset 0x5c: log: string [65530, 65546) is outside the 65536-byte memory" \
    "$BUILD/examples/host_string"
check "errors, unlinkable" 0 'unlinkable: unknown import: "env" "print" (expects func [i32] -> [])
    import 0: "env" "print" expects func (i32) -> ()' "$BUILD/examples/errors"
check "errors, backtrace" 0 "    #0 \$inner (function 1, offset 0x3e)
    #1 \$middle (function 2, offset 0x44)
    #2 \$outer (function 3, offset 0x52)" "$BUILD/examples/errors"
check "errors, usage" 0 "usage error: argument 0 has the wrong type: expected i32, got i64" \
    "$BUILD/examples/errors"

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
