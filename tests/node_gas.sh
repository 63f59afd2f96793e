#!/usr/bin/env bash
# Cross-checks `wvm instrument` against another engine: every module it writes validates with
# wabt's wasm-validate and, run under Node's WebAssembly (tests/node/gas.mjs), returns what
# wvm returns while charging exactly wvm's native fuel less the cost model's host entry charge
# (2 under default, 0 under uniform: one call from the host).
#
# Modules: every bench kernel and program (bench/wasm/*.wasm but large.wasm, at its small n
# and export of bench/kernels.txt or bench/programs.txt), and examples/*.wasm where `wvm run`
# links them (the others import host functions: they are skipped, saying which). Each is
# instrumented under both presets with both backends: the import backend's env.gas is a
# JavaScript function summing its BigInt arguments; the global backend starts gas_left at
# 10^18 and the gas is what the call took from it. Then, under Node, a global-backend module
# whose gas runs out traps with `unreachable` and leaves gas_left at 2^64-1, and one given
# exactly its gas does not trap.
#
# Run from the project root after `make`:  tests/node_gas.sh   (WVM=path/to/wvm, NODE=node)
# One line per check; the last line is "N passed, N failed"; exit status 1 on any failure,
# including a missing node or wasm-validate.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WVM=${WVM:-build/wvm}
NODE=${NODE:-node}
GAS_JS=tests/node/gas.mjs
NATIVE_FUEL=1e15
GAS_LIMIT=1000000000000000000 # 10^18: the global backend's start, far above any kernel's gas

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {
    passed=$((passed + 1))
    echo "ok    $1"
}

# bad NAME WHY [FILE]: a failed check, with FILE's contents (a command's output) when given.
bad() {
    failed=$((failed + 1))
    echo "FAIL  $1: $2"
    if [ $# -ge 3 ] && [ -s "$3" ]; then
        head -n 20 "$3" | sed 's/^/      | /'
    fi
}

# ---- prerequisites: fail (not skip) without them; CI installs them ----

missing=""
[ -x "$WVM" ] || missing="$missing $WVM (run 'make')"
command -v wasm-validate >/dev/null 2>&1 || missing="$missing wasm-validate (Debian package wabt)"
if ! command -v "$NODE" >/dev/null 2>&1; then
    missing="$missing node (Debian package nodejs; scripts/install-deps.sh installs it)"
else
    # i64 parameters reach JavaScript as BigInts from Node 15 on (V8's BigInt integration).
    major=$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "${major:-0}" -lt 16 ] 2>/dev/null; then
        missing="$missing node>=16 (found $("$NODE" --version 2>&1))"
    fi
fi
if [ -n "$missing" ]; then
    echo "node_gas.sh: missing:$missing"
    echo "0 passed, 1 failed"
    exit 1
fi

# host_entry MODEL: the model's charge for a call from the host (include/wvm.h,
# wvm_cost_model_host_entry), which injected code cannot see.
host_entry() {
    case $1 in
    default) echo 2 ;;
    uniform) echo 0 ;;
    esac
}

# native FILE MODEL EXPORT ARG...: wvm's result lines and native fuel, into $native_out
# and $native_fuel; false (with a FAIL line) if the run fails.
native() {
    local file=$1 model=$2
    shift 2
    local rc=0
    "$WVM" run "$file" --fuel $NATIVE_FUEL --cost-model "$model" --report-fuel \
        --invoke "$@" >"$tmp/native.out" 2>"$tmp/native.err" || rc=$?
    if [ $rc -ne 0 ]; then
        bad "$label: wvm run" "exit status $rc" "$tmp/native.err"
        return 1
    fi
    native_out=$(cat "$tmp/native.out")
    native_fuel=$(sed -n 's/^fuel consumed: \([0-9]*\), remaining: [0-9]*$/\1/p' "$tmp/native.err")
    if [ -z "$native_out" ] || [ -z "$native_fuel" ]; then
        bad "$label: wvm run" "no result or no fuel report" "$tmp/native.err"
        return 1
    fi
}

# instrument FILE OUT ARG...: `wvm instrument FILE -o OUT ARG...`, then wasm-validate OUT;
# one check line each. False if either fails.
instrument() {
    local file=$1 out=$2
    shift 2
    local rc=0
    "$WVM" instrument "$file" -o "$out" "$@" >"$tmp/instr.out" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
        bad "$label: wvm instrument $*" "exit status $rc" "$tmp/instr.out"
        return 1
    fi
    if ! wasm-validate "$out" >"$tmp/validate.out" 2>&1; then
        bad "$label: wasm-validate" "the instrumented module is invalid" "$tmp/validate.out"
        return 1
    fi
    local sizes
    sizes="$(stat -c %s "$file") -> $(stat -c %s "$out") bytes"
    ok "$label: instrumented ($sizes), wasm-validate accepts it"
}

# field NAME FILE: the value of the line "NAME: VALUE" of gas.mjs's output.
field() {
    sed -n "s/^$1: //p" "$2"
}

