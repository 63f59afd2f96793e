#!/usr/bin/env bash
# End-to-end tests of `wvm instrument` and of the metering modes that run instrumented code,
# `wvm run --meter instrument` and `--meter premetered` (also chosen by --fuel alone for a
# module that imports a gas function). Run from the project root after `make`:
#     tests/cli_instrument.sh        (WVM=path/to/wvm to test another build)
# Needs wabt's wasm-validate, wasm-objdump and wat2wasm. The last line is "N passed, N failed";
# the exit status is 1 when anything failed.
#
# Expected numbers (examples/fib.wat): fib(46) = -1323752223 costing 612 fuel under the default
# cost model and 614 under uniform. The default model charges 2 more per call from the host
# (wvm_cost_model_host_entry), which injected code cannot see: the instrumented fib charges
# 610 gas under default and 614 under uniform, and a premetered run adds the host entry charge
# of the run's own cost model (2 under default, 0 under uniform).
set -u

WVM=${WVM:-build/wvm}
FIB=examples/fib.wasm
RESULT=-1323752223

# shellcheck source=tests/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"

# expect_err NAME REGEX: some line of the last run's stderr matches REGEX (grep -E).
expect_err() {
    if grep -qE -- "$2" "$tmp/err"; then
        pass
    else
        fail "$1" "no line of stderr matches '$2'"
    fi
}

# check NAME COMMAND...: COMMAND succeeds (its output is shown when it does not).
check() {
    local name=$1
    shift
    if "$@" >"$tmp/check" 2>&1; then
        pass
    else
        rc=$?
        out=$(cat "$tmp/check")
        err=""
        fail "$name" "'$*' failed"
    fi
}

# exports FILE: FILE's exports, one per line, as wasm-objdump prints them
# (" - global[1] -> "gas_left"").
exports() {
    wasm-objdump -x -j Export "$1" 2>/dev/null | grep -- ' -> '
}

# imports FILE: FILE's imports (" - func[0] sig=1 <- env.gas").
imports() {
    wasm-objdump -x -j Import "$1" 2>/dev/null | grep -- ' <- '
}

for tool in wasm-validate wasm-objdump wat2wasm; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "cli_instrument.sh: $tool missing (Debian package wabt; scripts/install-deps.sh)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
if [ ! -x "$WVM" ] || [ ! -f "$FIB" ]; then
    echo "cli_instrument.sh: $WVM or $FIB missing (run 'make' in the project root first)"
    echo "0 passed, 1 failed"
    exit 1
fi

# ---- instrumenting fib, import backend ----

umask 022
run instrument "$FIB" -o "$tmp/fib_metered.wasm" --cost-model uniform
expect "instrument (uniform)" 0 ""
[ -z "$err" ] && pass || fail "instrument (uniform)" "stderr is not empty"
check "uniform output validates" wasm-validate "$tmp/fib_metered.wasm"
if imports "$tmp/fib_metered.wasm" | grep -qF '<- env.gas'; then
    pass
else
    fail "uniform output imports env.gas" "$(imports "$tmp/fib_metered.wasm")"
fi
# Written through a temporary file renamed over OUT, with the usual permissions.
if [ "$(stat -c %a "$tmp/fib_metered.wasm")" = 644 ]; then
    pass
else
    fail "output permissions" "mode $(stat -c %a "$tmp/fib_metered.wasm"), want 644 (umask 022)"
fi
leftovers=$(find "$tmp" -name '*.tmp.*')
[ -z "$leftovers" ] && pass || fail "no temporary file left" "$leftovers"

run instrument "$FIB" -o "$tmp/fib_default.wasm"
expect "instrument (default)" 0 ""
check "default output validates" wasm-validate "$tmp/fib_default.wasm"

# --fuel alone runs a module importing env.gas pre-metered: its gas plus the run's host entry.
run run "$tmp/fib_metered.wasm" --fuel 1e9 --cost-model uniform --invoke fib 46 --report-fuel
expect "premetered (auto), uniform" 0 "$RESULT" "fuel consumed: 614, remaining: 999999386"

run run "$tmp/fib_metered.wasm" --fuel 1e9 --invoke fib 46 --report-fuel
expect "premetered (auto), uniform gas + default host entry" 0 "$RESULT" \
    "fuel consumed: 616, remaining: 999999384"

run run "$tmp/fib_default.wasm" --fuel 1e9 --invoke fib 46 --report-fuel
expect "premetered (auto), default" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

