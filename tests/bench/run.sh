#!/bin/bash
# VM benchmarks (make bench): compiles each program of ../shared/bench and
# tests/bench/*.py with $BUILD/mpy-cross, runs it on $BUILD/mpy-vm, checks
# the result line against the official VM's, and prints the median time of
# both with the speed-up (official WebAssembly VM time / our time).
# RUNS sets the number of runs of ours (default 5), REF_RUNS the official
# VM's (default 3). Needs node and the package mpy-ref-run.mjs names for the
# comparison (make bench installs it into build/node first); without them
# only our times are shown.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VM=$(pwd)/$BUILD/mpy-vm
CROSS=$(pwd)/$BUILD/mpy-cross
REF=$(cd ../shared/tools 2>/dev/null && pwd)/mpy-ref-run.mjs
# The official VM that .ci/deps (make deps) installs into build/node.
export MPY_REF_NODE_PREFIX=${MPY_REF_NODE_PREFIX:-$(pwd)/build/node}
RUNS=${RUNS:-5}
REF_RUNS=${REF_RUNS:-3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# time_cmd OUT CMD...: seconds (wall clock) of one run, output to OUT
time_cmd() {
    local out=$1; shift
    local t0 t1
    t0=$(now); "$@" > "$out" 2>&1; t1=$(now)
    echo "$t1 - $t0" | bc -l
}

have_ref=0
if command -v node >/dev/null && [ -f "$REF" ]; then
    if node "$REF" /dev/null >/dev/null 2>"$T/probe" || ! grep -q "not installed" "$T/probe"; then
        have_ref=1
    fi
fi
printf "%-24s %10s %10s %8s  %s\n" program "ours (s)" "wasm (s)" speed-up result
progs=$(ls ../shared/bench/bench_*.py tests/bench/*.py 2>/dev/null)
logsum=0; n=0; worst=""; fails=0
for py in $progs; do
    name=$(basename "$py" .py)
    cp "$py" "$T/"
    if ! (cd "$T" && "$CROSS" "$name.py"); then
        echo "$name: does not compile"; fails=$((fails + 1)); continue
    fi
    ours=$(for i in $(seq "$RUNS"); do (cd "$T" && time_cmd "$T/$name.out" "$VM" "$name.mpy"); done | median)
    result=ok
    ref="-"; ratio="-"
    if [ $have_ref = 1 ]; then
        ref=$(for i in $(seq "$REF_RUNS"); do (cd "$T" && time_cmd "$T/$name.ref" node "$REF" "$name.mpy"); done | median)
        cmp -s "$T/$name.out" "$T/$name.ref" || { result=DIFFERENT; fails=$((fails + 1)); }
        ratio=$(echo "$ref / $ours" | bc -l)
        logsum=$(echo "$logsum + l($ratio)" | bc -l); n=$((n + 1))
        ratio=$(printf "%.2f" "$ratio")
    fi
    [ "$ref" != "-" ] && ref=$(printf "%.3f" "$ref")
    printf "%-24s %10.3f %10s %8s  %s\n" "$name" "$ours" "$ref" "$ratio" "$result"
done
if [ $n -gt 0 ]; then
    printf "geometric mean speed-up over the WebAssembly VM: %.2f\n" "$(echo "e($logsum / $n)" | bc -l)"
fi
[ $fails -eq 0 ]
