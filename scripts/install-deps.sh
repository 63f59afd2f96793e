#!/usr/bin/env bash
# Makes sure the test dependencies are present: wast2json and wasm-validate (wabt), Criterion,
# jansson, pkg-config, and Node.js (tests/node_gas.sh runs instrumented modules under Node's
# WebAssembly; it needs Node 16 or later, and bookworm's nodejs is 18). Missing ones are
# installed with apt-get when running as root on Debian; otherwise the script names the
# packages to install and fails.
set -euo pipefail

CC=${CC:-cc}

# True when the C compiler finds header $1.
have_header() {
    echo "#include <$1>" | "$CC" -E -x c - >/dev/null 2>&1
}

missing=()
command -v wast2json >/dev/null 2>&1 && command -v wasm-validate >/dev/null 2>&1 ||
    missing+=(wabt)
have_header criterion/criterion.h || missing+=(libcriterion-dev)
have_header jansson.h || missing+=(libjansson-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v node >/dev/null 2>&1 || missing+=(nodejs)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "${missing[@]}"
    exit 0
fi

echo "install-deps: missing test dependencies. Install these packages (Debian/Ubuntu names):" >&2
echo "    apt-get install -y ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "(as root, e.g. with sudo; not running as root, so not installing them)" >&2
else
    echo "(this is not a Debian system with apt-get, so not installing them)" >&2
fi
exit 1