run run "$tmp/fib_default.wasm" --fuel 1e9 --meter premetered --invoke fib 46 --report-fuel
expect "premetered (explicit), default" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

run run "$tmp/fib_metered.wasm" --meter premetered --fuel 1e9 --cost-model uniform \
    --report-fuel --invoke fib 46
expect "premetered (explicit), uniform" 0 "$RESULT" "fuel consumed: 614, remaining: 999999386"

# Exactly enough, and one short.
run run "$tmp/fib_default.wasm" --fuel 612 --invoke fib 46 --report-fuel
expect "premetered, exactly enough" 0 "$RESULT" "fuel consumed: 612, remaining: 0"
run run "$tmp/fib_default.wasm" --fuel 611 --invoke fib 46 --report-fuel
expect "premetered, one short" 1 ""
expect_err "premetered, one short: trap" "^error: trap: out of fuel"
if tail -n 1 "$tmp/err" | grep -qE "^fuel consumed: [0-9]+, remaining: [0-9]+$"; then
    pass
else
    fail "premetered, one short: report last" "the last line is not the fuel report"
fi

# ---- --meter instrument: the same fuel as native ----

for model in default uniform; do
    want=612
    [ $model = uniform ] && want=614
    run run "$FIB" --fuel 1e9 --meter instrument --cost-model $model --invoke fib 46 --report-fuel
    expect "--meter instrument ($model)" 0 "$RESULT" \
        "fuel consumed: $want, remaining: $((1000000000 - want))"
    run run "$FIB" --fuel 1e9 --meter native --cost-model $model --invoke fib 46 --report-fuel
    expect "--meter native ($model)" 0 "$RESULT" \
        "fuel consumed: $want, remaining: $((1000000000 - want))"
    run run "$FIB" --fuel $want --meter instrument --cost-model $model --invoke fib 46 \
        --report-fuel
    expect "--meter instrument ($model), exactly enough" 0 "$RESULT" \
        "fuel consumed: $want, remaining: 0"
    run run "$FIB" --fuel $((want - 1)) --meter instrument --cost-model $model --invoke fib 46
    expect "--meter instrument ($model), one short" 1 ""
    expect_err "--meter instrument ($model), one short: trap" "^error: trap: out of fuel"
done

# Every bench kernel and program at its small n (bench/kernels.txt, bench/programs.txt): native
# fuel = --meter instrument fuel = the fuel of its import-backend instrumentation run
# pre-metered, results identical.
while read -r name module export _source _n n; do
    case $name in '#'* | '') continue ;; esac
    for model in default uniform; do
        what="$name($n), $model"
        run run "$module" --fuel 1e15 --cost-model $model --report-fuel --invoke "$export" "$n"
        expect "$what: native" 0 "*"
        native_out=$out
        native_report=$(grep '^fuel consumed: ' "$tmp/err")
        run run "$module" --fuel 1e15 --cost-model $model --meter instrument --report-fuel \
            --invoke "$export" "$n"
        expect "$what: --meter instrument" 0 "$native_out" "$native_report"
        run instrument "$module" -o "$tmp/$name.$model.wasm" --cost-model $model
        expect "$what: instrument" 0 ""
        run run "$tmp/$name.$model.wasm" --fuel 1e15 --cost-model $model --report-fuel \
            --invoke "$export" "$n"
        expect "$what: premetered" 0 "$native_out" "$native_report"
    done
done < <(cat bench/kernels.txt bench/programs.txt)

# ---- pre-metered modules in the other modes ----

run run "$tmp/fib_default.wasm" --fuel 1e9 --meter native --invoke fib 46
expect "--meter native on a premetered module" 2 ""
expect_err "--meter native on a premetered module: error" '^error: unknown import: "env" "gas"'
expect_err "--meter native on a premetered module: hint" \
    "^note: env\.gas is the gas import of a pre-metered module .*use --meter premetered"

run run "$tmp/fib_default.wasm" --fuel 1e9 --meter reference --invoke fib 46
expect "--meter reference on a premetered module" 2 ""
expect_err "--meter reference on a premetered module: hint" \
    "^note: env\.gas is .*use --meter premetered instead of --meter reference"

run run "$tmp/fib_default.wasm" --invoke fib 46
expect "no --fuel on a premetered module" 2 ""
expect_err "no --fuel on a premetered module: hint" "^note: env\.gas is .*run it with --fuel N"

