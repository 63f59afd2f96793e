#!/usr/bin/env python3
"""Two or more wvm builds side by side on the benchmark kernels, to decide whether a change
pays (bench/RESULTS.md, "Noise"):

    bench/tools/compare.py [--reps N] [--fuel] [--only NAME[,NAME...]] WVM WVM...

Each round runs every kernel natively (BUILD/bench/native/NAME, which `make bench` builds)
and on each WVM binary, in a rotating order; every run's output must equal the native
checksum. For each kernel it prints the best time of every runtime (the fastest of the
rounds: on a shared host one binary's times can be bimodal, and a median jumps between the
modes) with its ratio to native, the median in parentheses, and then the geometric means of
the best ratios. The programs of bench/programs.txt run too, marked *, outside the geomeans.
--fuel runs wvm with native metering and a huge budget.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from run import BUILD, FUEL, ROOT, geomean, load_manifest  # noqa: E402 (bench/run.py)


def kernels(only):
    """(name, module, export, n, program) of each kernel of bench/kernels.txt and each program
    of bench/programs.txt, those of `only` if set."""
    out = [(k["name"], k["module"], k["export"], str(k["n"]), k["program"])
           for k in load_manifest() if not only or k["name"] in only]
    missing = set(only or ()) - {k[0] for k in out}
    if missing:
        sys.exit(f"compare.py: no such kernel: {', '.join(sorted(missing))}")
    return out


def timed(cmd):
    """Wall-clock seconds and stdout of a run of cmd, which must succeed."""
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"compare.py: {' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    return elapsed, p.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=9, help="rounds (default 9)")
    ap.add_argument("--fuel", action="store_true", help="wvm with native metering")
    ap.add_argument("--only", help="kernels, comma-separated")
    ap.add_argument("wvm", nargs="+", help="wvm binaries to compare")
    args = ap.parse_args()
    if args.reps < 1:
        sys.exit("compare.py: --reps must be at least 1")
    for w in args.wvm:
        if not os.access(w, os.X_OK):
            sys.exit(f"compare.py: {w}: not an executable")
    ks = kernels(args.only.split(",") if args.only else None)
    wvms = [os.path.abspath(w) for w in args.wvm]
    times = {}  # (kernel, runtime index; 0 native) -> seconds of each round
    for rep in range(args.reps):
        for name, module, export, n, _ in ks:
            native = os.path.join(ROOT, BUILD, "bench", "native", name)
            if not os.access(native, os.X_OK):
                sys.exit(f"compare.py: {native}: missing (make bench builds it)")
            cmds = [[native, n]]
            for w in wvms:
                cmds.append([w, "run", module] + (["--fuel", FUEL] if args.fuel else []) +
                            ["--invoke", export, n])
            order = list(range(len(cmds)))
            order = order[rep % len(order):] + order[:rep % len(order)]
            want = None
            for i in order:
                t, out = timed(cmds[i])
                if i == 0:
                    want = out
                times.setdefault((name, i), []).append((t, out))
            for i in range(1, len(cmds)):
                got = times[(name, i)][-1][1]
                if got != want:
                    sys.exit(f"compare.py: {name}: {wvms[i - 1]} returned {got}, native {want}")
    ratios = [[] for _ in wvms]
    print(f"{'kernel':<10} {'native ms':>10} " +
          " ".join(f"{'wvm' + str(j + 1) + ' ms (median)':>26}" for j in range(len(wvms))))
    for name, _, _, _, program in ks:
        nat = [t for t, _ in times[(name, 0)]]
        row = f"{name + ('*' if program else ''):<10} {min(nat) * 1000:10.1f} "
        for j in range(len(wvms)):
            v = [t for t, _ in times[(name, j + 1)]]
            ratio = min(v) / min(nat)
            if not program:
                ratios[j].append(ratio)
            row += f"{min(v) * 1000:9.1f} {ratio:6.2f}x ({statistics.median(v) * 1000:6.1f}) "
        print(row.rstrip())
    print("geomean of best ratios (kernels; * a program, not in it): " +
          "  ".join(f"wvm{j + 1} {geomean(r):.3f}x" for j, r in enumerate(ratios) if r))
    for j, w in enumerate(args.wvm):
        print(f"wvm{j + 1}: {w}")


if __name__ == "__main__":
    main()
