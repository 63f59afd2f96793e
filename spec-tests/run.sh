#!/usr/bin/env bash
# Runs the core WebAssembly spec suite against wvm.
#
#   spec-tests/run.sh [harness options] [NAME|PATH.wast ...]
#
# With no names, runs every top-level *.wast of the suite (core Wasm 2.0, simd_*.wast
# included). NAME is a suite file with or without .wast (`i32`, `br_table.wast`); a path to
# an existing .wast file runs that file. Options starting with '-' go to build/spectest-run
# (-v, -q, -j N, --no-fork, --timeout S, --details N|all, --meter MODE, --cost-model MODEL,
# --instrument import|global, --fuel-log PATH, --roundtrip; see `build/spectest-run --help`).
#
# The suite: $WVM_TESTSUITE if set, else ../shared/testsuite (relative to the project root),
# else a clone of the official suite at the pinned commit into build/testsuite.
# Each .wast is converted by wast2json (default flags) into build/spec-json/<name>/, again
# only when the .wast is newer than its JSON (or comes from another path).
# Environment: BUILD (build directory of spectest-run, default build), WVM_TESTSUITE.
# Exit status: the harness's (0 = every file met spec-tests/expected-failures.txt).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
HARNESS=$BUILD/spectest-run
EXPECTED=$ROOT/spec-tests/expected-failures.txt
JSON_DIR=$ROOT/build/spec-json
CLONE_DIR=$ROOT/build/testsuite
SUITE_URL=https://github.com/WebAssembly/testsuite
SUITE_COMMIT=3a04b2cf93bd8fce277458d419eea8d9c326345c

die() {
    echo "spec-tests/run.sh: $*" >&2
    exit 2
}

# Prints the suite directory, cloning the pinned suite when there is no local copy.
find_suite() {
    if [ -n "${WVM_TESTSUITE:-}" ]; then
        [ -d "$WVM_TESTSUITE" ] || die "WVM_TESTSUITE=$WVM_TESTSUITE is not a directory"
        (cd "$WVM_TESTSUITE" && pwd)
        return
    fi
    if [ -d "$ROOT/../shared/testsuite" ]; then
        (cd "$ROOT/../shared/testsuite" && pwd)
        return
    fi
    if [ -d "$CLONE_DIR/.git" ] &&
        [ "$(git -C "$CLONE_DIR" rev-parse HEAD 2>/dev/null)" = "$SUITE_COMMIT" ]; then
        echo "$CLONE_DIR"
        return
    fi
    command -v git >/dev/null ||
        die "no test suite: WVM_TESTSUITE is unset, $ROOT/../shared/testsuite does not exist and git is not installed to clone $SUITE_URL"
    echo "spec-tests/run.sh: no local suite; cloning $SUITE_URL at $SUITE_COMMIT into $CLONE_DIR" >&2
    mkdir -p "$(dirname "$CLONE_DIR")"
    local tmp
    tmp=$(mktemp -d "$CLONE_DIR.tmp.XXXXXX")
    if ! git clone --quiet "$SUITE_URL" "$tmp" >&2 ||
        ! git -C "$tmp" -c advice.detachedHead=false checkout --quiet "$SUITE_COMMIT" >&2; then
        rm -rf "$tmp"
        die "FAILED to clone $SUITE_URL at commit $SUITE_COMMIT (no network?). Point WVM_TESTSUITE at a copy of the suite (e.g. ../shared/testsuite)."
    fi
    rm -rf "$CLONE_DIR"
    mv "$tmp" "$CLONE_DIR"
    echo "$CLONE_DIR"
}

# Converts $1 (a .wast) into $JSON_DIR/<name>/<name>.json unless that is up to date.
# On failure removes the old output, so the harness reports the file as unreadable.
convert() {
    local wast=$1 name out json tmp
    name=$(basename "$wast" .wast)
    out=$JSON_DIR/$name
    json=$out/$name.json
    if [ -f "$json" ] && [ ! "$wast" -nt "$json" ] &&
        [ "$(cat "$out/.source" 2>/dev/null)" = "$wast" ]; then
        return 0
    fi
    mkdir -p "$JSON_DIR"
    tmp=$(mktemp -d "$JSON_DIR/.$name.XXXXXX")
    if wast2json "$wast" -o "$tmp/$name.json" 2>"$tmp/.stderr"; then
        rm -f "$tmp/.stderr"
        printf '%s\n' "$wast" >"$tmp/.source"
        chmod 755 "$tmp"
        rm -rf "$out"
        mv "$tmp" "$out"
    else
        echo "spec-tests/run.sh: wast2json failed on $wast:" >&2
        cat "$tmp/.stderr" >&2
        rm -rf "$tmp" "$out"
    fi
}

opts=()
names=()
while [ $# -gt 0 ]; do
    case $1 in
    -j | --jobs | --timeout | --details | --meter | --cost-model | --fuel-log | --instrument)
        [ $# -ge 2 ] || die "$1 needs a value"
        opts+=("$1" "$2")
        shift 2
        continue
        ;;
    -*) opts+=("$1") ;;
    *) names+=("$1") ;;
    esac
    shift
done

command -v wast2json >/dev/null || die "wast2json not found: run scripts/install-deps.sh (Debian package wabt)"
[ -x "$HARNESS" ] || die "$HARNESS not found: build it with 'make ${BUILD#"$ROOT"/}/spectest-run'"

SUITE=$(find_suite)
wasts=()
if [ ${#names[@]} -eq 0 ]; then
    shopt -s nullglob
    wasts=("$SUITE"/*.wast)
    shopt -u nullglob
    [ ${#wasts[@]} -gt 0 ] || die "no .wast files in $SUITE"
    opts+=(--full-suite)
else
    for n in "${names[@]}"; do
        if [ -f "$n" ]; then
            wasts+=("$(cd "$(dirname "$n")" && pwd)/$(basename "$n")")
        elif [ -f "$SUITE/${n%.wast}.wast" ]; then
            wasts+=("$SUITE/${n%.wast}.wast")
        else
            die "no such spec file: $n (looked in $SUITE)"
        fi
    done
fi

jsons=()
for w in "${wasts[@]}"; do
    convert "$w"
    name=$(basename "$w" .wast)
    jsons+=("$JSON_DIR/$name/$name.json")
done

exec "$HARNESS" --expected-failures "$EXPECTED" "${opts[@]}" "${jsons[@]}"