# Already metered: injecting a second meter is refused (the load fails, nothing runs).
run run "$tmp/fib_default.wasm" --fuel 1e9 --meter instrument --invoke fib 46 --report-fuel
expect "--meter instrument on a premetered module" 2 ""
expect_err "--meter instrument on a premetered module: error" '^error: .*"env" "gas"'
expect_err "--meter instrument on a premetered module: hint" \
    "^note: the module is pre-metered .*run it with --meter premetered"

# A module without a gas import cannot run pre-metered.
run run "$FIB" --fuel 1e9 --meter premetered --invoke fib 46
expect "--meter premetered without a gas import" 2 ""
expect_err "--meter premetered without a gas import: error" "^error: .*gas"
expect_err "--meter premetered without a gas import: hint" \
    "^note: the module imports no gas function: run it with --meter native"
# A malformed module gets the loader's error and no hint.
printf 'not wasm' >"$tmp/garbage.wasm"
run run "$tmp/garbage.wasm" --fuel 1e9 --meter premetered
expect "--meter premetered, malformed module" 2 "" \
    "error: magic header not detected at offset 0x0"
if grep -q '^note:' "$tmp/err"; then fail "malformed: no hint" "a note was printed"; else pass; fi

# Without --fuel, an ordinary module is not affected, and one importing something else gets
# no hint.
run run examples/errors.wasm --fuel 1e9 --invoke outer 1
expect "other import" 2 ""
if grep -q '^note:' "$tmp/err"; then
    fail "other import: no hint" "a note was printed"
else
    pass
fi

# ---- other gas imports ----

# metering.usegas (i64) is the other import premetered mode recognizes.
run instrument "$FIB" -o "$tmp/fib_usegas.wasm" --gas-import metering.usegas
expect "--gas-import metering.usegas" 0 ""
if imports "$tmp/fib_usegas.wasm" | grep -qF '<- metering.usegas'; then
    pass
else
    fail "--gas-import metering.usegas: import" "$(imports "$tmp/fib_usegas.wasm")"
fi
run run "$tmp/fib_usegas.wasm" --fuel 1e9 --invoke fib 46 --report-fuel
expect "metering.usegas runs premetered" 0 "$RESULT" "fuel consumed: 612, remaining: 999999388"

# A name split at the first '.'; one premetered mode does not know is an ordinary import.
run instrument "$FIB" -o "$tmp/fib_custom.wasm" --gas-import my.gas.meter
expect "--gas-import my.gas.meter" 0 ""
check "--gas-import my.gas.meter validates" wasm-validate "$tmp/fib_custom.wasm"
if imports "$tmp/fib_custom.wasm" | grep -qF '<- my.gas.meter'; then
    pass
else
    fail "--gas-import my.gas.meter: import" "$(imports "$tmp/fib_custom.wasm")"
fi
run run "$tmp/fib_custom.wasm" --fuel 1e9 --invoke fib 46
expect "an unknown gas import is unlinkable" 2 ""
expect_err "an unknown gas import is unlinkable: error" '^error: unknown import: "my" "gas.meter"'

# A module metered by another instrumenter, with metering.usegas (param i32): --fuel alone
# binds it too, and charges its arguments plus the host entry (2 under default).
cat >"$tmp/usegas.wat" <<'EOF'
(module
  (import "metering" "usegas" (func $usegas (param i32)))
  (func (export "run") (result i32)
    (call $usegas (i32.const 10))
    (call $usegas (i32.const 5))
    (i32.const 7)))
EOF
if wat2wasm "$tmp/usegas.wat" -o "$tmp/usegas.wasm" >"$tmp/err" 2>&1; then
    run run "$tmp/usegas.wasm" --fuel 1000 --invoke run --report-fuel
    expect "external usegas (i32), default" 0 7 "fuel consumed: 17, remaining: 983"
    run run "$tmp/usegas.wasm" --fuel 1000 --cost-model uniform --invoke run --report-fuel
    expect "external usegas (i32), uniform" 0 7 "fuel consumed: 15, remaining: 985"
    run run "$tmp/usegas.wasm" --fuel 16 --invoke run --report-fuel
    expect "external usegas (i32), one short" 1 ""
    expect_err "external usegas (i32), one short: trap" "^error: trap: out of fuel"
else
    rc="(wat2wasm)" out="" err=$(cat "$tmp/err")
    fail "external usegas (i32)" "wat2wasm failed"
fi

# ---- global backend ----

