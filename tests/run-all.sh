#!/bin/bash
# Runs every unit-test program given as arguments, then every end-to-end
# script tests/*/check-*.sh, and ends with one "N passed, N failed" line.
# BUILD names the build folder (build/ or build-san/).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
pass=0; fail=0; failed=()
for t in "$@"; do
    if "$t" > "$t.log" 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed+=("$t"); tail -n 30 "$t.log"
    fi
done
for s in tests/*/check-*.sh; do
    [ -e "$s" ] || continue
    log=$BUILD/tests/$(basename "$s" .sh).log
    mkdir -p "$BUILD/tests"
    if bash "$s" > "$log" 2>&1; then
        pass=$((pass + 1)); tail -n 1 "$log"
    else
        fail=$((fail + 1)); failed+=("$s"); tail -n 30 "$log"
    fi
done
for f in "${failed[@]+"${failed[@]}"}"; do echo "FAILED: $f"; done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
