#!/bin/bash
# Runs every x64 native golden of ../shared/corpus on $BUILD/mpy-vm (which
# runs x64 machine code on an x86-64 host): native/NAME.x64.mpy, and the
# whole-module NAME.native-x64.mpy of bytecode/ and generated/, each alone in
# an empty folder, stdout and stderr together compared with NAME.py.exp.
# Programs in native-skip.txt cannot print their .py.exp as native code
# (native-skip.md says why). Last line: "N passed, N failed". On a host that
# is not x86-64 it reports that and passes nothing (see check-vm-arm.sh).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VM=$(pwd)/$BUILD/mpy-vm
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
SKIP=tests/runtime/native-skip.txt
if [ ! -x "$VM" ] || [ -z "$CORPUS" ]; then
    echo "mpy-vm or corpus missing"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ "$(uname -m)" != x86_64 ]; then
    echo "not an x86-64 host: x64 native code cannot run here"
    echo "0 passed, 0 failed"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run_one() { # golden.mpy -> PASS/FAIL line
    g=$1
    d=$(dirname "$g"); b=$(basename "$g" .mpy)
    n=${b%.x64}; n=${n%.native-x64}
    [ -f "$d/$n.py.exp" ] || exit 0
    w=$(mktemp -d "$T/w.XXXXXX")
    cp "$g" "$w/$n.mpy"
    if (cd "$w" && timeout 30 "$VM" "$n.mpy" > out.txt 2>&1) && cmp -s "$w/out.txt" "$d/$n.py.exp"; then
        echo "PASS $(basename "$d")/$b"
    else
        echo "FAIL $(basename "$d")/$b"
    fi
    rm -rf "$w"
}
export -f run_one
export VM T
ls "$CORPUS"/native/*.x64.mpy "$CORPUS"/bytecode/*.native-x64.mpy "$CORPUS"/generated/*.native-x64.mpy \
    | xargs -P 4 -I{} bash -c 'run_one "$@"' _ {} > "$T/results" 2> /dev/null
pass=0; fail=0; skipped=0
while read -r status name; do
    key=${name%.x64}; key=${key%.native-x64}
    if grep -qx "$key" "$SKIP" 2>/dev/null; then
        skipped=$((skipped + 1))
        [ "$status" = PASS ] && echo "now passing (remove from native-skip.txt): $name"
    elif [ "$status" = PASS ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $name"
    fi
done < <(sort "$T/results")
echo "skipped $skipped (listed in $SKIP)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
