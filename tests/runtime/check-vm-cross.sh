#!/bin/bash
# Compiles every corpus program (bytecode/ and generated/) with our own
# $BUILD/mpy-cross and runs the result on $BUILD/mpy-vm; the output must
# equal NAME.py.exp. Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VM=$(pwd)/$BUILD/mpy-vm
CROSS=$(pwd)/$BUILD/mpy-cross
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
if [ ! -x "$VM" ] || [ ! -x "$CROSS" ] || [ -z "$CORPUS" ]; then
    echo "mpy-vm, mpy-cross or corpus missing"
    echo "0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run_one() {
    py=$1
    d=$(dirname "$py"); n=$(basename "$py" .py)
    [ -f "$d/$n.py.exp" ] || exit 0
    w=$(mktemp -d "$T/w.XXXXXX")
    cp "$py" "$w/"
    if (cd "$w" && timeout 30 "$CROSS" "$n.py" >/dev/null 2>&1 && timeout 30 "$VM" "$n.mpy" > out.txt 2>&1) \
        && cmp -s "$w/out.txt" "$d/$n.py.exp"; then
        echo "PASS $(basename "$d")/$n"
    else
        echo "FAIL $(basename "$d")/$n"
    fi
    rm -rf "$w"
}
export -f run_one
export VM CROSS T
ls "$CORPUS"/bytecode/*.py "$CORPUS"/generated/*.py | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {} > "$T/results"
pass=0; fail=0
while read -r status name; do
    if [ "$status" = PASS ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $name"
    fi
done < <(sort "$T/results")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
