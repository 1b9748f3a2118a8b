#!/bin/bash
# Runs every golden .mpy of ../shared/corpus (bytecode/ and generated/) on
# $BUILD/mpy-vm, as ../shared/tools/corpus-check --only vm does: each file
# alone in an empty folder, stdout and stderr together compared with
# NAME.py.exp. Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VM=$(pwd)/$BUILD/mpy-vm
CORPUS=${CORPUS:-$(cd ../shared/corpus 2>/dev/null && pwd)}
if [ ! -x "$VM" ] || [ -z "$CORPUS" ]; then
    echo "mpy-vm or corpus missing"
    echo "0 passed, 1 failed"
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run_one() { # golden.mpy -> PASS/FAIL line
    g=$1
    d=$(dirname "$g"); n=$(basename "$g" .mpy)
    [ -f "$d/$n.py.exp" ] || exit 0
    w=$(mktemp -d "$T/w.XXXXXX")
    cp "$g" "$w/"
    if (cd "$w" && timeout 30 "$VM" "$n.mpy" > out.txt 2>&1) && cmp -s "$w/out.txt" "$d/$n.py.exp"; then
        echo "PASS $(basename "$d")/$n"
    else
        echo "FAIL $(basename "$d")/$n"
    fi
    rm -rf "$w"
}
export -f run_one
export VM T
ls "$CORPUS"/bytecode/*.mpy "$CORPUS"/generated/*.mpy | grep -v '\.native-' \
    | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {} > "$T/results"
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