run instrument "$FIB" -o "$tmp/fib_global.wasm" --backend global --gas-limit 1e9
expect "--backend global" 0 ""
check "global output validates" wasm-validate "$tmp/fib_global.wasm"
if exports "$tmp/fib_global.wasm" | grep -qE 'global\[[0-9]+\] -> "gas_left"$'; then
    pass
else
    fail "global output exports gas_left" "$(exports "$tmp/fib_global.wasm")"
fi
if [ -z "$(imports "$tmp/fib_global.wasm")" ]; then
    pass
else
    fail "global output imports nothing" "$(imports "$tmp/fib_global.wasm")"
fi
# It meters itself: runs on wvm unmetered, and traps (unreachable) when out of gas.
run run "$tmp/fib_global.wasm" --invoke fib 46
expect "global backend runs" 0 "$RESULT"
run run "$tmp/fib_global.wasm" --fuel 1e9 --invoke fib 46 --report-fuel
expect "global backend, natively metered (instrumentation costs fuel too)" 0 "$RESULT"

run instrument "$FIB" -o "$tmp/fib_g610.wasm" --backend global --gas-limit 610
run run "$tmp/fib_g610.wasm" --invoke fib 46
expect "global backend, exactly enough gas (610)" 0 "$RESULT"
run instrument "$FIB" -o "$tmp/fib_g609.wasm" --backend global --gas-limit=609
run run "$tmp/fib_g609.wasm" --invoke fib 46
expect "global backend, one short (609)" 1 ""
expect_err "global backend, one short: unreachable" "^error: trap: .*unreachable"
run instrument "$FIB" -o "$tmp/fib_g0.wasm" --backend global
run run "$tmp/fib_g0.wasm" --invoke fib 46
expect "global backend, no --gas-limit starts at 0" 1 ""

run instrument "$FIB" -o "$tmp/fib_fuelglobal.wasm" --backend global --gas-global fuel \
    --gas-limit 1_000_000 --cost-model uniform
expect "--gas-global fuel" 0 ""
if exports "$tmp/fib_fuelglobal.wasm" | grep -qE 'global\[[0-9]+\] -> "fuel"$'; then
    pass
else
    fail "--gas-global fuel: export" "$(exports "$tmp/fib_fuelglobal.wasm")"
fi

# Global output instrumented again: gas_left is taken.
run instrument "$tmp/fib_global.wasm" -o "$tmp/twice.wasm" --backend global
expect "global twice: refused" 2 ""
expect_err "global twice: message" "^error: .*gas_left"
[ ! -e "$tmp/twice.wasm" ] && pass || fail "global twice: no output" "$tmp/twice.wasm exists"

# ---- cost files ----

printf 'i32.add 3   # 46 additions, 2 more each\n' >"$tmp/add3.txt"
run instrument "$FIB" -o "$tmp/fib_add3.wasm" --cost-model "$tmp/add3.txt"
expect "instrument with a cost file" 0 ""
run run "$tmp/fib_add3.wasm" --fuel 1e9 --cost-model "$tmp/add3.txt" --invoke fib 46 \
    --report-fuel
expect "cost file: premetered fuel = native fuel" 0 "$RESULT" \
    "fuel consumed: 704, remaining: 999999296"

printf 'base default\ni32.ad 3\n' >"$tmp/bad.txt"
run instrument "$FIB" -o "$tmp/fib_bad.wasm" --cost-model "$tmp/bad.txt"
expect "bad cost file" 2 ""
expect_err "bad cost file: message" "^error: --cost-model: $tmp/bad.txt:2: .*i32\.ad"
[ ! -e "$tmp/fib_bad.wasm" ] && pass || fail "bad cost file: no output" "the output exists"

# ---- errors: exit 2, a precise message, OUT untouched ----

run instrument "$FIB"
expect "missing -o" 2 "" "error: missing -o OUT.wasm (the instrumented module's path)"
expect_err "missing -o: usage" "^usage: wvm run"

run instrument -o "$tmp/x.wasm"
expect "missing FILE" 2 "" "error: missing FILE operand"

run instrument "$tmp/none.wasm" -o "$tmp/none_out.wasm"
expect "missing input file" 2 "" \
    "error: cannot read $tmp/none.wasm: No such file or directory"
[ ! -e "$tmp/none_out.wasm" ] && pass || fail "missing input file: no output" "the output exists"

run instrument "$FIB" -o "$tmp/x.wasm" --backend jit
expect "bad backend" 2 "" "error: --backend: unknown backend 'jit' (expected import or global)"

