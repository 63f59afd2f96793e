#!/usr/bin/env python3
"""`make bench`: the benchmark suite (bench/kernels.txt) on every runtime, side by side.

Each round runs every kernel once on every runtime, in a rotating order, for --reps rounds
(interleaved, so that a burst of load from elsewhere hits all runtimes alike); the reported
time is the median wall-clock time of a whole process (start, load, run, exit). Runtimes:
the kernel's native build (gcc -O2), wvm unmetered, wvm with native metering and a huge fuel
budget, wvm with in-VM instrumentation (--meter instrument), and wabt's spectest-interp (the
interpreter of wasm-interp, driven by a generated JSON script since wasm-interp cannot pass
arguments). Every run's checksum must equal the native one: a mismatch, trap or error is
reported and makes the run fail (exit 1). The programs of bench/programs.txt run the same
way, in rows of their own outside the geometric means.

Then: load time of bench/wasm/large.wasm (decode + validate + translate, MB/s of its code
section), translated code size per byte of Wasm code, and peak memory (max RSS) per runtime.

--callgrind counts instructions instead (valgrind --tool=callgrind, one run each of native,
wvm, wvm metered and wvm instrumented; no wasm-interp): exact and immune to the machine's
load, but ~50x slower, so use it with --only and/or --scale.

Options: --reps N (default 5), --only NAME[,NAME...], --no-interp, --scale F (multiplies
every n; fib_rec, being exponential, gets log1.6 of it added instead), --callgrind.
Environment: BUILD (default build).
"""
import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
FUEL = "1000000000000000000"
RUNTIMES = ["native", "wvm", "wvm_fuel", "wvm_instr", "interp"]
LABELS = {"native": "native", "wvm": "wvm", "wvm_fuel": "wvm+fuel", "wvm_instr": "wvm+instr",
          "interp": "wasm-interp"}


def load_manifest():
    """The kernels of bench/kernels.txt, then the programs of bench/programs.txt ("program":
    True: reported beside the kernels, not in their geometric means)."""
    entries = []
    for manifest, program in (("kernels.txt", False), ("programs.txt", True)):
        with open(os.path.join(ROOT, "bench", manifest)) as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                name, module, export, source, n_bench, n_check = line.split()
                entries.append({"name": name, "module": module, "export": export,
                                "source": source, "n": int(n_bench), "n_check": int(n_check),
                                "program": program})
    return entries


def result_type(module_path, export):
    """The result type (i32 or i64) of an exported function, from wasm2wat-free parsing of
    the type, function and export sections."""
    data = open(module_path, "rb").read()

    def leb(pos):
        result = shift = 0
        while True:
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result, pos

    types, funcs, nimported = [], [], 0
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(pos + 1)
        end = pos + size
        if sid == 1:
            count, p = leb(pos)
            for _ in range(count):
                nparams, p = leb(p + 1)
                p += nparams
                nresults, p = leb(p)
                types.append(data[p:p + nresults])
                p += nresults
        elif sid == 2:
            count, p = leb(pos)
            for _ in range(count):
                for _ in range(2):
                    ln, p = leb(p)
                    p += ln
                kind = data[p]
                p += 1
                if kind == 0:
                    nimported += 1
                    _, p = leb(p)
                elif kind == 1:
                    p += 1
                    flags, p = leb(p)
                    _, p = leb(p)
                    if flags & 1:
                        _, p = leb(p)
                elif kind == 2:
                    flags, p = leb(p)
                    _, p = leb(p)
                    if flags & 1:
                        _, p = leb(p)
                else:
                    p += 2
        elif sid == 3:
            count, p = leb(pos)
            for _ in range(count):
                t, p = leb(p)
                funcs.append(t)
        elif sid == 7:
            count, p = leb(pos)
            for _ in range(count):
                ln, p = leb(p)
                name = data[p:p + ln].decode()
                p += ln
                kind = data[p]
                index, p = leb(p + 1)
                if name == export and kind == 0:
                    results = types[funcs[index - nimported]]
                    return {0x7F: "i32", 0x7E: "i64"}[results[0]]
        pos = end
    raise SystemExit(f"error: {module_path} exports no function {export}")