# cross_check FILE EXPORT ARG...: the checks above for one call, both models and backends.
cross_check() {
    local file=$1 base
    base=$(basename "$file" .wasm)
    shift
    local model backend
    for model in default uniform; do
        label="$base $* ($model)"
        native "$file" "$model" "$@" || continue
        local entry want_gas
        entry=$(host_entry "$model")
        want_gas=$((native_fuel - entry))
        for backend in import global; do
            label="$base $* ($model, $backend)"
            local out="$tmp/$base.$model.$backend.wasm" extra=()
            [ $backend = global ] && extra=(--gas-limit $GAS_LIMIT)
            instrument "$file" "$out" --cost-model "$model" --backend $backend "${extra[@]}" ||
                continue
            local rc=0
            "$NODE" "$GAS_JS" call "$out" $backend "$@" >"$tmp/node.out" 2>&1 || rc=$?
            if [ $rc -ne 0 ]; then
                bad "$label: node" "exit status $rc" "$tmp/node.out"
                continue
            fi
            local got_out gas
            got_out=$(field result "$tmp/node.out")
            gas=$(field gas "$tmp/node.out")
            if [ "$got_out" != "$native_out" ]; then
                bad "$label: node" "result '$got_out', wvm '$native_out'" "$tmp/node.out"
            elif [ -z "$gas" ] || [ "$gas" != "$want_gas" ]; then
                bad "$label: node" \
                    "gas '$gas' + host entry $entry != wvm's native fuel $native_fuel" \
                    "$tmp/node.out"
            elif [ $backend = global ] &&
                [ "$(field gas_left "$tmp/node.out")" != "$GAS_LIMIT $((GAS_LIMIT - gas))" ]
            then
                bad "$label: node" "gas_left did not start at --gas-limit $GAS_LIMIT" \
                    "$tmp/node.out"
            else
                local how="gas $gas"
                [ $backend = import ] && how="$how in $(field charges "$tmp/node.out") charges"
                ok "$label: node result $got_out, $how + host entry $entry = wvm fuel $native_fuel"
            fi
        done
    done
}

# ---- the bench kernels and programs ----

for file in bench/wasm/*.wasm; do
    [ "$file" = bench/wasm/large.wasm ] && continue # 1.2 MB of generated code: too slow here
    # name module export native-source n(bench) n(check)
    read -r _name _module export _source _n n < \
        <(awk -v m="$file" '$2 == m' bench/kernels.txt bench/programs.txt)
    if [ -z "${n:-}" ]; then
        echo "skip  $file: not in bench/kernels.txt or bench/programs.txt (no export and small n)"
        continue
    fi
    cross_check "$file" "$export" "$n"
    unset n
done

# ---- the examples ----

for file in examples/*.wasm; do
    case $file in
    examples/fib.wasm) cross_check "$file" fib 46 ;;
    examples/math.wasm)
        cross_check "$file" add 40 2
        cross_check "$file" square -12
        ;;
    *)
        # The CLI links nothing, so wvm has no native fuel to compare with: say why.
        why=$("$WVM" run "$file" 2>&1 | head -n 1)
        echo "skip  $file: imports host functions \`wvm run\` cannot provide ($why)"
        ;;
    esac
done

# ---- exhausting gas under the global backend ----

# exhaust MODEL LIMIT WANT: fib(46) instrumented with --gas-limit LIMIT; WANT is "trap" (an
# `unreachable` trap leaving gas_left at 2^64-1) or "exact" (no trap, gas_left 0).
exhaust() {
    local model=$1 limit=$2 want=$3 out="$tmp/fib.exhaust.wasm"
    label="fib 46 ($model, global, --gas-limit $limit)"
    instrument examples/fib.wasm "$out" --cost-model "$model" --backend global \
        --gas-limit "$limit" || return
    local rc=0
    "$NODE" "$GAS_JS" trap "$out" fib 46 >"$tmp/node.out" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
        bad "$label: node" "exit status $rc" "$tmp/node.out"
        return
    fi
    local trap left
    trap=$(field trap "$tmp/node.out")
    left=$(field gas_left "$tmp/node.out")
    if [ "$want" = trap ]; then
        # V8 names the trap of `unreachable` "unreachable" (RuntimeError: unreachable).
        if [[ "$trap" == *unreachable* ]] && [ "$left" = "18446744073709551615 (2^64-1)" ]; then
            ok "$label: node traps ($trap), gas_left = 2^64-1"
        else
            bad "$label: node" "want an unreachable trap and gas_left 2^64-1" "$tmp/node.out"
        fi
    else
        if [ -z "$trap" ] && [ "$(field result "$tmp/node.out")" = -1323752223 ] &&
            [ "$left" = 0 ]; then
            ok "$label: node runs to the end with exactly its gas, gas_left = 0"
        else
            bad "$label: node" "want result -1323752223, no trap, gas_left 0" "$tmp/node.out"
        fi
    fi
}

for model in default uniform; do
    label="fib 46 ($model)"
    native examples/fib.wasm "$model" fib 46 || continue
    gas=$((native_fuel - $(host_entry "$model")))
    exhaust "$model" "$gas" exact
    exhaust "$model" $((gas - 1)) trap
    exhaust "$model" 100 trap
    exhaust "$model" 0 trap
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
