#!/usr/bin/env bash
# Proves over the spec suite that native fuel metering (one charge per metered block) charges
# exactly what the operator-by-operator reference counter charges, under one cost model.
#
#   spec-tests/fuel-check.sh PRESET [harness options] [NAME|PATH.wast ...]
#
# PRESET: default, uniform, or a cost-model file (docs/cost-model.md). Runs the suite (or the
# named files) twice through spec-tests/run.sh, with --meter native and with --meter
# reference, each writing a fuel log to $BUILD/fuel/<preset>-<mode>.log, then compares the two
# logs (build/spectest-run --compare-fuel): every invocation that returned normally must have
# consumed the same fuel in both runs; invocations that trapped in both are skipped (a trap in
# the middle of a metered block leaves the rest of the block charged in native mode).
# Both runs must meet spec-tests/expected-failures.txt exactly as the unmetered run does.
#
# Harness options go to both runs (-v and --details N|all also to the comparison). The runs
# are listed with -q (only files that fail unexpectedly, then the summary); the last line is
# the comparison's "N passed, N failed, N skipped" (passed = same fuel in both modes).
# Environment: BUILD (build directory of spectest-run, default build), WVM_TESTSUITE.
# Exit status: 0 when both runs pass and the logs agree, 1 when not, 2 on usage errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
HARNESS=$BUILD/spectest-run

die() {
    echo "spec-tests/fuel-check.sh: $*" >&2
    exit 2
}

[ $# -ge 1 ] || die "usage: spec-tests/fuel-check.sh default|uniform|COSTFILE [harness options] [NAME ...]"
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

# Options for the comparison (how many mismatches to describe).
compare_opts=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case ${args[i]} in
    -v | --verbose) compare_opts+=(-v) ;;
    --details) compare_opts+=(--details "${args[i + 1]:-}") ;;
    esac
done

LOG_DIR=$BUILD/fuel
mkdir -p "$LOG_DIR"
failed_modes=()
for mode in native reference; do
    log=$LOG_DIR/$TAG-$mode.log
    rm -f "$log"
    echo "--- spec suite with --meter $mode --cost-model $PRESET (fuel log: $log) ---"
    rc=0
    BUILD=$BUILD "$ROOT/spec-tests/run.sh" -q --meter "$mode" --cost-model "$PRESET" \
        --fuel-log "$log" "$@" || rc=$?
    [ "$rc" -ne 2 ] || exit 2
    [ "$rc" -eq 0 ] || failed_modes+=("$mode")
done

echo "--- fuel: native vs reference metering, cost model $PRESET ---"
status=0
for mode in ${failed_modes[@]+"${failed_modes[@]}"}; do
    echo "FAILED: the spec suite failed with --meter $mode (see above)"
    status=1
done
rc=0
"$HARNESS" --compare-fuel "$LOG_DIR/$TAG-native.log" "$LOG_DIR/$TAG-reference.log" \
    ${compare_opts[@]+"${compare_opts[@]}"} || rc=$?
[ "$rc" -eq 0 ] || status=1
exit "$status"
