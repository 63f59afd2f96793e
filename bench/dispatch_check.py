#!/usr/bin/env python3
"""`make dispatch-check`: the interpreter's dispatches on every kernel and program, held to
bench/dispatches.txt.

    bench/dispatch_check.py [--update] WVM

WVM is a build with -DVM_COUNT_DISPATCHES (vm/profile.h), which prints how many dispatches
(indirect jumps between handlers) a run made. Each kernel of bench/kernels.txt and program of
bench/programs.txt runs at its check size, unmetered, with native metering and with in-VM
instrumentation. These counts are one of the two things the benchmark's time goes with (the
other: the loads a new pc waits for after a branch or a call; docs/DESIGN.md, Dispatch), and
they depend only on the program, its input and wvm's translation: not on the machine, the C
compiler or the load. So they can be checked exactly, where times cannot be checked at all.

Any difference from the file fails the check, naming the run and both counts: more
dispatches is a regression of the translator or the pairs; fewer is an improvement, to be
recorded with `--update` (`make dispatch-update`) in the same commit. The last line is
`N passed, N failed`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

from run import FUEL, ROOT, load_manifest

RECORD = os.path.join(ROOT, "bench", "dispatches.txt")
MODES = (("unmetered", []), ("metered", ["--fuel", FUEL]),
         ("instrumented", ["--fuel", FUEL, "--meter", "instrument"]))
HEADER = """\
# The interpreter's dispatches on each kernel and program at its check size (bench/kernels.txt,
# bench/programs.txt), counted by a -DVM_COUNT_DISPATCHES build: unmetered, with native
# metering, and with in-VM instrumentation (--meter instrument). Written by
# `make dispatch-update` (bench/dispatch_check.py --update); `make dispatch-check` fails on
# any difference. Exact: the counts depend on the program, its input and wvm's translation
# alone.
# name        n   unmetered     metered  instrumented
"""


def count(wvm, entry, args):
    """The dispatches of one run of entry at its check size, with the extra args."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".txt") as out:
        env = dict(os.environ, WVM_PROFILE_OUT=out.name)
        cmd = [wvm, "run", entry["module"], *args, "--invoke", entry["export"],
               str(entry["n_check"])]
        try:
            p = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            sys.exit(f"dispatch-check: {' '.join(cmd)}: did not end within 600 s")
        if p.returncode != 0:
            sys.exit(f"dispatch-check: {' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
        text = out.read().split()
        if len(text) != 2 or text[0] != "dispatches:":
            sys.exit(f"dispatch-check: {wvm} printed no dispatch count: is it built with "
                     "-DVM_COUNT_DISPATCHES?")
        return int(text[1])


def load_record():
    """{name: (n, [counts by mode])} from bench/dispatches.txt."""
    record = {}
    if not os.path.exists(RECORD):
        sys.exit("dispatch-check: bench/dispatches.txt is missing (make dispatch-update)")
    with open(RECORD) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) < 2 or not all(x.isdigit() for x in fields[1:]):
                sys.exit(f"dispatch-check: bench/dispatches.txt:{lineno}: not `name n counts...`"
                         " (make dispatch-update)")
            name, n, *counts = fields
            record[name] = (int(n), [int(c) for c in counts])
    return record


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="rewrite bench/dispatches.txt")
    ap.add_argument("wvm", help="a wvm built with -DVM_COUNT_DISPATCHES")
    args = ap.parse_args()
    wvm = os.path.abspath(args.wvm)
    if not os.access(wvm, os.X_OK):
        sys.exit(f"dispatch-check: {args.wvm}: not an executable (make dispatch-check builds it)")
    entries = load_manifest()
    measured = {e["name"]: [count(wvm, e, m_args) for _, m_args in MODES] for e in entries}

    if args.update:
        with open(RECORD, "w") as f:
            f.write(HEADER)
            for e in entries:
                f.write("%-10s %5d %11d %11d %13d\n" % (e["name"], e["n_check"],
                                                        *measured[e["name"]]))
        print(f"dispatch-check: wrote {os.path.relpath(RECORD, ROOT)}")
        return

    record = load_record()
    passed = failed = 0
    for e in entries:
        name = e["name"]
        want_n, want = record.get(name, (None, None))
        if want is None or want_n != e["n_check"] or len(want) != len(MODES):
            failed += 1
            print(f"FAIL {name}: not in bench/dispatches.txt at n = {e['n_check']} "
                  "(make dispatch-update)")
            continue
        for (mode, _), got, expected in zip(MODES, measured[name], want):
            if got == expected:
                passed += 1
                continue
            failed += 1
            change = (got - expected) / expected * 100 if expected else float("inf")
            what = "more: a regression?" if got > expected else \
                "fewer: record them with make dispatch-update"
            print(f"FAIL {name} ({mode}, n={e['n_check']}): {got} dispatches, recorded "
                  f"{expected} ({change:+.2f} %, {what})")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
