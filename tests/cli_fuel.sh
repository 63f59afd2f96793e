#!/usr/bin/env bash
# End-to-end tests of the fuel options of `wvm run` (--fuel, --meter, --cost-model,
# --report-fuel) on examples/fib.wasm (the instrument and premetered modes: cli_instrument.sh).
# Run from the project root after `make`:
#     tests/cli_fuel.sh            (WVM=path/to/wvm to test another build)
# The last line is "N passed, N failed"; the exit status is 1 when anything failed.
#
# Expected numbers (examples/fib.wat): fib(46) = -1323752223 as an i32, costing 612 fuel under
# the default cost model and 614 under uniform; 46 of those operators are i32.add.
set -u

WVM=${WVM:-build/wvm}
FIB=examples/fib.wasm
RESULT=-1323752223

# shellcheck source=tests/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

# expect_last_line NAME REGEX: the last line of stderr matches REGEX (grep -E).
expect_last_line() {
    if tail -n 1 "$tmp/err" | grep -qE -- "$2"; then
        pass
    else
        fail "$1" "the last line of stderr does not match '$2'"
    fi
}

if [ ! -x "$WVM" ] || [ ! -f "$FIB" ]; then
    echo "cli_fuel.sh: $WVM or $FIB missing (run 'make' in the project root first)"
    echo "0 passed, 1 failed"
    exit 1
fi

# ---- metering on fib(46) ----

run run "$FIB" --fuel 1e9 --invoke fib 46
expect "fuel without report" 0 "$RESULT"
if [ -n "$err" ]; then
    fail "fuel without report" "stderr is not empty"
else
    pass
fi

run run "$FIB" --fuel 1e9 --report-fuel --invoke fib 46
expect "default model" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

run run "$FIB" --fuel 1e9 --cost-model uniform --report-fuel --invoke fib 46
expect "uniform model" 0 "$RESULT" "fuel consumed: 614, remaining: 999999386"

run run "$FIB" --fuel 1e9 --cost-model default --report-fuel --invoke fib 46
expect "default model by name" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

run run "$FIB" --fuel 1e9 --meter reference --report-fuel --invoke fib 46
expect "reference meter" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

run run "$FIB" --fuel 1e9 --meter reference --cost-model uniform --report-fuel --invoke fib 46
expect "reference meter, uniform" 0 "$RESULT" "fuel consumed: 614, remaining: 999999386"

run run "$FIB" --fuel 1e9 --meter native --report-fuel --invoke fib 46
expect "native meter named" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

# Options before FILE, split around it, and in the --opt=VALUE form.
run run --report-fuel --fuel=1_000_000_000 "$FIB" --invoke fib 46
expect "options before FILE" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

run run --cost-model=uniform "$FIB" --fuel 1.5e6 --report-fuel --invoke fib 46
expect "options around FILE" 0 "$RESULT" "fuel consumed: 614, remaining: 1499386"

# The largest amount is exact (no rounding through double).
run run "$FIB" --fuel 18446744073709551615 --report-fuel --invoke fib 46
expect "maximum fuel" 0 "$RESULT" "fuel consumed: 612, remaining: 18446744073709551003"

# Exactly enough, and one short, in both modes.
for meter in native reference; do
    run run "$FIB" --fuel 612 --meter $meter --report-fuel --invoke fib 46
    expect "exactly enough ($meter)" 0 "$RESULT" "fuel consumed: 612, remaining: 0"

    run run "$FIB" --fuel 611 --meter $meter --report-fuel --invoke fib 46
    expect "one short ($meter)" 1 ""
    expect_last_line "one short ($meter): report" "^fuel consumed: [0-9]+, remaining: [0-9]+$"
done

# ---- out of fuel ----

run run "$FIB" --fuel 100 --report-fuel --invoke fib 46
expect "out of fuel" 1 ""
if grep -q "^error: trap: out of fuel" "$tmp/err"; then
    pass
else
    fail "out of fuel" "no 'error: trap: out of fuel' line"
