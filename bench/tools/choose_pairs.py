#!/usr/bin/env python3
"""Chooses the instruction pairs of vm/pairs.def (see vm/pairs.h) and writes that file.

    bench/tools/choose_pairs.py            # profile, choose, write vm/pairs.def
    bench/tools/choose_pairs.py --dry-run  # print the choice only

It builds the profiling interpreter (-DVM_PROFILE, whose code is not paired), runs every kernel
of bench/kernels.txt unmetered and with fuel, and counts the pairs of the translated code of
large.wasm and lua.wasm. A pair x+y is chosen, for each metering mode, when x always continues
with the next instruction (so it can begin a pair) and x followed by y is
  - hot (at least HOT of the executed instructions) in at least two kernels, or
  - hot in one kernel and among the STATIC_TOP most frequent pairs in the code of
    large.wasm (generated C) or of lua.wasm (Lua 5.4: real C), programs the kernels are not,
so that a pair serves more than the one kernel it was measured on. The forwarding variants
y^k (y reading, as its operand k, what the instruction before it wrote) are chosen by the same
rule over (y, k), whatever the instruction before, y being one whose handler is a HANDLER in
vm/interp.c; and each chosen pair x+y has the forwarded pair x+y^k for each chosen y^k.
bench/RESULTS.md records what the choice gives, also for kernels left out of it.
"""
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from run import ROOT, load_manifest  # noqa: E402 (bench/run.py)

PROF_BUILD = 'build-prof'
HOT = 0.001
STATIC_TOP = 200
# Programs the kernels are not: generated C (bench/large/gen.py), and a real one, Lua 5.4's
# core and libraries (bench/lua/build.sh).
STATIC_MODULES = ['bench/wasm/large.wasm', 'bench/wasm/lua.wasm']
# Instructions that cannot begin a pair: they branch, call, return, charge computed fuel, or
# have handlers that are not SIMPLE ones in vm/interp.c (the build fails if one slips through).
NOT_FIRST = re.compile(r'^(br|call|ret|fuel_dyn|unreachable|memory_|table_|data_|elem_|ref_)'
                       r'|_br(_pt)?$')
# Instructions that cannot be forwarded to: their handlers are not HANDLERs in vm/interp.c.
NOT_FORWARDED_TO = re.compile(r'^(call|ret$|fuel_dyn|unreachable|memory_|table_|data_|elem_|ref_)')


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True, **kw)


