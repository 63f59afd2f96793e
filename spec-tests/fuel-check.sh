#!/usr/bin/env bash
# Proves over the spec suite that every other way of metering charges exactly the fuel native
# metering (one charge per metered block) charges, under one cost model.
#
#   spec-tests/fuel-check.sh PRESET [--against MODE,...] [harness options] [NAME|PATH.wast ...]
#
# PRESET: default, uniform, or a cost-model file (docs/cost-model.md). Runs the suite (or the
# named files) through spec-tests/run.sh with --meter native, then once per MODE, each run
# writing a fuel log to $BUILD/fuel/<preset>-<mode>.log, and compares the native log with
# each other one (build/spectest-run --compare-fuel NATIVE OTHER --compare-label MODE). The
# modes (--against, comma-separated; default all of them):
#   reference   --meter reference: the operator-by-operator counter
#   instrument  --meter instrument: modules instrumented at load, gas bound to the store's fuel
#   import      --instrument import: modules rewritten by wvm_instrument (env.gas import) on
#               an unmetered engine, the harness counting the gas (+ host entries)
#   global      --instrument global: likewise with the gas_left global backend
#   premetered  --meter premetered --instrument import: the import-instrumented modules on a
#               premetered engine, env.gas bound to the store's fuel
# Every invocation that returned normally must have consumed the same fuel in both runs;
# invocations that trapped in both are skipped (a trap in the middle of a metered block
# leaves the rest of the block charged in native mode). Every run must meet
# spec-tests/expected-failures.txt exactly as the unmetered run does.
#
# Harness options go to every run (-v and --details N|all also to the comparisons). The runs
# are listed with -q (only files that fail unexpectedly, then the summary); each comparison
# ends with its "N passed, N failed, N skipped" (passed = same fuel in both modes), and the
# last line is their sum.
# Environment: BUILD (build directory of spectest-run, default build), WVM_TESTSUITE.
# Exit status: 0 when every run passes and every log agrees with native, 1 when not, 2 on
# usage errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
HARNESS=$BUILD/spectest-run
ALL_MODES=reference,instrument,import,global,premetered

die() {
    echo "spec-tests/fuel-check.sh: $*" >&2
    exit 2
}

[ $# -ge 1 ] || die "usage: spec-tests/fuel-check.sh default|uniform|COSTFILE [--against MODE,...] [harness options] [NAME ...]"
PRESET=$1
shift
case $PRESET in
default | uniform) TAG=$PRESET ;;
-*) die "the first argument is the cost model (default, uniform or a file), not $PRESET" ;;
*)
    [ -f "$PRESET" ] || die "no such cost-model file: $PRESET"
    PRESET=$(cd "$(dirname "$PRESET")" && pwd)/$(basename "$PRESET")
    TAG=$(basename "$PRESET")
    TAG=${TAG%.*}
    ;;
esac

# --against is ours; the rest goes to the runs. Options for the comparisons: how many
# mismatches to describe.
against=$ALL_MODES
run_args=()
compare_opts=()
while [ $# -gt 0 ]; do
    case $1 in
    --against)
        [ $# -ge 2 ] || die "--against needs a value"
        against=$2
        shift 2
        continue
        ;;
    --against=*) against=${1#--against=} ;;
    -v | --verbose)
        compare_opts+=(-v)
        run_args+=("$1")
        ;;
    --details)
        compare_opts+=(--details "${2:-}")
        run_args+=("$1" "${2:-}")
        shift
        ;;
    *) run_args+=("$1") ;;
    esac
    shift
done

# The harness options of a mode's run.
mode_options() {
    case $1 in
    native) echo "--meter native" ;;
    reference) echo "--meter reference" ;;
    instrument) echo "--meter instrument" ;;
    import) echo "--instrument import" ;;
    global) echo "--instrument global" ;;
    premetered) echo "--meter premetered --instrument import" ;;
    *) return 1 ;;
    esac
}

[ "$against" = all ] && against=$ALL_MODES
modes=()
IFS=, read -r -a listed <<<"$against"
for mode in ${listed[@]+"${listed[@]}"}; do
    if [ "$mode" = native ] || ! mode_options "$mode" >/dev/null; then
        die "bad --against mode '$mode' (comma-separated: ${ALL_MODES//,/, }, or all)"
    fi
    modes+=("$mode")
done
[ ${#modes[@]} -gt 0 ] || die "--against names no mode"

LOG_DIR=$BUILD/fuel
mkdir -p "$LOG_DIR"
failed_modes=()
for mode in native "${modes[@]}"; do
    log=$LOG_DIR/$TAG-$mode.log
    rm -f "$log"
    read -r -a mode_opts <<<"$(mode_options "$mode")"
    echo "--- spec suite with ${mode_opts[*]} --cost-model $PRESET (fuel log: $log) ---"
    rc=0
    BUILD=$BUILD "$ROOT/spec-tests/run.sh" -q "${mode_opts[@]}" --cost-model "$PRESET" \
        --fuel-log "$log" ${run_args[@]+"${run_args[@]}"} || rc=$?
    [ "$rc" -ne 2 ] || exit 2
    [ "$rc" -eq 0 ] || failed_modes+=("$mode")
done

status=0
total_passed=0 total_failed=0 total_skipped=0
for mode in "${modes[@]}"; do
    echo "--- fuel: native vs $mode metering, cost model $PRESET ---"
    rc=0
    out=$("$HARNESS" --compare-fuel "$LOG_DIR/$TAG-native.log" "$LOG_DIR/$TAG-$mode.log" \
        --compare-label "$mode" ${compare_opts[@]+"${compare_opts[@]}"}) || rc=$?
    printf '%s\n' "$out"
    [ "$rc" -eq 0 ] || status=1
    last=$(printf '%s\n' "$out" | tail -n 1)
    if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        total_passed=$((total_passed + BASH_REMATCH[1]))
        total_failed=$((total_failed + BASH_REMATCH[2]))
        total_skipped=$((total_skipped + BASH_REMATCH[3]))
    fi
done
echo "--- fuel, cost model $PRESET: native vs ${modes[*]} ---"
for mode in ${failed_modes[@]+"${failed_modes[@]}"}; do
    echo "FAILED: the spec suite failed with $(mode_options "$mode") (see above)"
    status=1
done
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$status"
