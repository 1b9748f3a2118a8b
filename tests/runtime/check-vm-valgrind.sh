#!/bin/bash
# Runs the runtime unit tests and a sample of corpus programs (on a small
# heap, so the collector runs often) under Valgrind's memcheck: no errors
# and no leaks allowed. Valgrind cannot run sanitizer builds, so under
# make check-san (SANITIZED=1) this check is left to the plain make check.
# Fails when valgrind is missing (.ci/deps installs it).
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VM=$(pwd)/$BUILD/mpy-vm
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
if [ "${SANITIZED:-}" = 1 ]; then
    echo "sanitizer build: the Valgrind run belongs to the plain make check"
    echo "0 passed, 0 failed"
    exit 0
fi
if ! command -v valgrind >/dev/null; then
    echo "valgrind not installed: run .ci/deps"
    echo "0 passed, 1 failed"
    exit 1
fi
VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
for t in "$BUILD"/tests/runtime/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.log|*.d|*.o) continue ;; esac
    if $VG "$t" > "$T/log" 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $t"; tail -20 "$T/log"; fi
done
for n in bytecode/class_super bytecode/gen_send bytecode/exc_nested_loops bytecode/coll_dict_methods \
         bytecode/expr_bigint_overflow bytecode/str_fstring_specs generated/g0001 generated/g0500 generated/g1000; do
    g="$CORPUS/$n.mpy"
    [ -f "$g" ] || continue
    cp "$g" "$T/"
    b=$(basename "$n")
    if (cd "$T" && $VG "$VM" -X heapsize=64k "$b.mpy" > "$T/out" 2>&1); then
        if cmp -s "$T/out" "$CORPUS/$n.py.exp"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $n (output)"; fi
    else
        fail=$((fail + 1)); echo "FAIL $n"; tail -20 "$T/out"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
