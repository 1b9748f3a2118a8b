#!/bin/bash
# Runs the programs in tests/runtime/vm/ (compiled with $BUILD/mpy-cross) on
# $BUILD/mpy-vm. Each NAME.py has NAME.exp (stdout and stderr together);
# comment lines "# heap: N" pick -X heapsize=N and "# status: N" the
# expected exit status (default 0). host_*.py need the host port's modules;
# runtime/lib/*.py (asyncio) are compiled beside the programs.
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VM=$(pwd)/$BUILD/mpy-vm
CROSS=$(pwd)/$BUILD/mpy-cross
if [ ! -x "$VM" ] || [ ! -x "$CROSS" ]; then
    echo "mpy-vm or mpy-cross missing"
    echo "0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
# The Python parts of the runtime (runtime/lib), importable by the programs.
for lib in runtime/lib/*.py; do
    cp "$lib" "$T/"
    (cd "$T" && "$CROSS" "$(basename "$lib")") || { fail=$((fail + 1)); echo "FAIL $lib (compile)"; }
done
for py in tests/runtime/vm/*.py; do
    n=$(basename "$py" .py)
    cp "$py" "$T/"
    heap=$(sed -n 's/^# heap: //p' "$py")
    want=$(sed -n 's/^# status: //p' "$py"); want=${want:-0}
    (cd "$T" && "$CROSS" "$n.py") || { fail=$((fail + 1)); echo "FAIL $n (compile)"; continue; }
    (cd "$T" && timeout 30 "$VM" ${heap:+-X heapsize=$heap} "$n.mpy" > "$n.out" 2>&1)
    status=$?
    if [ "$status" = "$want" ] && cmp -s "$T/$n.out" "tests/runtime/vm/$n.exp"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $n (status $status, want $want)"
        diff "$T/$n.out" "tests/runtime/vm/$n.exp" | head -10
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