fi
expect_last_line "out of fuel: report last" "^fuel consumed: [0-9]+, remaining: [0-9]+$"
# Nothing is charged for the block that could not be paid: consumed + remaining = 100.
report=$(grep -E "^fuel consumed: " "$tmp/err" | tail -n 1)
consumed=$(printf '%s' "$report" | sed -E 's/^fuel consumed: ([0-9]+), remaining: ([0-9]+)$/\1/')
remaining=$(printf '%s' "$report" | sed -E 's/^fuel consumed: ([0-9]+), remaining: ([0-9]+)$/\2/')
if [ -n "$report" ] && [ $((consumed + remaining)) -eq 100 ] && [ "$consumed" -le 100 ]; then
    pass
else
    fail "out of fuel: accounting" "consumed + remaining is not 100 ('$report')"
fi

run run "$FIB" --fuel 100 --invoke fib 46
expect "out of fuel without report" 1 ""
if grep -q "^error: trap: out of fuel" "$tmp/err" && ! grep -q "^fuel consumed" "$tmp/err"
then
    pass
else
    fail "out of fuel without report" "wrong stderr"
fi

run run "$FIB" --fuel 100 --meter reference --report-fuel --invoke fib 46
expect "out of fuel (reference)" 1 ""
if grep -q "^error: trap: out of fuel" "$tmp/err"; then
    pass
else
    fail "out of fuel (reference)" "no trap line"
fi
expect_last_line "out of fuel (reference): report" "^fuel consumed: [0-9]+, remaining: [0-9]+$"

run run "$FIB" --fuel 0 --report-fuel --invoke fib 46
expect "zero fuel" 1 "" "fuel consumed: 0, remaining: 0"
if grep -q "^error: trap: out of fuel" "$tmp/err"; then
    pass
else
    fail "zero fuel" "no trap line"
fi

# ---- a start function (the example of docs/cost-model.md: 55 fuel) ----

if command -v wat2wasm >/dev/null 2>&1; then
    cat >"$tmp/start.wat" <<'EOF'
(module
  (func $start (local i32)
    i32.const 10
    local.set 0
    loop
      local.get 0
      i32.const 1
      i32.sub
      local.tee 0
      br_if 0
    end)
  (start $start))
EOF
    if wat2wasm "$tmp/start.wat" -o "$tmp/start.wasm" 2>"$tmp/err"; then
        run run "$tmp/start.wasm" --fuel 55 --report-fuel
        expect "start function" 0 "" "fuel consumed: 55, remaining: 0"

        # Out of fuel while instantiating: still a trap, and still reported.
        run run "$tmp/start.wasm" --fuel 54 --report-fuel
        expect "start function out of fuel" 1 ""
        expect_last_line "start function out of fuel: report" \
            "^fuel consumed: [0-9]+, remaining: [0-9]+$"
        if grep -q "^error: trap: out of fuel" "$tmp/err"; then
            pass
        else
            fail "start function out of fuel" "no trap line"
        fi
    else
        rc="(wat2wasm)"
        out=""
        err=$(cat "$tmp/err")
        fail "start function" "wat2wasm failed"
    fi
else
    echo "note: wat2wasm not found; skipping the start-function checks"
fi

# ---- cost model files ----

printf '# uniform, from a file\nbase uniform\n' >"$tmp/uniform.txt"
run run "$FIB" --fuel 1e9 --cost-model "$tmp/uniform.txt" --report-fuel --invoke fib 46
expect "cost file: base uniform" 0 "$RESULT" "fuel consumed: 614, remaining: 999999386"

printf 'i32.add 3   # 46 additions, 2 more each\n' >"$tmp/add3.txt"
run run "$FIB" --fuel 1e9 --cost-model "$tmp/add3.txt" --report-fuel --invoke fib 46
expect "cost file: i32.add 3" 0 "$RESULT" "fuel consumed: 704, remaining: 999999296"

printf 'base default\ni32.ad 3\n' >"$tmp/bad.txt"
run run "$FIB" --fuel 1e9 --cost-model "$tmp/bad.txt" --report-fuel --invoke fib 46
expect "cost file: error" 2 ""
if grep -qF "error: --cost-model: $tmp/bad.txt:2: " "$tmp/err" && grep -qF "i32.ad" "$tmp/err" \
    && ! grep -q "^fuel consumed" "$tmp/err"; then
    pass
