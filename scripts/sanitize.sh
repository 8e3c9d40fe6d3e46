#!/bin/sh
# The C extensions (compliance._cyaml, compliance._cjson) built with
# AddressSanitizer and UndefinedBehaviorSanitizer into a scratch copy of the
# checkout, then the tests that feed them plans, mutations and generated
# values. They read text from anyone: an out-of-bounds read or a use after
# free would not fail an ordinary test. Usage: scripts/sanitize.sh [pytest args]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$scratch"
include=$("$python" -c "import sysconfig; print(sysconfig.get_paths()['include'])")
suffix=$("$python" -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
flags="-shared -fPIC -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -I$include"
gcc $flags "$scratch/src/compliance/_cyaml.c" -o "$scratch/src/compliance/_cyaml$suffix" -lyaml
gcc $flags "$scratch/src/compliance/_cjson.c" -o "$scratch/src/compliance/_cjson$suffix"
cd "$scratch"
# --capture=sys: a sanitiser writes its report to file descriptor 2 and
# aborts, which would lose it inside pytest's capture of that descriptor.
# Python itself is not sanitised: its allocations are not tracked for leaks.
# ASan keeps freed memory in quarantine, so a test of resident memory means
# nothing here (tracemalloc's, of Python's own allocations, still runs).
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
PYTHONPATH="$scratch/src" XDG_CACHE_HOME="$scratch/.cache" \
    "$python" -m pytest -q -p no:cacheprovider --capture=sys "$@" \
    --deselect tests/test_fuzz.py::test_engines_built_and_dropped_do_not_grow_memory \
    tests/test_cyaml.py tests/test_cjson.py tests/test_fastyaml.py tests/test_fuzz.py tests/test_limits.py \
    tests/test_read.py tests/test_oracle.py tests/test_engine.py tests/test_parallel.py tests/test_rule_cases.py
