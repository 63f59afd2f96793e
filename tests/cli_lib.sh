# Shared by the CLI end-to-end tests (cli_fuel.sh, cli_instrument.sh), which source it:
# pass/fail counters, a scratch directory removed on exit, and the run/expect helpers.
# The sourcing script sets WVM first and prints the summary from $passed and $failed.

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: runs $WVM, leaving stdout, stderr and the exit status in $out, $err, $rc.
run() {
    "$WVM" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

pass() {
    passed=$((passed + 1))
}

# fail NAME WHY: records a failure with the last command's output.
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1: $2"
    echo "  exit status: $rc"
    echo "  stdout: $(printf '%s' "$out" | head -c 400)"
    echo "  stderr: $(printf '%s' "$err" | head -c 400)"
}

# expect NAME RC STDOUT STDERR-LINE...: the last run exited with RC, printed exactly STDOUT
# (when not "*") and printed every STDERR-LINE as a whole line of stderr.
expect() {
    local name=$1 want_rc=$2 want_out=$3
    shift 3
    if [ "$rc" != "$want_rc" ]; then
        fail "$name" "exit status $rc, want $want_rc"
        return
    fi
    if [ "$want_out" != "*" ] && [ "$out" != "$want_out" ]; then
        fail "$name" "stdout is not '$want_out'"
        return
    fi
    local line
    for line in "$@"; do
        if ! grep -qxF -- "$line" "$tmp/err"; then
            fail "$name" "stderr lacks the line '$line'"
            return
        fi
    done
    pass
}