else
    fail "cost file: error" "no 'error: --cost-model: FILE:2: ...' line (or a fuel report)"
fi

run run "$FIB" --fuel 1e9 --cost-model "$tmp/missing.txt" --invoke fib 46
expect "cost file: missing" 2 ""
if grep -q "^error: --cost-model: .*missing.txt" "$tmp/err"; then
    pass
else
    fail "cost file: missing" "the error does not name the file"
fi

# ---- usage errors (exit 2, nothing run) ----

# bad_fuel VALUE MESSAGE: --fuel VALUE is rejected with "error: --fuel: MESSAGE".
bad_fuel() {
    run run "$FIB" --fuel "$1" --report-fuel --invoke fib 46
    expect "--fuel '$1'" 2 "" "error: --fuel: $2"
}
nan="is not a number (expected a whole number such as 1000000, 1_000_000 or 1e9)"
bad_fuel 1.25e1 "'1.25e1' is not a whole number"
bad_fuel 1e-3 "'1e-3' is not a whole number"
bad_fuel 0.5 "'0.5' is not a whole number"
bad_fuel -5 "'-5' is negative"
bad_fuel +5 "'+5' must be written without a sign"
bad_fuel 1e20 "'1e20' is too large (the maximum is 18446744073709551615)"
bad_fuel 18446744073709551616 \
    "'18446744073709551616' is too large (the maximum is 18446744073709551615)"
bad_fuel abc "'abc' $nan"
bad_fuel "" "'' $nan"
bad_fuel 1e "'1e' $nan"
bad_fuel 1__0 "'1__0' $nan"
bad_fuel _1 "'_1' $nan"
bad_fuel 1_ "'1_' $nan"
bad_fuel 0x10 "'0x10' $nan"

run run "$FIB" --fuel
expect "--fuel without value" 2 "" "error: option --fuel needs a value"

run run "$FIB" --fuel 1 --fuel 2 --invoke fib 46
expect "--fuel twice" 2 "" "error: option --fuel given more than once"

run run "$FIB" --report-fuel --invoke fib 46
expect "--report-fuel without --fuel" 2 "" "error: --report-fuel needs --fuel"

run run "$FIB" --cost-model uniform --invoke fib 46
expect "--cost-model without --fuel" 2 "" "error: --cost-model needs --fuel"

run run "$FIB" --meter reference --invoke fib 46
expect "--meter without --fuel" 2 "" "error: --meter needs --fuel"

run run "$FIB" --fuel 1e9 --meter jit --invoke fib 46
expect "--meter jit" 2 "" \
    "error: --meter: unknown mode 'jit' (expected native, reference, instrument or premetered)"

# Run options may also follow the function's arguments (as in the README's examples).
run run "$FIB" --fuel 1e9 --invoke fib 46 --report-fuel
expect "--report-fuel after the arguments" 0 "-1323752223" \
    "fuel consumed: 612, remaining: 999999388"

run run "$FIB" --invoke fib 46 --fuel 1e9 --cost-model uniform --report-fuel
expect "several options after the arguments" 0 "-1323752223" \
    "fuel consumed: 614, remaining: 999999386"

run run "$FIB" --invoke fib --report-fuel
expect "an option where the argument should be" 2 "" "error: --report-fuel needs --fuel"

run run "$FIB" --fuel 1e9 --invoke fib --report-fuel
expect "an option where the argument should be" 2 "" "error: 'fib' expects 1 argument, got 0"

run run "$FIB" --fuel 1e9 --invoke fib 46 --report-fuel 7
expect "an argument after trailing options" 2 "" "error: unexpected argument '7'"

# ---- without metering nothing changes ----

run run "$FIB" --invoke fib 46
expect "no metering" 0 "$RESULT"
if [ -z "$err" ]; then pass; else fail "no metering" "stderr is not empty"; fi

run --help
expect "help" 0 "*"
if grep -q -- "--fuel N" "$tmp/out" && grep -q -- "--report-fuel" "$tmp/out"; then
    pass
else
    fail "help" "the help does not document --fuel and --report-fuel"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