run instrument "$FIB" -o "$tmp/x.wasm" --gas-import envgas
expect "bad --gas-import (no dot)" 2 "" "error: --gas-import: 'envgas' has no '.' between \
the module and the function name (expected MODULE.NAME, e.g. env.gas)"
run instrument "$FIB" -o "$tmp/x.wasm" --gas-import .gas
expect "bad --gas-import (no module)" 2 "" \
    "error: --gas-import: '.gas' has an empty module name (expected MODULE.NAME, e.g. env.gas)"
run instrument "$FIB" -o "$tmp/x.wasm" --gas-import env.
expect "bad --gas-import (no name)" 2 "" \
    "error: --gas-import: 'env.' has an empty function name (expected MODULE.NAME, e.g. env.gas)"
run instrument "$FIB" -o "$tmp/x.wasm" --backend global --gas-import env.gas
expect "--gas-import with the global backend" 2 "" \
    "error: --gas-import needs --backend import (the global backend imports nothing)"
run instrument "$FIB" -o "$tmp/x.wasm" --gas-limit 1e9
expect "--gas-limit with the import backend" 2 "" \
    "error: --gas-limit needs --backend global (the import backend has no gas global)"
run instrument "$FIB" -o "$tmp/x.wasm" --gas-global g
expect "--gas-global with the import backend" 2 "" \
    "error: --gas-global needs --backend global (the import backend has no gas global)"
run instrument "$FIB" -o "$tmp/x.wasm" --backend global --gas-limit 1.5
expect "bad --gas-limit" 2 "" "error: --gas-limit: '1.5' is not a whole number"
run instrument "$FIB" -o "$tmp/x.wasm" -o "$tmp/y.wasm"
expect "-o twice" 2 "" "error: option -o given more than once"
run instrument "$FIB" -o "$tmp/x.wasm" --fuel 10
expect "run's options are not instrument's" 2 "" "error: unknown option '--fuel'"
[ ! -e "$tmp/x.wasm" ] && pass || fail "usage errors: no output" "$tmp/x.wasm exists"

# A module that already imports env.gas is refused: it is metered already (or would call the
# meter itself). OUT, if it exists, keeps its contents.
cp "$FIB" "$tmp/keep.wasm"
run instrument "$tmp/fib_default.wasm" -o "$tmp/keep.wasm"
expect "already instrumented: refused" 2 ""
expect_err "already instrumented: message" '^error: .*env.*gas'
cmp -s "$FIB" "$tmp/keep.wasm" && pass || fail "already instrumented: OUT untouched" "changed"

printf 'not wasm' >"$tmp/garbage.wasm"
run instrument "$tmp/garbage.wasm" -o "$tmp/keep.wasm"
expect "malformed input" 2 ""
expect_err "malformed input: message with offset" "^error: .* at offset 0x[0-9a-f]+"
cmp -s "$FIB" "$tmp/keep.wasm" && pass || fail "malformed input: OUT untouched" "changed"

run instrument "$FIB" -o "$tmp/no/such/dir/out.wasm"
expect "unwritable output" 2 "" \
    "error: cannot write $tmp/no/such/dir/out.wasm: No such file or directory"
mkdir "$tmp/adir"
run instrument "$FIB" -o "$tmp/adir"
expect "output is a directory" 2 ""
expect_err "output is a directory: message" "^error: cannot write $tmp/adir: "
leftovers=$(find "$tmp" -name '*.tmp.*')
[ -z "$leftovers" ] && pass || fail "failed writes leave no temporary file" "$leftovers"

# Replacing an existing file, and writing to a device in place (not renamed over it).
run instrument "$FIB" -o "$tmp/keep.wasm"
expect "replace an existing OUT" 0 ""
cmp -s "$tmp/keep.wasm" "$tmp/fib_default.wasm" && pass ||
    fail "replace an existing OUT: contents" "differs from a fresh instrumentation"
run instrument "$FIB" -o /dev/null
expect "-o /dev/null" 0 ""
[ -c /dev/null ] && pass || fail "-o /dev/null" "/dev/null is no longer a character device"

# ---- help ----

run --help
expect "help" 0 "*"
if grep -q -- "wvm instrument" "$tmp/out" && grep -q -- "--gas-import MODULE.NAME" "$tmp/out" &&
    grep -q -- "premetered" "$tmp/out"; then
    pass
else
    fail "help" "the help does not document instrument, --gas-import and premetered"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
