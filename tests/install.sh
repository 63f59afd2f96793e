#!/usr/bin/env bash
# Checks of the installed library (make install-check, part of make test): installs into a
# temporary prefix, builds examples/fuel_slices.c against the installed copy through
# pkg-config, statically and dynamically, runs both and checks their output; checks the
# shared library's soname and that it exports only wvm_* symbols, every function the header
# declares; checks DESTDIR staging and that the installed header compiles on its own as
# strict C99 (and C++ when a C++ compiler is present).
# Run from the project root. Environment: BUILD (build directory, default build), MAKE, CC,
# EXTRA_FLAGS (compile and link flags the build used, e.g. the sanitizers).
set -u
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
CC=${CC:-cc}
EXTRA_FLAGS=${EXTRA_FLAGS:-}
passed=0
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wvm-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    if [ $# -gt 1 ]; then printf '%s\n' "$2" | sed 's/^/  | /'; fi
}

# check NAME EXPECTED_OUTPUT_SUBSTRING COMMAND...: exit 0 and output containing the text.
check() {
    local name=$1 want_text=$2
    shift 2
    local out status
    out=$("$@" 2>&1)
    status=$?
    if [ "$status" -eq 0 ] && [[ "$out" == *"$want_text"* ]]; then
        pass
    else
        fail "$name: exit $status, wanted output containing: $want_text" "$out"
    fi
}

version=$(sed -n 's/^#define WVM_VERSION_STRING "\(.*\)"$/\1/p' include/wvm.h)
major=${version%%.*}
prefix=$tmp/prefix
lib=$prefix/lib

# ---- make install into a temporary prefix ----
out=$("$MAKE" --no-print-directory install BUILD="$BUILD" PREFIX="$prefix" 2>&1)
if [ $? -eq 0 ]; then pass; else fail "make install PREFIX=$prefix" "$out"; fi

for f in include/wvm.h lib/libwvm.a "lib/libwvm.so.$version" lib/pkgconfig/wvm.pc bin/wvm; do
    if [ -f "$prefix/$f" ]; then pass; else fail "installed file missing: $f"; fi
done
if [ "$(readlink "$lib/libwvm.so.$major")" = "libwvm.so.$version" ] &&
    [ "$(readlink "$lib/libwvm.so")" = "libwvm.so.$major" ]; then
    pass
else
    fail "symlinks libwvm.so -> libwvm.so.$major -> libwvm.so.$version" "$(ls -l "$lib")"
fi
soname=$(objdump -p "$lib/libwvm.so.$version" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
if [ "$soname" = "libwvm.so.$major" ]; then pass; else fail "soname is '$soname'"; fi

# ---- exported symbols: only wvm_*, and every function the header declares ----
syms=$(nm -D --defined-only "$BUILD/libwvm.so" | awk '{print $NF}' | sort -u)
foreign=$(printf '%s\n' "$syms" | grep -v '^wvm_' | grep -v '^$')
if [ -z "$foreign" ]; then pass; else fail "libwvm.so exports non-wvm_ symbols" "$foreign"; fi
declared=$(sed -n 's/^WVM_API [^(]*[ *]\(wvm_[a-z0-9_]*\)(.*/\1/p' include/wvm.h | sort -u)
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$syms"))
if [ -n "$declared" ] && [ -z "$missing" ]; then
    pass
else
    fail "declared in wvm.h but not exported by libwvm.so" "$missing"
fi

# ---- pkg-config ----
export PKG_CONFIG_PATH=$lib/pkgconfig
check "pkg-config --modversion" "$version" pkg-config --modversion wvm
check "pkg-config --cflags" "-I$prefix/include" pkg-config --cflags wvm
check "pkg-config --libs" "-L$lib -lwvm" pkg-config --libs wvm
check "pkg-config --libs --static" "-lm" pkg-config --libs --static wvm

# ---- the installed header on its own ----
printf '#include <wvm.h>\nint main(void) { return wvm_version()[0] == 0; }\n' > "$tmp/h.c"
# shellcheck disable=SC2046
check "wvm.h as strict C99" "" $CC -std=c99 -pedantic -Wall -Wextra -Werror \
    $(pkg-config --cflags wvm) -c "$tmp/h.c" -o "$tmp/h.o"
if command -v c++ > /dev/null; then
    cp "$tmp/h.c" "$tmp/h.cc"
    # shellcheck disable=SC2046
    check "wvm.h as C++" "" c++ -Wall -Wextra -Werror $(pkg-config --cflags wvm) \
        -c "$tmp/h.cc" -o "$tmp/hpp.o"
fi

# ---- an example against the installed copy: static, then shared ----
want="fib(46) = -1323752223: 612 fuel in 7 slices of 100"
src=examples/fuel_slices.c
# Static: libwvm.a chosen explicitly over libwvm.so, then the private libraries (-lm).
static_libs=$(pkg-config --libs --static wvm | sed 's/-lwvm/-Wl,-Bstatic -lwvm -Wl,-Bdynamic/')
# shellcheck disable=SC2046,SC2086
out=$($CC -std=gnu11 -Wall -Wextra -Werror $EXTRA_FLAGS $(pkg-config --cflags wvm) "$src" \
    -o "$tmp/fuel_static" $static_libs 2>&1)
if [ $? -eq 0 ]; then pass; else fail "build $src statically" "$out"; fi
if [ -x "$tmp/fuel_static" ]; then
    if objdump -p "$tmp/fuel_static" | grep -q 'NEEDED.*libwvm'; then
        fail "the static build needs libwvm.so"
    else
        pass
    fi
    check "static build runs" "$want" "$tmp/fuel_static" examples/fib.wasm fib 46 100
fi

# shellcheck disable=SC2046,SC2086
out=$($CC -std=gnu11 -Wall -Wextra -Werror $EXTRA_FLAGS $(pkg-config --cflags wvm) "$src" \
    -o "$tmp/fuel_shared" $(pkg-config --libs wvm) 2>&1)
if [ $? -eq 0 ]; then pass; else fail "build $src against libwvm.so" "$out"; fi
if [ -x "$tmp/fuel_shared" ]; then
    if objdump -p "$tmp/fuel_shared" | grep -q "NEEDED.*libwvm.so.$major"; then
        pass
    else
        fail "the shared build does not need libwvm.so.$major"
    fi
    check "shared build runs" "$want" \
        env LD_LIBRARY_PATH="$lib" "$tmp/fuel_shared" examples/fib.wasm fib 46 100
    check "shared build uses the installed library" "$lib/libwvm.so.$major" \
        env LD_LIBRARY_PATH="$lib" ldd "$tmp/fuel_shared"
fi

# ---- DESTDIR staging: files under DESTDIR, paths in wvm.pc without it ----
stage=$tmp/stage
out=$("$MAKE" --no-print-directory install BUILD="$BUILD" PREFIX=/opt/wvm DESTDIR="$stage" 2>&1)
if [ $? -eq 0 ] && [ -f "$stage/opt/wvm/lib/libwvm.a" ] &&
    [ -f "$stage/opt/wvm/include/wvm.h" ] &&
    grep -qx 'prefix=/opt/wvm' "$stage/opt/wvm/lib/pkgconfig/wvm.pc" &&
    grep -qx 'libdir=/opt/wvm/lib' "$stage/opt/wvm/lib/pkgconfig/wvm.pc"; then
    pass
else
    fail "make install DESTDIR=$stage PREFIX=/opt/wvm" "$out"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
