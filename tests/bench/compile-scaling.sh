#!/bin/bash
# Compile-time scaling of $BUILD/mpy-cross: generates modules of several
# sizes (N functions of about 330 bytes each; 4000 of them make the 1.3 MB
# module the official tool needs 6 to 10 seconds and -X heapsize for) and
# prints the time and peak memory of compiling each, so linear growth, or
# its absence, is visible. Sizes can be given as arguments.
#   tests/bench/compile-scaling.sh [N ...]
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
M=$PWD/$BUILD/mpy-cross
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(250 1000 4000 16000)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [ ! -x "$M" ]; then
    echo "no $M: build it first"
    exit 1
fi

# One function per i: arithmetic, a loop with a branch, a dict, a handler,
# strings and floats, so every part of the compiler takes its share.
gen_module() { # n -> stdout
    awk -v n="$1" 'BEGIN {
        for (i = 0; i < n; i++) {
            printf "def func_%d(a, b=2, *args, **kw):\n", i
            printf "    x = a * %d + b\n", i
            printf "    s = \"name_%d\"\n", i
            printf "    total = 0\n"
            printf "    for k in range(x %% 7):\n"
            printf "        if k %% 2 == 0:\n"
            printf "            total += k * 1.5\n"
            printf "        else:\n"
            printf "            total -= k\n"
            printf "    try:\n"
            printf "        d = {\"k%d\": x, \"v\": [1, 2, 3]}\n", i
            printf "        total += len(d)\n"
            printf "    except KeyError as e:\n"
            printf "        total = -1\n"
            printf "    return (total, s, kw.get(\"z%d\"))\n\n", i
        }
        printf "print(func_0(1), func_%d(2))\n", n - 1
    }'
}

# Runs the compiler on $1, printing "seconds peak_kb".
measure() {
    if /usr/bin/time -f "%e %M" true >/dev/null 2>&1; then
        /usr/bin/time -o "$T/time" -f "%e %M" "$M" -o "$T/out.mpy" "$1" || return 1
        cat "$T/time"
        return 0
    fi
    # Without GNU time: wall clock from date, peak from /proc while it runs.
    local start end peak=0 hwm
    start=$(date +%s.%N)
    "$M" -o "$T/out.mpy" "$1" &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
        sleep 0.005
    done
    wait "$pid" || return 1
    end=$(date +%s.%N)
    echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') $peak"
}

printf "%10s %12s %10s %12s %12s %14s\n" functions source_bytes seconds peak_kb mpy_bytes us_per_function
for n in "${SIZES[@]}"; do
    gen_module "$n" > "$T/m$n.py"
    bytes=$(stat -c %s "$T/m$n.py")
    if ! r=$(measure "$T/m$n.py"); then
        printf "%10s %12s   compile failed\n" "$n" "$bytes"
        continue
    fi
    read -r secs kb <<< "$r"
    out=$(stat -c %s "$T/out.mpy")
    per=$(awk -v s="$secs" -v n="$n" 'BEGIN { printf "%.1f", s * 1e6 / n }')
    printf "%10s %12s %10s %12s %12s %14s\n" "$n" "$bytes" "$secs" "$kb" "$out" "$per"
done