def signed(value, bits):
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def commands(k, n, outdir):
    """The command line of each runtime for kernel k at size n."""
    module = os.path.join(ROOT, k["module"])
    wvm = os.path.join(ROOT, BUILD, "wvm")
    cmds = {
        "native": [os.path.join(ROOT, BUILD, "bench", "native", k["name"]), str(n)],
        "wvm": [wvm, "run", module, "--invoke", k["export"], str(n)],
        "wvm_fuel": [wvm, "run", module, "--fuel", FUEL, "--invoke", k["export"], str(n)],
        "wvm_instr": [wvm, "run", module, "--fuel", FUEL, "--meter", "instrument", "--invoke",
                      k["export"], str(n)],
    }
    script = {"source_filename": k["name"] + ".wast", "commands": [
        # spectest-interp resolves the module relative to the script.
        {"type": "module", "line": 1, "filename": os.path.relpath(module, outdir)},
        {"type": "action", "line": 2, "action": {
            "type": "invoke", "field": k["export"],
            "args": [{"type": "i32", "value": str(n & 0xFFFFFFFF)}]},
         "expected": [{"type": k["type"]}]}]}
    path = os.path.join(outdir, f"{k['name']}.json")
    with open(path, "w") as f:
        json.dump(script, f)
    cmds["interp"] = ["spectest-interp", path]
    return cmds


def parse_checksum(runtime, stdout, k):
    if runtime == "interp":
        m = re.search(r"=> (i32|i64):(\d+)", stdout)
        return str(signed(int(m.group(2)), 32 if m.group(1) == "i32" else 64)) if m else None
    lines = stdout.strip().splitlines()
    return lines[-1].strip() if lines else None