def kernels():
    """(name, module, export, n) of each kernel, at a tenth of its benchmark n; not the
    programs of bench/programs.txt, whose speed nothing is chosen for."""
    for k in load_manifest():
        if not k['program']:
            yield k['name'], k['module'], k['export'], max(k['n'] // 10, k['n_check'])


def profile(module, export, n, fuel):
    """The shares of the executed pairs (x, y) and of the operands forwarded to (y, k) of one
    run (keys with the same shape: y^k is told by its integer k)."""
    out = os.path.join(ROOT, PROF_BUILD, 'pairs.profile')
    cmd = [os.path.join(PROF_BUILD, 'wvm'), 'run', module] + (['--fuel', '1e18'] if fuel else [])
    run(cmd + ['--invoke', export, str(n)], env=dict(os.environ, WVM_PROFILE_OUT=out))
    text = open(out).read()
    total = int(re.search(r'instructions executed: (\d+)', text).group(1))
    shares = {}
    pairs, forwarding = text.split('\npairs:')[1].split('forwarding pairs:')
    for line in pairs.splitlines():
        m = re.match(r'\s*(\d+)\s+\S+\s+(\S+) ; (\S+)$', line)
        if m:
            shares[(m.group(2), m.group(3))] = int(m.group(1)) / total
    for line in forwarding.splitlines():
        m = re.match(r'\s*(\d+)\s+\S+\s+(\S+) ; (\S+) \^ (\d+)$', line)
        if m and not NOT_FORWARDED_TO.search(m.group(3)):
            variant = (m.group(3), int(m.group(4)))
            shares[variant] = shares.get(variant, 0) + int(m.group(1)) / total
    return shares


def formats():
    """The operand format of every internal opcode."""
    out = run([os.path.join('build', 'bench', 'modinfo'), '--formats']).stdout
    return {name: fmt.strip('-') for name, fmt in (line.split() for line in out.splitlines())}


def one_word_letters(fmt):
    """The format's letters up to its first operand of other than one word ('l', 'T')."""
    return re.split('[lT]', fmt)[0][:7]


def forwarded_operand(x, y):
    """As vm_forwarded_operand (vm/pair.c), over two listed instructions: (op, operands)."""
    fx, fy = one_word_letters(FORMATS[x[0]]), one_word_letters(FORMATS[y[0]])
    if fx.count('d') != 1 or not fx.startswith('d'):
        return 0
    for k, (letter, operand) in enumerate(zip(fy, y[1]), 1):
        if letter in 'ds' and operand.lstrip('->') == x[1][0].lstrip('->'):
            return k if letter == 's' else 0
    return 0


def static_pairs(fuel):
    """The STATIC_TOP most frequent pairs of consecutive instructions, and operands (y, k)
    forwarded to, in the code of each module of STATIC_MODULES."""
    chosen = []
    for module in STATIC_MODULES:
        chosen += static_pairs_of(module, fuel)
    return chosen


def static_pairs_of(module, fuel):
    """The pairs of consecutive instructions in module's code, and the operands (y, k)
    forwarded to, the STATIC_TOP most frequent of each."""
    cmd = [os.path.join('build', 'bench', 'modinfo'), '--dump', module]
    insns = []
    counts = collections.Counter()
    forwarding = collections.Counter()
    for line in run(cmd + (['--fuel'] if fuel else [])).stdout.splitlines():
        if line.startswith('func'):
            insns = []
            continue
        fields = line.split()
        if len(fields) >= 2 and fields[0].isdigit():
            # the listing shows the code as paired and forwarded: x+y and x+y^k are x, and a
            # variant y^k is y (so that the choice does not depend on the current pairs.def)
            insn = (fields[1].split('+')[0].split('^')[0], fields[2:])
            if insns and not NOT_FIRST.search(insns[-1][0]):
                counts[(insns[-1][0], insn[0])] += 1
                k = forwarded_operand(insns[-1], insn)
                if k and not NOT_FORWARDED_TO.search(insn[0]):
                    forwarding[(insn[0], k)] += 1
            insns.append(insn)
    return [pair for pair, _ in counts.most_common(STATIC_TOP)] + \
        [pair for pair, _ in forwarding.most_common(STATIC_TOP)]


def choose():
    run(['make', '-j2', 'BUILD=' + PROF_BUILD, 'EXTRA_CFLAGS=-DVM_PROFILE',
         PROF_BUILD + '/wvm'])
    run(['make', '-j2', 'build/libwvm.a'])  # for bench/tools/modinfo
    run(['bash', 'bench/build-native.sh'], env=dict(os.environ, BUILD='build', WITH_TOOLS='1'))
    FORMATS.update(formats())
    chosen = {}
    for fuel in (False, True):
        common = set(static_pairs(fuel))
        hot_in = collections.defaultdict(list)
        mean = collections.Counter()
        ks = list(kernels())
        for name, module, export, n in ks:
            for key, share in profile(module, export, n, fuel).items():
                if isinstance(key[1], str) and NOT_FIRST.search(key[0]):
                    continue
                mean[key] += share / len(ks)
                if share >= HOT:
                    hot_in[key].append(name)
        for key, names in hot_in.items():
            if len(names) >= 2 or key in common:
                chosen[key] = max(chosen.get(key, 0), mean[key])
    return chosen


FORMATS = {}


def continued(head, items):
    """A macro definition of one item per line."""
    return ' \\\n    '.join([head] + items)


def is_variant(key):
    return isinstance(key[1], int)


def write(chosen):
    ranked = [key for key, _ in sorted(chosen.items(), key=lambda kv: -kv[1])]
    pairs = collections.defaultdict(list)
    variants = collections.defaultdict(list)
    for key in ranked:
        (variants if is_variant(key) else pairs)[key[0]].append(key[1])
    forwarded = collections.defaultdict(list)
    for x in pairs:
        for y in pairs[x]:
            forwarded[x] += [(y, k) for k in sorted(variants.get(y, []))]
    firsts = sorted(set(pairs) | set(forwarded))
    lines = ['/* The instruction pairs, forwarding variants and forwarded pairs (vm/pairs.h), written',
             ' * by bench/tools/choose_pairs.py from the profiles of the benchmark kernels and the code',
             ' * of large.wasm and lua.wasm: do not edit. Most frequent first. */']
    for x in firsts:
        lines.append('#define VM_FIRST_%s ~, 1' % x)
        lines.append(continued('#define VM_PAIRS_%s(P, ...)' % x,
                               ['P(%s, %s, __VA_ARGS__)' % (x, y) for y in pairs[x]]))
        if forwarded[x]:
            lines.append('#define VM_FWD_FIRST_%s ~, 1' % x)
            lines.append(continued('#define VM_FWDS_%s(P, ...)' % x,
                                   ['P(%s, %s, %d, __VA_ARGS__)' % (x, y, k)
                                    for y, k in forwarded[x]]))
    for y in sorted(variants):
        lines.append('#define VM_VARIANT_%s ~, 1' % y)
        lines.append(continued('#define VM_VARIANTS_%s(P, ...)' % y,
                               ['P(%s, %d, __VA_ARGS__)' % (y, k) for k in sorted(variants[y])]))
    lines.append(continued('#define VM_PAIR_FIRSTS(X, ...)',
                           ['X(%s, __VA_ARGS__)' % x for x in firsts]))
    lines.append(continued('#define VM_FWD_FIRSTS(X, ...)',
                           ['X(%s, __VA_ARGS__)' % x for x in firsts if forwarded[x]]))
    lines.append(continued('#define VM_PAIR_SECONDS(X, ...)',
                           ['X(%s, __VA_ARGS__)' % y
                            for y in sorted({y for ys in pairs.values() for y in ys})]))
    lines.append(continued('#define VM_VARIANT_OPS(X, ...)',
                           ['X(%s, __VA_ARGS__)' % y for y in sorted(variants)]))
    with open(os.path.join(ROOT, 'vm/pairs.def'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    chosen = choose()
    for key, share in sorted(chosen.items(), key=lambda kv: -kv[1]):
        print('%6.2f%%  %s%s%s' % (100 * share, key[0], '^' if is_variant(key) else '+', key[1]))
    print('%d pairs, %d forwarding variants' % (sum(not is_variant(key) for key in chosen),
                                                sum(is_variant(key) for key in chosen)))
    if '--dry-run' not in sys.argv:
        write(chosen)


if __name__ == '__main__':
    main()
