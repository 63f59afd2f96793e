#!/usr/bin/env python3
"""Chooses the instruction pairs of vm/pairs.def (see vm/pairs.h) and writes that file.

    bench/tools/choose_pairs.py            # profile, choose, write vm/pairs.def
    bench/tools/choose_pairs.py --dry-run  # print the choice only

It builds the profiling interpreter (-DVM_PROFILE, whose code is not paired), runs every kernel
of bench/kernels.txt unmetered and with fuel, and counts the pairs of large.wasm's translated
code. A pair x+y is chosen, for each metering mode, when x always continues with the next
instruction (so it can begin a pair) and x followed by y is
  - hot (at least HOT of the executed instructions) in at least two kernels, or
  - hot in one kernel and among the STATIC_TOP most frequent pairs in large.wasm's code
    (generated C, a program the kernels are not),
so that a pair serves more than the one kernel it was measured on. bench/RESULTS.md records
what the choice gives, also for kernels left out of it.
"""
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROF_BUILD = 'build-prof'
HOT = 0.001
STATIC_TOP = 200
# Instructions that cannot begin a pair: they branch, call, return, charge computed fuel, or
# have handlers that are not SIMPLE ones in vm/interp.c (the build fails if one slips through).
NOT_FIRST = re.compile(r'^(br|call|ret|fuel_dyn|unreachable|memory_|table_|data_|elem_|ref_)'
                       r'|_br(_pt)?$')


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True, **kw)


def kernels():
    for line in open(os.path.join(ROOT, 'bench/kernels.txt')):
        if line.startswith('#') or not line.strip():
            continue
        name, module, export, _, n_bench, n_check = line.split()
        yield name, module, export, max(int(n_bench) // 10, int(n_check))


def profile(module, export, n, fuel):
    """The shares of the executed pairs (x, y) of one run."""
    out = os.path.join(ROOT, PROF_BUILD, 'pairs.profile')
    cmd = [os.path.join(PROF_BUILD, 'wvm'), 'run', module] + (['--fuel', '1e18'] if fuel else [])
    run(cmd + ['--invoke', export, str(n)], env=dict(os.environ, WVM_PROFILE_OUT=out))
    text = open(out).read()
    total = int(re.search(r'instructions executed: (\d+)', text).group(1))
    shares = {}
    for line in text.split('pairs:')[1].splitlines():
        m = re.match(r'\s*(\d+)\s+\S+\s+(\S+) ; (\S+)', line)
        if m:
            shares[(m.group(2), m.group(3))] = int(m.group(1)) / total
    return shares


def static_pairs(fuel):
    """The pairs of consecutive instructions in large.wasm's code, most frequent first."""
    cmd = [os.path.join('build', 'bench', 'modinfo'), '--dump', 'bench/wasm/large.wasm']
    ops = []
    counts = collections.Counter()
    for line in run(cmd + (['--fuel'] if fuel else [])).stdout.splitlines():
        if line.startswith('func'):
            ops = []
            continue
        fields = line.split()
        if len(fields) >= 2 and fields[0].isdigit():
            op = fields[1].split('+')[0]  # the listing may show pairs: x+y is x
            if ops and not NOT_FIRST.search(ops[-1]):
                counts[(ops[-1], op)] += 1
            ops.append(op)
    return [pair for pair, _ in counts.most_common(STATIC_TOP)]


def choose():
    run(['make', '-j2', 'BUILD=' + PROF_BUILD, 'EXTRA_CFLAGS=-DVM_PROFILE',
         PROF_BUILD + '/wvm'])
    run(['make', '-j2', 'build/libwvm.a'])  # for bench/tools/modinfo
    run(['bash', 'bench/build-native.sh'], env=dict(os.environ, BUILD='build', WITH_TOOLS='1'))
    chosen = {}
    for fuel in (False, True):
        common = set(static_pairs(fuel))
        hot_in = collections.defaultdict(list)
        mean = collections.Counter()
        ks = list(kernels())
        for name, module, export, n in ks:
            for pair, share in profile(module, export, n, fuel).items():
                if NOT_FIRST.search(pair[0]):
                    continue
                mean[pair] += share / len(ks)
                if share >= HOT:
                    hot_in[pair].append(name)
        for pair, names in hot_in.items():
            if len(names) >= 2 or pair in common:
                chosen[pair] = max(chosen.get(pair, 0), mean[pair])
    return chosen


def continued(head, items):
    """A macro definition of one item per line."""
    return ' \\\n    '.join([head] + items)


def write(chosen):
    by_first = collections.defaultdict(list)
    for (x, y), share in sorted(chosen.items(), key=lambda kv: -kv[1]):
        by_first[x].append(y)
    lines = ['/* The instruction pairs (vm/pairs.h), written by bench/tools/choose_pairs.py from the',
             ' * profiles of the benchmark kernels and the code of large.wasm: do not edit. Most',
             ' * frequent first. */']
    for x in sorted(by_first):
        lines.append('#define VM_FIRST_%s ~, 1' % x)
        lines.append(continued('#define VM_PAIRS_%s(P, ...)' % x,
                               ['P(%s, %s, __VA_ARGS__)' % (x, y) for y in by_first[x]]))
    lines.append(continued('#define VM_PAIR_FIRSTS(X, ...)',
                           ['X(%s, __VA_ARGS__)' % x for x in sorted(by_first)]))
    seconds = sorted({y for ys in by_first.values() for y in ys})
    lines.append(continued('#define VM_PAIR_SECONDS(X, ...)',
                           ['X(%s, __VA_ARGS__)' % y for y in seconds]))
    with open(os.path.join(ROOT, 'vm/pairs.def'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    chosen = choose()
    for (x, y), share in sorted(chosen.items(), key=lambda kv: -kv[1]):
        print('%6.2f%%  %s+%s' % (100 * share, x, y))
    print('%d pairs' % len(chosen))
    if '--dry-run' not in sys.argv:
        write(chosen)


if __name__ == '__main__':
    main()