def run_once(cmd, rss_file):
    """Runs cmd under /usr/bin/time; returns (seconds, max RSS KiB, rc, stdout, stderr)."""
    full = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    try:
        rss = int(open(rss_file).read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        rss = 0
    return seconds, rss, p.returncode, p.stdout, p.stderr


def callgrind_count(cmd, outdir):
    out = os.path.join(outdir, "callgrind.out")
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    return (int(m.group(1)) if m else None), p.returncode, p.stdout, p.stderr


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt(v, digits=1, suffix=""):
    return "n/a" if v is None else f"{v:.{digits}f}{suffix}"


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout
        return out.strip().splitlines()[0]
    except (OSError, IndexError):
        return "n/a"


def header(args):
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"- machine: {cpu}, {os.cpu_count()} cores, {platform.system()} "
          f"{platform.release()} {platform.machine()}; load average at start "
          f"{os.getloadavg()[0]:.2f}")
    flags = []
    try:
        flags = open(os.path.join(ROOT, BUILD, ".build-flags")).read().split()
    except OSError:
        pass
    built = " ".join(flags[:1] + [f for f in flags if f.startswith("-O") or f.startswith("-DVM_")])
    print(f"- wvm: {tool_version([os.path.join(ROOT, BUILD, 'wvm'), '--version'])} "
          f"({BUILD}/, built with {built or 'unknown flags'}; "
          f"cc is {tool_version(['cc', '--version'])})")
    print(f"- native: {tool_version([os.environ.get('NATIVE_CC', 'gcc'), '--version'])}, -O2")
    print(f"- wasm-interp (spectest-interp): wabt {tool_version(['spectest-interp', '--version'])}")
    print(f"- kernels: committed .wasm built by bench/build-kernels.sh "
          f"({tool_version(['clang', '--version'])}, -O2)")
    mode = "callgrind instruction counts, 1 run each" if args.callgrind else \
        f"median of {args.reps} interleaved runs, wall-clock time of the whole process"
    print(f"- method: {mode}")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--no-interp", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--callgrind", action="store_true")
    args = ap.parse_args()
    os.chdir(ROOT)

    kernels = load_manifest()
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {k["name"] for k in kernels}
        if unknown:
            raise SystemExit(f"error: unknown kernel(s) {', '.join(sorted(unknown))}")
        kernels = [k for k in kernels if k["name"] in wanted]
    for k in kernels:
        k["type"] = result_type(k["module"], k["export"])
        if args.scale != 1.0:
            if k["name"] == "fib_rec":
                k["n"] = max(1, k["n"] + round(math.log(args.scale, 1.618)))
            else:
                k["n"] = max(1, round(k["n"] * args.scale))

    env = dict(os.environ, BUILD=BUILD, WITH_TOOLS="1")
    if subprocess.run(["bench/build-native.sh"], env=env).returncode != 0:
        raise SystemExit("error: cannot build the native kernels or bench tools")

    runtimes = list(RUNTIMES)
    interp_note = ""
    if args.callgrind or args.no_interp or not shutil.which("spectest-interp"):
        runtimes.remove("interp")
        interp_note = "wasm-interp not run" + (" (spectest-interp not found)"
                                               if not shutil.which("spectest-interp") else "")
    if args.callgrind and not shutil.which("valgrind"):
        raise SystemExit("error: --callgrind needs valgrind")

    header(args)
    errors = []
    samples = {(k["name"], r): [] for k in kernels for r in runtimes}
    rss = {(k["name"], r): [] for k in kernels for r in runtimes}
    expected = {}
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {k["name"]: commands(k, k["n"], tmp) for k in kernels}
        rss_file = os.path.join(tmp, "rss")
        for k in kernels:
            p = subprocess.run(cmds[k["name"]]["native"], stdout=subprocess.PIPE, text=True)
            expected[k["name"]] = p.stdout.strip()
        reps = 1 if args.callgrind else args.reps
        for rep in range(reps):
            for ki, k in enumerate(kernels):
                order = runtimes[(rep + ki) % len(runtimes):] + runtimes[:(rep + ki) % len(runtimes)]
                for r in order:
                    cmd = cmds[k["name"]][r]
                    if args.callgrind:
                        value, rc, out, err = callgrind_count(cmd, tmp)
                        mem = None
                    else:
                        value, mem, rc, out, err = run_once(cmd, rss_file)
                    got = parse_checksum(r, out, k) if rc == 0 else None
                    if got != expected[k["name"]]:
                        msg = (f"{k['name']} on {LABELS[r]} (n={k['n']}): checksum "
                               f"{got!r}, native {expected[k['name']]!r}, exit {rc}"
                               + (f": {err.strip().splitlines()[-1]}" if err.strip() else ""))
                        errors.append(msg)
                        print("MISMATCH " + msg, file=sys.stderr)
                        continue
                    samples[(k["name"], r)].append(value)
                    if mem:
                        rss[(k["name"], r)].append(mem)
            print(f"  round {rep + 1}/{reps} done", file=sys.stderr)

    def med(name, r):
        v = samples.get((name, r))
        return statistics.median(v) if v else None

    def ratio(a, b):
        return a / b if a and b else None

    unit = "M instr" if args.callgrind else "ms"
    scale = 1e-6 if args.callgrind else 1e3
    cols = ["kernel", "n", f"native {unit}", f"wvm {unit}", f"wvm+fuel {unit}",
            f"wvm+instr {unit}", f"wasm-interp {unit}", "wvm/native", "wvm+fuel/native",
            "fuel overhead", "instr. overhead", "wasm-interp/wvm"]
    if not args.callgrind:
        cols.append("wvm spread")
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join(" --- " for _ in cols) + "|")
    ratios = {"wvm/native": [], "fuel/native": [], "fuel": [], "instr": [], "interp/wvm": []}

    def row_of(k):
        """k's table row; adds its ratios to the geomeans' unless it is a program."""
        nm = k["name"]
        nat, w, wf, wn, wi = (med(nm, r) for r in RUNTIMES)
        r1, rf, r2, rn, r3 = ratio(w, nat), ratio(wf, nat), ratio(wf, w), ratio(wn, w), ratio(wi, w)
        if not k["program"]:
            for key, value in zip(ratios, (r1, rf, r2, rn, r3)):
                ratios[key].append(value)
        row = [nm + (" (program)" if k["program"] else ""), str(k["n"])]
        row += [fmt(v * scale if v else None, 1) for v in (nat, w, wf, wn, wi)]
        row += [fmt(r1, 2, "x"), fmt(rf, 2, "x"), fmt(r2, 3, "x"), fmt(rn, 3, "x"),
                fmt(r3, 2, "x")]
        if not args.callgrind:
            v = samples[(nm, "wvm")]
            row.append(fmt((max(v) - min(v)) / statistics.median(v) * 100, 0, " %")
                       if len(v) > 1 else "n/a")
        return "| " + " | ".join(row) + " |"

    for k in kernels:
        if not k["program"]:
            print(row_of(k))
    gm = ["**geomean**", "", "", "", "", "", "",
          "**" + fmt(geomean(ratios["wvm/native"]), 2, "x") + "**",
          "**" + fmt(geomean(ratios["fuel/native"]), 2, "x") + "**",
          "**" + fmt(geomean(ratios["fuel"]), 3, "x") + "**",
          "**" + fmt(geomean(ratios["instr"]), 3, "x") + "**",
          "**" + fmt(geomean(ratios["interp/wvm"]), 2, "x") + "**"]
    if not args.callgrind:
        gm.append("")
    print("| " + " | ".join(gm) + " |")
    programs = [k for k in kernels if k["program"]]
    for k in programs:
        print(row_of(k))
    print()
    if programs:
        print("Programs (bench/programs.txt: real C programs, run like the kernels) are not in "
              "the geomeans, which are the suite's targets.")
        print()
    if interp_note:
        print(f"({interp_note}.)")
        print()
    print("wvm+fuel: native metering; wvm+instr: in-VM instrumentation (--meter instrument: "
          "the module is instrumented at load, its gas calls become fuel charges). Overheads "
          "are relative to unmetered wvm. Spread: (max - min) / median of the wvm runs.")
    print()
    if not args.callgrind and reps > 1:
        # A busy host slows some runs of a kernel and not others; each runtime's best time
        # is the least disturbed, as bench/tools/compare.py reports it.
        def best_ratio(name, a, b):
            va, vb = samples.get((name, a)), samples.get((name, b))
            return min(va) / min(vb) if va and vb else None
        best = {key: geomean([best_ratio(k["name"], a, b) for k in kernels
                              if not k["program"]])
                for key, a, b in (("wvm", "wvm", "native"), ("fuel", "wvm_fuel", "native"),
                                  ("overhead", "wvm_fuel", "wvm"))}
        print(f"The same geomeans from each runtime's best of the {reps} runs instead of the "
              f"median: wvm/native {fmt(best['wvm'], 2, 'x')}, wvm+fuel/native "
              f"{fmt(best['fuel'], 2, 'x')}, fuel overhead {fmt(best['overhead'], 3, 'x')}.")
        print()

    if not args.callgrind:
        print("Peak memory (max RSS, MiB, median over the runs):")
        print()
        cols = ["kernel"] + [LABELS[r] for r in runtimes]
        print("| " + " | ".join(cols) + " |")
        print("|" + "|".join(" --- " for _ in cols) + "|")
        for k in kernels:
            row = [k["name"]]
            for r in runtimes:
                v = rss[(k["name"], r)]
                row.append(fmt(statistics.median(v) / 1024, 1) if v else "n/a")
            print("| " + " | ".join(row) + " |")
        print()

    modinfo = os.path.join(BUILD, "bench", "modinfo")
    infos = {}
    # large: generated C, the load-time module; lua: a real C program (Lua 5.4)
    whole = ("large", "lua")
    mods = [("large", "bench/wasm/large.wasm"), ("lua", "bench/wasm/lua.wasm")] + \
        [(k["name"], k["module"]) for k in kernels if not k["program"]]
    for name, path in mods:
        p = subprocess.run([modinfo, path, "11" if name in whole else "1"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            errors.append(f"modinfo {path}: {p.stderr.strip()}")
            continue
        infos[name] = dict(line.split() for line in p.stdout.splitlines())
    large = infos.get("large")
    if large:
        print(f"Load time of bench/wasm/large.wasm ({int(large['code_bytes']) / 1e6:.2f} MB of "
              "code; bench/tools/modinfo.c, median of 11, MB/s of the code section):")
        print()
        print("| step | ms | MB/s |")
        print("| --- | --- | --- |")
        print(f"| decode + validate (wvm_module_validate) | {large['validate_ms']} | "
              f"{large['validate_mbs']} |")
        print(f"| decode + validate + translate (wvm_module_new) | {large['load_ms']} | "
              f"{large['load_mbs']} |")
        print(f"| the same, metered engine | {large['load_fuel_ms']} | "
              f"{large['load_fuel_mbs']} |")
        lua = infos.get("lua")
        if lua:
            print(f"| bench/wasm/lua.wasm (Lua 5.4, {int(lua['code_bytes']) / 1e6:.2f} MB of "
                  f"code): wvm_module_new | {lua['load_ms']} | {lua['load_mbs']} |")
            print(f"| the same, metered engine | {lua['load_fuel_ms']} | "
                  f"{lua['load_fuel_mbs']} |")
        print()
    print("Translated code size: sum of vm_code.nwords * 4 over the functions, per byte of the "
          "code section:")
    print()
    print("| module | code bytes | translated bytes | per code byte | metered: bytes | "
          "per code byte |")
    print("| --- | --- | --- | --- | --- | --- |")
    per_byte, per_byte_fuel = [], []
    for name, _ in mods:
        info = infos.get(name)
        if not info:
            continue
        if name not in whole:
            per_byte.append(float(info["translated_per_byte"]))
            per_byte_fuel.append(float(info["translated_fuel_per_byte"]))
        print(f"| {name} | {info['code_bytes']} | {info['translated_bytes']} | "
              f"{info['translated_per_byte']} | {info['translated_fuel_bytes']} | "
              f"{info['translated_fuel_per_byte']} |")
    if per_byte:
        print(f"| **geomean (kernels)** | | | **{geomean(per_byte):.2f}** | | "
              f"**{geomean(per_byte_fuel):.2f}** |")
    print()
    print(f"- load average at end: {os.getloadavg()[0]:.2f}")

    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
